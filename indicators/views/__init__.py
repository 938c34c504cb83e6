"""Entry, review, plan-administration and import pages, a module each. Thin views: access (indicators.roles) → form →
service (indicators.services) → redirect with a message. The data the pages show is built in ``indicators.pages``."""
