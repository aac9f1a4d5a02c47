"""Django settings for Drachma.

One settings module, configured from the environment so that the same code runs as the
embedded SQLite demo (`make run`), in tests, and in production on PostgreSQL.
"""

import os
from pathlib import Path

import dj_database_url

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(os.environ.get("DRACHMA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DRACHMA_DEBUG", True)
SECRET_KEY = os.environ.get(
    "DRACHMA_SECRET_KEY", "insecure-development-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = os.environ.get("DRACHMA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

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
    "drachma.intake",
    "drachma.statistics",
    "drachma.retention",
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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
            ],
        },
    },
]

# Every form, django-filter's included, is drawn as GOV.UK form groups (docs/design.md).
FORM_RENDERER = "drachma.core.rendering.GovukFormRenderer"
# A choice filter that does not narrow a list reads "Any".
FILTERS_EMPTY_CHOICE_LABEL = "Any"

# The marking on every staff page and every printed page or document.
DRACHMA_CLASSIFICATION = os.environ.get("DRACHMA_CLASSIFICATION", "OFFICIAL-SENSITIVE")

# SQLite is the embedded default; DATABASE_URL=postgres://... selects PostgreSQL (psycopg 3).
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'drachma.sqlite3'}", conn_max_age=60
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
# A request is one transaction: a failed request leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# PostgreSQL in production: the application connects (DATABASE_URL) as a role that owns no
# tables and may only add to the audit log. The migration job alone also gets
# DATABASE_OWNER_URL: that process then connects as the owner, and keeps the application's
# role (DATABASE_URL's user) to its grants. `manage.py create_db_roles`: docs/audit.md.
DRACHMA_DB_APP_ROLE = ""
if os.environ.get("DATABASE_OWNER_URL"):
    DRACHMA_DB_APP_ROLE = DATABASES["default"].get("USER", "")
    DATABASES["default"].update(dj_database_url.parse(os.environ["DATABASE_OWNER_URL"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "drachma_cache",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

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
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("DRACHMA_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("DRACHMA_AXES_ENABLED", True)

OTP_TOTP_ISSUER = "Drachma"
# Roles that must pass a TOTP second factor before they can use the system.
DRACHMA_SECOND_FACTOR_REQUIRED_ROLES = ["administrator"]

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

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
FORMS_URLFIELD_ASSUME_HTTPS = True
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content-addressed evidence store (see drachma.evidence.store). Local disk by default;
# DRACHMA_EVIDENCE_STORAGE=s3 selects django-storages' S3 backend in production.
DRACHMA_EVIDENCE_ROOT = Path(os.environ.get("DRACHMA_EVIDENCE_ROOT", VAR_DIR / "evidence"))
DRACHMA_EVIDENCE_STORAGE = os.environ.get("DRACHMA_EVIDENCE_STORAGE", "local")
DRACHMA_EVIDENCE_MAX_BYTES = int(os.environ.get("DRACHMA_EVIDENCE_MAX_BYTES", 2 * 1024**3))
# Uploads above this go to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("DRACHMA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "DRACHMA_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DRACHMA_FROM_EMAIL", "drachma@police.example")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DRACHMA_LOG_LEVEL", "WARNING")},
}

# The audit log (docs/audit.md). Its HMAC key never lives in the database: DRACHMA_AUDIT_KEY,
# or DRACHMA_AUDIT_KEY_FILE (one key a line, the last current, earlier ones retired). Without
# either, development generates a key file under var/ and production refuses to start.
DRACHMA_AUDIT_KEY = os.environ.get("DRACHMA_AUDIT_KEY", "")
DRACHMA_AUDIT_KEY_FILE = os.environ.get("DRACHMA_AUDIT_KEY_FILE") or (
    str(VAR_DIR / "audit.key") if DEBUG and not DRACHMA_AUDIT_KEY else ""
)
DRACHMA_AUDIT_GENERATE_KEY = DEBUG and not os.environ.get("DRACHMA_AUDIT_KEY_FILE")
# Anchors of the chain's head, appended to a file on storage apart from the database's. They
# belong to one database: the default file is named after it.
_AUDITED_DB = "{}-{}".format(
    DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1], Path(str(DATABASES["default"]["NAME"])).stem
)
DRACHMA_AUDIT_ANCHOR_PATH = Path(
    os.environ.get("DRACHMA_AUDIT_ANCHOR_PATH", VAR_DIR / f"audit-anchors-{_AUDITED_DB}.log")
)
DRACHMA_AUDIT_WITNESSES = ["drachma.audit.anchors.FileWitness"]

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
