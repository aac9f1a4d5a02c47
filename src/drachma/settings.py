"""Django settings for Drachma.

One settings module, configured from the environment (docs/deploy.md lists every variable), so
that the same code runs in production, as the embedded SQLite demo and in tests.

Production is the default: it refuses to start without its secrets, and debug is off.
Development settings are asked for with ``DRACHMA_ENV=development`` (``make run`` and the test
suite ask for them): debug on, a fixed secret key, a generated audit key, mail into files.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(env("DRACHMA_VAR_DIR", str(BASE_DIR / "var")))

DRACHMA_ENV = env("DRACHMA_ENV", "production").strip().lower()
if DRACHMA_ENV not in {"production", "development"}:
    raise ImproperlyConfigured(
        f"DRACHMA_ENV is {DRACHMA_ENV!r}: it must be 'production' (the default) or 'development'."
    )
DEVELOPMENT = DRACHMA_ENV == "development"
# The debug page shows settings and local variables: never in production.
DEBUG = env_bool("DRACHMA_DEBUG", DEVELOPMENT)
if DEBUG and not DEVELOPMENT:
    raise ImproperlyConfigured(
        "DRACHMA_DEBUG is on in production; debug pages show the settings. Turn it off, or "
        "ask for the development settings with DRACHMA_ENV=development."
    )

# Production's secrets and host names have no defaults: each one missing is named when the
# settings are loaded (at the end of this module), so that nothing starts half-configured.
_MISSING: list[str] = []


def required(name: str, development_default: str) -> str:
    value = env(name).strip()
    if value:
        return value
    if DEVELOPMENT:
        return development_default
    _MISSING.append(name)
    return ""


SECRET_KEY = required(
    "DRACHMA_SECRET_KEY", "insecure-development-key-change-me-in-production-0123456789"
)
# Reporters' addresses are kept only as a keyed hash, for rate limits; its own key, so that
# SECRET_KEY's holders (sessions, signing) cannot reverse it by trying every IPv4 address.
DRACHMA_ADDRESS_KEY = required("DRACHMA_ADDRESS_KEY", "insecure-development-address-key")
ALLOWED_HOSTS = env_list("DRACHMA_ALLOWED_HOSTS") or (
    ["127.0.0.1", "localhost", "testserver"] if DEVELOPMENT else []
)
if not ALLOWED_HOSTS and not DEVELOPMENT:
    _MISSING.append("DRACHMA_ALLOWED_HOSTS")
# Origins (scheme and host) trusted for POSTs: the address users type, when a TLS load
# balancer in front makes Django see another (https://drachma.force.example).
CSRF_TRUSTED_ORIGINS = env_list("DRACHMA_CSRF_TRUSTED_ORIGINS")

# Domain apps, in dependency order (lowest first): an app may import the apps before it,
# never those after it. The layers are checked by import-linter ([tool.importlinter] in
# pyproject.toml, `lint-imports`); DEVELOPERS.md explains them. Each app owns models,
# services, selectors, views, api. Menus, panels, roles, demo data and the API are collected
# from the apps in this order (drachma.core.registry).
DRACHMA_APPS = [
    "drachma.core",
    "drachma.audit",
    "drachma.accounts",
    "drachma.areas",
    "drachma.groups",
    "drachma.people",
    "drachma.incidents",
    "drachma.intelligence",
    "drachma.evidence",
    "drachma.safeguarding",
    "drachma.takedown",
    "drachma.cases",
    "drachma.intake",
    "drachma.statistics",
    "drachma.retention",
    "drachma.links",
    "drachma.rights",
    "drachma.site",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own form templates, for the project's renderer to fall back on.
    "django.forms",
    # The API documentation page's scripts from the project's static files, not a public CDN.
    "ninja",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    *DRACHMA_APPS,
]

MIDDLEWARE = [
    # First, so that every later log line and the response carry the request's id.
    "drachma.core.observability.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside the views (and the API's token sign-in, which sets request.user within them).
    "drachma.core.caching.PrivateResponsesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "drachma.accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "drachma.audit.middleware.AuditContextMiddleware",
    # After the audit context (its request id) and before any view: drachma/core/errors.py.
    "drachma.core.errors.ErrorsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "drachma.urls"
WSGI_APPLICATION = "drachma.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "drachma.core.context_processors.navigation",
                "drachma.core.context_processors.classification",
                "drachma.audit.context_processors.task_purpose",
            ],
        },
    },
]

# Every form, django-filter's included, is drawn as GOV.UK form groups (docs/design.md).
FORM_RENDERER = "drachma.core.rendering.GovukFormRenderer"
# A choice filter that does not narrow a list reads "Any".
FILTERS_EMPTY_CHOICE_LABEL = "Any"

# The marking on every staff page and every printed page or document.
DRACHMA_CLASSIFICATION = env("DRACHMA_CLASSIFICATION", "OFFICIAL-SENSITIVE")
# The force named in the header of the disclosure schedules (MG6C, MG6D, MG6E).
DRACHMA_FORCE_NAME = env("DRACHMA_FORCE_NAME", "Greater Manchester Police")

# --- database --------------------------------------------------------------------------
# SQLite is the embedded default; DATABASE_URL=postgres://... selects PostgreSQL (psycopg 3).
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'drachma.sqlite3'}",
        # One connection kept per process (a gunicorn worker, the worker, the scheduler) in
        # production; none kept in development, whose server opens a thread per request and
        # would otherwise hold a connection per thread until PostgreSQL's limit.
        conn_max_age=env_int("DRACHMA_DB_CONN_MAX_AGE", 0 if DEVELOPMENT else 60),
        # A kept connection is tested before each request reuses it: a restarted database
        # costs one reconnect, not an error page.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers, which the audit hash chain relies on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # A database that does not answer fails the request (and /readyz) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DRACHMA_DB_CONNECT_TIMEOUT", 5
    )
# A request is one transaction: a failed request leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# PostgreSQL in production: the application connects (DATABASE_URL) as a role that owns no
# tables and may only add to the audit log. The migration job alone also gets
# DATABASE_OWNER_URL: that process then connects as the owner, and keeps the application's
# role (DATABASE_URL's user) to its grants. `manage.py create_db_roles`: docs/audit.md.
DRACHMA_DB_APP_ROLE = ""
if env("DATABASE_OWNER_URL"):
    DRACHMA_DB_APP_ROLE = DATABASES["default"].get("USER", "")
    DATABASES["default"].update(dj_database_url.parse(env("DATABASE_OWNER_URL")))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache -----------------------------------------------------------------------------
# Rate limits and cached figures live here: shared by every process (the database's cache
# table by default; Redis when REDIS_URL or CACHE_URL names it).
REDIS_URL = env("REDIS_URL")
CACHE_URL = env("CACHE_URL") or REDIS_URL
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL in {"", "db://"}:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "drachma_cache",
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_URL {CACHE_URL!r} is not understood: use redis://, rediss://, db:// or locmem://."
    )

# --- accounts and sessions -------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
# A session lasts a working shift at most, and ends when the browser closes.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("DRACHMA_SESSION_SECONDS", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Login throttling (django-axes): lock an account after repeated failures, from whatever
# address ("username"): locking only the username+address pair let a guesser go on from a
# fresh address. The pair stays listed because axes' own check (axes.W006, run by `check
# --deploy`) asks for the address; an address alone is not locked, since a force's staff share
# a few outgoing addresses and one mistyping user would lock out the station.
AXES_FAILURE_LIMIT = env_int("DRACHMA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("DRACHMA_AXES_ENABLED", True)

OTP_TOTP_ISSUER = "Drachma"
# Roles that must pass a TOTP second factor before they can use the system: every role that
# sees personal data (core.roles.PERSONAL_DATA_ROLES), the auditor (the log holds the
# changes' values) and the administrator (who grants the rest).
DRACHMA_SECOND_FACTOR_REQUIRED_ROLES = [
    "analyst",
    "safeguarding_officer",
    "investigator",
    "disclosure_officer",
    "supervisor",
    "auditor",
    "administrator",
    "digital_forensics",
]
# The longest an API token lasts for a user who must use a second factor.
DRACHMA_TOKEN_DAYS = env_int("DRACHMA_TOKEN_DAYS", 90)

# --- behind the force's load balancer --------------------------------------------------
# The header by which a TLS-terminating balancer says the request came over HTTPS (e.g.
# X-Forwarded-Proto). Set it only when the balancer sets (and overwrites) that header:
# otherwise anyone could claim HTTPS.
DRACHMA_PROXY_SSL_HEADER = env("DRACHMA_PROXY_SSL_HEADER")
if DRACHMA_PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + DRACHMA_PROXY_SSL_HEADER.upper().replace("-", "_"),
        "https",
    )
# The header carrying the client's address (X-Forwarded-For, X-Real-IP...), read by the
# reporting page's rate limits and the audit log. Unset: REMOTE_ADDR, and any such header a
# client sends is ignored. For X-Forwarded-For, the address DRACHMA_CLIENT_IP_PROXIES
# places from the right is taken (each trusted proxy appends the address it saw).
DRACHMA_CLIENT_IP_HEADER = env("DRACHMA_CLIENT_IP_HEADER")
DRACHMA_CLIENT_IP_PROXIES = env_int("DRACHMA_CLIENT_IP_PROXIES", 1)

# --- safe defaults (production) --------------------------------------------------------
# Everything over HTTPS: redirects, secure cookies, HSTS. Health checks and metrics are
# asked for over plain HTTP by the balancer and Prometheus inside the network.
SECURE_SSL_REDIRECT = env_bool("DRACHMA_SSL_REDIRECT", not DEVELOPMENT)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = not DEVELOPMENT
CSRF_COOKIE_SECURE = not DEVELOPMENT
SECURE_HSTS_SECONDS = env_int("DRACHMA_HSTS_SECONDS", 0 if DEVELOPMENT else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DRACHMA_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DRACHMA_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the project's own scripts, styles, fonts and images
# only; no inline script. Inline style attributes are allowed (some templates size a form
# with one); a script cannot use them to run. Development sends it as Report-Only, so the
# browser tests (which inject axe-core) run and the console still shows what would break.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if DEVELOPMENT:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Dates and times as users read them: "12 March 2026" and "12 March 2026, 18:02" (the en_GB
# locale's own formats would win over these settings, so drachma/formats/ repeats them).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
FORMAT_MODULE_PATH = ["drachma.formats"]

# --- static files and the evidence store -----------------------------------------------
# Production serves static files through WhiteNoise from STATIC_ROOT, filled at deploy by
# `manage.py collectstatic` (docs/deploy.md); development finds them in the apps.
STATIC_URL = "static/"
STATIC_ROOT = Path(env("DRACHMA_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEVELOPMENT
FORMS_URLFIELD_ASSUME_HTTPS = True
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content-addressed evidence store (see drachma.evidence.store). Local disk by default;
# DRACHMA_EVIDENCE_STORAGE=s3 writes through django-storages' S3 backend (boto3) to the bucket
# below: AWS S3 or any S3-compatible store (Ceph's radosgw, MinIO) at DRACHMA_S3_ENDPOINT_URL.
DRACHMA_EVIDENCE_ROOT = Path(env("DRACHMA_EVIDENCE_ROOT", str(VAR_DIR / "evidence")))
DRACHMA_EVIDENCE_STORAGE = env("DRACHMA_EVIDENCE_STORAGE", "local")
if DRACHMA_EVIDENCE_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured(
        f"DRACHMA_EVIDENCE_STORAGE is {DRACHMA_EVIDENCE_STORAGE!r}: it must be 'local' or 's3'."
    )
DRACHMA_EVIDENCE_MAX_BYTES = env_int("DRACHMA_EVIDENCE_MAX_BYTES", 2 * 1024**3)
if DRACHMA_EVIDENCE_STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = env("DRACHMA_S3_BUCKET")
    if not AWS_STORAGE_BUCKET_NAME:
        _MISSING.append("DRACHMA_S3_BUCKET")
    AWS_S3_ENDPOINT_URL = env("DRACHMA_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env("DRACHMA_S3_REGION") or None
    # Unset, boto3 finds credentials itself (an instance role, ~/.aws, AWS_* variables).
    AWS_S3_ACCESS_KEY_ID = env("DRACHMA_S3_ACCESS_KEY_ID") or None
    AWS_S3_SECRET_ACCESS_KEY = env("DRACHMA_S3_SECRET_ACCESS_KEY") or None
    # "path" for most S3-compatible servers; "virtual" (bucket in the host name) for AWS.
    AWS_S3_ADDRESSING_STYLE = env("DRACHMA_S3_ADDRESSING_STYLE") or None
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = 300
# Uploads above this go to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- background tasks ------------------------------------------------------------------
# The database queue by default (`manage.py db_worker`); DRACHMA_TASKS_BACKEND=rq puts the
# tasks on RQ over Redis (REDIS_URL; `manage.py rqworker default`) for several machines.
# A dotted backend path is taken as it is.
DRACHMA_TASKS_BACKEND = env("DRACHMA_TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS.get(DRACHMA_TASKS_BACKEND, DRACHMA_TASKS_BACKEND),
        "QUEUES": ["default"],
    }
}
if TASKS["default"]["BACKEND"] == _TASK_BACKENDS["rq"]:
    if not REDIS_URL:
        raise ImproperlyConfigured("DRACHMA_TASKS_BACKEND=rq needs REDIS_URL.")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
# Finished task results are deleted after this many days (a periodic task prunes them).
DRACHMA_TASK_RESULTS_DAYS = env_int("DRACHMA_TASK_RESULTS_DAYS", 14)

# --- "already known?" ------------------------------------------------------------------
# The national and force systems each check also asks (drachma.intake.lookups): dotted paths
# to backends, comma-separated. Development and the tests ask the fake one; production asks
# none until the force's gateway backends are named here.
DRACHMA_KNOWN_LOOKUPS = env_list(
    "DRACHMA_KNOWN_LOOKUPS", "drachma.intake.lookups.FakeLookup" if DEVELOPMENT else ""
)

# --- mail ------------------------------------------------------------------------------
# Development writes mail into var/mail/; production sends it by SMTP. A failed sending is
# logged and retried by the worker (drachma.core.mail), never dropped silently.
EMAIL_BACKEND = env(
    "DRACHMA_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEVELOPMENT
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env("DRACHMA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DRACHMA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("DRACHMA_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("DRACHMA_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("DRACHMA_EMAIL_STARTTLS", False)
EMAIL_USE_SSL = env_bool("DRACHMA_EMAIL_SSL", False)
EMAIL_TIMEOUT = env_int("DRACHMA_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env("DRACHMA_FROM_EMAIL", "drachma@police.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DRACHMA_MAIL_ATTEMPTS = env_int("DRACHMA_MAIL_ATTEMPTS", 5)

# --- logs, request ids and metrics -----------------------------------------------------
# One JSON object a line on standard error (python-json-logger), each with the request's id:
# an incoming DRACHMA_REQUEST_ID_HEADER (set by the balancer) when configured, otherwise one
# made here; the response echoes it in X-Request-ID. DRACHMA_LOG_FORMAT=text for people.
DRACHMA_REQUEST_ID_HEADER = env("DRACHMA_REQUEST_ID_HEADER")
DRACHMA_LOG_FORMAT = env("DRACHMA_LOG_FORMAT", "text" if DEVELOPMENT else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "drachma.core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": DRACHMA_LOG_FORMAT,
        }
    },
    # INFO: what the processes do (tasks run, mail retried, the scheduler's turns).
    "root": {"handlers": ["console"], "level": env("DRACHMA_LOG_LEVEL", "INFO")},
    # Libraries that narrate their own loading and every document they lay out.
    "loggers": {
        name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "faiss", "botocore")
    },
}
# /metrics (Prometheus) answers only a bearer token or an address listed here; with neither
# configured it answers no one.
DRACHMA_METRICS_TOKEN = env("DRACHMA_METRICS_TOKEN")
DRACHMA_METRICS_ALLOWED_IPS = env_list("DRACHMA_METRICS_ALLOWED_IPS")

# --- the audit log ---------------------------------------------------------------------
# (docs/audit.md). Its HMAC key never lives in the database: DRACHMA_AUDIT_KEY, or
# DRACHMA_AUDIT_KEY_FILE (one key a line, the last current, earlier ones retired). Without
# either, development generates a key file under var/ and production refuses to start.
DRACHMA_AUDIT_KEY = env("DRACHMA_AUDIT_KEY")
DRACHMA_AUDIT_KEY_FILE = env("DRACHMA_AUDIT_KEY_FILE") or (
    str(VAR_DIR / "audit.key") if DEVELOPMENT and not DRACHMA_AUDIT_KEY else ""
)
DRACHMA_AUDIT_GENERATE_KEY = DEVELOPMENT and not env("DRACHMA_AUDIT_KEY_FILE")
# Anchors of the chain's head, appended to a file on storage apart from the database's. They
# belong to one database: the default file is named after it.
_AUDITED_DB = "{}-{}".format(
    DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1], Path(str(DATABASES["default"]["NAME"])).stem
)
DRACHMA_AUDIT_ANCHOR_PATH = Path(
    env("DRACHMA_AUDIT_ANCHOR_PATH", str(VAR_DIR / f"audit-anchors-{_AUDITED_DB}.log"))
)
DRACHMA_AUDIT_WITNESSES = ["drachma.audit.anchors.FileWitness"]

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

if _MISSING:
    raise ImproperlyConfigured(
        "Production settings need " + ", ".join(_MISSING) + " (docs/deploy.md lists them); "
        "for the development settings set DRACHMA_ENV=development."
    )
