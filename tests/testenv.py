"""Pytest plugin loaded with -p before Django starts: test-only environment defaults."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnop")
os.environ.setdefault("SECURE_COOKIES", "0")
# The test client speaks plain http; production defaults (SSL redirect, HSTS) are tested in test_deploy.py.
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Live-server threads must not keep connections open, or the test database cannot be dropped at the end.
os.environ.setdefault("DB_CONN_MAX_AGE", "0")
