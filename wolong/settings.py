"""Settings for the planning-indicator monitor, read from the environment.

Every variable is parsed here, once; a bad value stops start-up with a message naming it.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(environ: dict[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no/on/off, got {raw!r}")


def env_list(environ: dict[str, str], name: str, default: list[str]) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name} must be a comma-separated list without empty items, got {raw!r}")
    return items


def conn_max_age(environ: dict[str, str]) -> int:
    """Seconds a database connection is kept open (``DB_CONN_MAX_AGE``, default 60; 0 closes after each request)."""
    raw = environ.get("DB_CONN_MAX_AGE", "60").strip()
    if not raw.isdigit():
        raise ImproperlyConfigured(f"DB_CONN_MAX_AGE must be a whole number of seconds, got {raw!r}")
    return int(raw)


def database_config(environ: dict[str, str], base_dir: Path) -> dict:
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": base_dir / "db.sqlite3",
        }
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// or sqlite://, got {url.split('://', 1)[0]!r}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age(environ), conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if config["ENGINE"] != "django.db.backends.sqlite3" and not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://user@host:5432/dbname")
    return dict(config)


def secret_key(environ: dict[str, str], debug: bool) -> str:
    key = environ.get("SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")
        return key
    if debug:
        return "dev-only-insecure-key-never-use-in-production-0123456789"
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")


def env_int(environ: dict[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None:
        return default
    if not raw.strip().isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}")
    return int(raw.strip())


def header_meta_key(environ: dict[str, str], name: str) -> str | None:
    """An HTTP header name from the environment (``X-Forwarded-Proto``) as Django's META key, or None when unset."""
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    if not all(ch.isalnum() or ch == "-" for ch in raw):
        raise ImproperlyConfigured(f"{name} must be an HTTP header name such as X-Forwarded-Proto, got {raw!r}")
    return "HTTP_" + raw.upper().replace("-", "_")


def admins(environ: dict[str, str]) -> list[tuple[str, str]]:
    """``ADMINS=a@example.gov.cn,b@example.gov.cn``: who gets an e-mail for every server error."""
    emails = env_list(environ, "ADMINS", default=[])
    for email in emails:
        if "@" not in email:
            raise ImproperlyConfigured(f"ADMINS must be comma-separated e-mail addresses, got {email!r}")
    return [(email, email) for email in emails]


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


ENV = _environ()

DEBUG = env_bool(ENV, "DEBUG", default=False)
SECRET_KEY = secret_key(ENV, DEBUG)
ALLOWED_HOSTS = env_list(ENV, "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off, e.g. ALLOWED_HOSTS=monitor.example.gov.cn")
CSRF_TRUSTED_ORIGINS = env_list(ENV, "CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "wolong.apps.AxesConfig",  # django-axes with Chinese names in the admin
    "csp",
    "indicators",
    "projects",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "wolong.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "indicators.context_processors.nav",
                "indicators.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "wolong.wsgi.application"

DATABASES = {"default": database_config(ENV, BASE_DIR)}
# Optional streaming replica for the read-only report pages (wolong/replica.py; README, 扩展).
if ENV.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = database_config({**ENV, "DATABASE_URL": ENV["DATABASE_REPLICA_URL"]}, BASE_DIR)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["wolong.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "wolong.replica.ReplicaMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "wolong.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): failures are counted per account (from any address) and per address (over
# any accounts); either count reaching the limit locks for LOGIN_LOCKOUT_HOURS. An admin unlocks on
# /accounts/lockouts/. The client address is REMOTE_ADDR unless CLIENT_IP_HEADER names the header that the
# reverse proxy sets (X-Real-IP); it is believed only from TRUSTED_PROXIES (see wolong/client_ip.py).
AXES_FAILURE_LIMIT = env_int(ENV, "LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env_int(ENV, "LOGIN_LOCKOUT_HOURS", default=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# A successful login does not clear the counts: it would clear every count of its address, so an attacker
# with one valid account could log in between guesses at other accounts and never be locked.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "wolong.client_ip.client_ip"
CLIENT_IP_HEADER = header_meta_key(ENV, "CLIENT_IP_HEADER")
TRUSTED_PROXIES = env_list(ENV, "TRUSTED_PROXIES", default=["127.0.0.1", "::1"])

# Four eyes (the approver of a figure is never its last editor) is a plan setting, ``Plan.four_eyes``, on by default
# and changed in the admin with an audit trail: no environment variable can switch it off behind the auditors' back.
# The former FOUR_EYES variable fails loudly rather than being silently ignored.
if "FOUR_EYES" in ENV:
    raise ImproperlyConfigured("FOUR_EYES was removed: four eyes is now the plan setting Plan.four_eyes (admin → 规划)")

# Chinese only, whatever the browser asks for (no LocaleMiddleware): the users are Chinese civil servants and
# a half-English page (Django's own messages) would be worse than none.
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "reports.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Import previews wait for their confirm in the database, not on one server's disk (several app servers may
# share the load). The table is made by `manage.py createcachetable` (make serve, make run; tests do it).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "imports": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "wolong_import_previews",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# Uploads (Excel import) are refused above this size with a Chinese message, not a 500.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# HTTPS: the secure choices are the defaults without DEBUG. HTTPS=0 switches them all off for a plain-http
# intranet; each can also be set on its own (README, 部署).
HTTPS = env_bool(ENV, "HTTPS", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool(ENV, "SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool(ENV, "SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env_int(ENV, "SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(ENV, "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool(ENV, "SECURE_HSTS_PRELOAD", default=True)
# Behind nginx the request reaches gunicorn over http; the proxy says which scheme the browser used.
_proxy_ssl_header = header_meta_key(ENV, "PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
# Sessions last two weeks (Django's default); `manage.py clearsessions` deletes expired ones (daily timer).
SESSION_COOKIE_AGE = env_int(ENV, "SESSION_COOKIE_AGE", default=14 * 24 * 3600)

# Content-Security-Policy: scripts only from our static files (charts read their data from json_script
# blocks, static/js/charts.js draws them). plotly.js writes <style> elements while drawing, so styles
# may be inline; nothing else is allowed inline, and no other origin at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Errors: to stderr always (journald under systemd), to LOG_FILE when set (reopened after logrotate moves
# it), and by e-mail to ADMINS when set.
ADMINS = admins(ENV)
SERVER_EMAIL = ENV.get("SERVER_EMAIL", "wolong-monitor@localhost")
DEFAULT_FROM_EMAIL = SERVER_EMAIL
EMAIL_HOST = ENV.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int(ENV, "EMAIL_PORT", default=25)
LOG_FILE = ENV.get("LOG_FILE", "").strip()
# The region whose DRC runs this installation: the product's name in every page header, the login page and the
# admin (卧龙区规划指标监测平台, 卧龙区发改委). A city or county running its own copy sets its name here.
SITE_REGION = ENV.get("SITE_REGION", "").strip() or "卧龙区"

LOG_LEVEL = ENV.get("LOG_LEVEL", "WARNING").strip().upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}")
_log_handlers = ["console"] + (["file"] if LOG_FILE else []) + (["mail_admins"] if ADMINS else [])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
        **(
            {"file": {"class": "logging.handlers.WatchedFileHandler", "filename": LOG_FILE, "formatter": "plain"}}
            if LOG_FILE
            else {}
        ),
    },
    "root": {"handlers": _log_handlers, "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": _log_handlers, "level": LOG_LEVEL, "propagate": False},
        "axes": {"handlers": _log_handlers, "level": "WARNING", "propagate": False},
    },
}
