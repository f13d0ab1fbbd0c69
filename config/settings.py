"""One settings module. Everything that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_cache, env_int, env_list, env_str, origin_of

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DJANGO_DEBUG=False")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
# Public base address printed in certificate QR codes (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Origins a POST may come from besides the request's own (the public address behind a proxy).
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [origin_of("SITE_URL", SITE_URL)])
# Behind a TLS-terminating proxy (nginx, Caddy...) Django sees plain HTTP: trust the proxy's
# X-Forwarded-Proto for "is this HTTPS?" and its X-Forwarded-For for the client's address.
# Only set this when such a proxy always overwrites those headers.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", not DEBUG)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "auditlog",
    "access",
    "people",
    "training",
    "certificates",
    "coverage",
    "api",
    "backup",
    "audit",
    "jobs",
]

# In production (`make serve`) static files get content-hashed names (cached for a year by
# browsers) and pre-compressed .gz and .br copies made by `collectstatic`; in development and
# tests they are served as they are, with no collectstatic step.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)

MIDDLEWARE = [
    # First, so that it compresses every answer the others produce (pages, JSON, CSV, SVG).
    "config.middleware.TextGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (hashed names, pre-compressed .gz/.br) straight from the app server, before
    # sessions and authentication, in production; nginx may serve them itself (deploy/).
    # In development `runserver` and the tests' live server serve them.
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if STATIC_MANIFEST else []),
    "csp.middleware.CSPMiddleware",
    "config.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.RequestRolesMiddleware",
    "audit.middleware.AuditContextMiddleware",
    # Reports read from the replica when DATABASE_REPLICA_URL is set (config.replica).
    "config.replica.ReportReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its answer (config.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other (WAL, a busy timeout, BEGIN IMMEDIATE) instead of failing
    # with «database is locked» when several requests write at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# A streaming replica of PostgreSQL for reports (coverage pages, gap lists, report files): the
# reads of those pages go there, every write and every other page to the primary.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
# PostgreSQL's JIT compiles the large coverage queries for seconds before running them
# (nation roll-up: 7.5 s with it, 5.1 s without; docs/performance.md): off unless PG_JIT.
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql" and not env_bool("PG_JIT", False):
        database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Lets several test runs share one PostgreSQL server without clobbering each other.
if env_str("DJANGO_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("DJANGO_TEST_DB_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits and lockouts must be counted across every server process: a shared cache.
CACHES = {"default": env_cache("CACHE_URL")}

AUTHENTICATION_BACKENDS = [
    "config.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: too many failed logins for a username, or from an address, lock it out for a
# while. Failures are rows in the database (shared by every process); see docs/security.md.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Tries during a lockout do not extend it: the lockout ends as announced.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.lockout.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Django's own `vi` locale has no input formats: we set them (and make them win over the locale).
FORMAT_MODULE_PATH = ["config.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

REST_FRAMEWORK = {
    # Token first: an API call without valid credentials gets 401 with `WWW-Authenticate:
    # Token` (Basic first would pop up the browser's password box on the browsable API).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.HttpsBasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable API's forms and filter forms would list every related row
    # (people, organisations, enrolments) to any signed-in user. Swagger UI is at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    # One error shape for every refusal: {"detail", "code", "errors"} (api/errors.py).
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATE_FORMAT": "%Y-%m-%d",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d", "%d/%m/%Y"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Taphuan API",
    "DESCRIPTION": "Registry, training and coverage of mass-mobilisation work (công tác dân vận).",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "PREPROCESSING_HOOKS": ["api.schema.drop_slash_duplicates"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors",
    ],
    # Several models have a `status`; name each enum after its model in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CourseStatusEnum": "training.models.Course.Status",
        "EnrollmentStatusEnum": "training.models.Enrollment.Status",
        "AttendanceStatusEnum": "training.models.Attendance.Status",
        "CertificateStatusEnum": "certificates.models.Certificate.Status",
        "RevocationCategoryEnum": "certificates.models.Certificate.RevocationCategory",
    },
}

# Background jobs: run immediately in development; the database backend (and its worker,
# `manage.py db_worker`) in production.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# The audit trail (django-auditlog, configured by the `audit` app): changes stored as JSON
# {field: [before, after]}; the correlation id of an entry is its import batch, request or command.
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_CID_GETTER = "audit.contexts.current_cid"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "taphuan@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (deploy/taphuan.env.example).
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# --- HTTPS and browser protections (the defaults pass `manage.py check --deploy`) ---------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A password in every request (HTTP Basic) only over HTTPS, except on a developer's machine.
BASIC_AUTH_HTTPS_ONLY = not DEBUG
# Everything the pages load comes from this site: no inline script or style, no CDN. Applied
# in development too, so that tests catch any inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    }
}

# Secret feed addresses (/lich/feed/<token>.ics) are logged without their token: by our
# handler, by Django's request log (404s) and by runserver's access log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_feed_tokens": {"()": "config.logs.HideFeedTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["hide_feed_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["hide_feed_tokens"],
        },
    },
    "loggers": {
        "django.request": {"filters": ["hide_feed_tokens"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Uploads (every import reads its file through config.spreadsheets): the file's size, what its
# zip may expand to (total, and ratio per member), rows, columns and characters per cell.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_MAX_UNCOMPRESSED_BYTES = env_int("UPLOAD_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
UPLOAD_MAX_COMPRESSION_RATIO = env_int("UPLOAD_MAX_COMPRESSION_RATIO", 100)
UPLOAD_MAX_ROWS = env_int("UPLOAD_MAX_ROWS", 50_000)
UPLOAD_MAX_COLUMNS = env_int("UPLOAD_MAX_COLUMNS", 100)
# A confirmed roster file larger than this is written by a background job (its page shows the
# progress) instead of inside the request, so a province's file does not time the page out.
ROSTER_JOB_BYTES = env_int("ROSTER_JOB_BYTES", 200 * 1024)
UPLOAD_MAX_CELL_CHARS = env_int("UPLOAD_MAX_CELL_CHARS", 1_000)
# A roster kept between its preview and its confirmation (people.PendingUpload) is removed on
# confirmation, on cancel, or after this many hours (`manage.py purge_uploads`, and each upload).
PENDING_UPLOAD_HOURS = env_int("PENDING_UPLOAD_HOURS", 24)
