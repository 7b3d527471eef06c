"""RadCollab settings: one file, every deployment knob an environment variable.

The README lists each variable. Defaults are safe for a laptop (SQLite, console
email) and refuse to run an insecure production: without DEBUG a SECRET_KEY is
required and cookies, HSTS and HTTPS redirects are on.
"""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from radcollab.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (use a long random string)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105 (used only with DEBUG on) # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The name on every page, in the title bar and in every email (a deployment may use its
# collaborative's own name); SITE_URL is the address emails give.
RADCOLLAB_PRODUCT_NAME = env_str("RADCOLLAB_PRODUCT_NAME", "RadCollab") or "RadCollab"

INSTALLED_APPS = [
    "core.apps.AdminConfig",  # django.contrib.admin, signed in through allauth
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "template_partials",
    "csp",
    "core",
    "audit",
    "accounts",
    "network",
    "people",
    "outputs",
    "mentors",
    "projects",
    "training",
    "capture",
    "stats",
    "events",
    "opportunities",
    "glossary",
    "credit",
    "matching",
    "recommend",
]

MIDDLEWARE = [
    "core.middleware.ApiErrorsAsJsonMiddleware",  # first: it sees every response
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.IdleSessionTimeoutMiddleware",
    "core.middleware.TwoFactorRequiredMiddleware",
    "core.middleware.RateLimitMiddleware",
    "core.middleware.PersonTimeZoneMiddleware",
]

ROOT_URLCONF = "radcollab.urls"
# Django's widget templates, with selects and inputs drawn in Python (same HTML, a fifth
# of the time: a filter form's select lists were a third of a board page's time).
FORM_RENDERER = "core.renderers.FastRenderer"
WSGI_APPLICATION = "radcollab.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "radcollab" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite beside the code unless DATABASE_URL names another (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server use the file at the same time: readers
    # never wait. A writer waits up to the busy timeout for another's write to end, and
    # every transaction takes the write lock when it begins (IMMEDIATE), so two
    # transactions never both read and then fail to upgrade. Long readers must not write
    # while a cursor is open (see capture/exports.py): SQLite refuses at once then.
    SQLITE_BUSY_SECONDS = env_int("SQLITE_BUSY_SECONDS", 15, minimum=1)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_SECONDS,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000};"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long the drawn content of the board, directory and calendar is kept (core.fragments:
# keyed by the person, the query and the data's version, so a change shows at once); 0: off.
RADCOLLAB_FRAGMENT_SECONDS = env_int("RADCOLLAB_FRAGMENT_SECONDS", 300, minimum=0)

# Background work: the database queue by default, RQ on Redis when REDIS_URL is set.
TASK_BACKEND = env_choice(
    "RADCOLLAB_TASK_BACKEND", ("database", "rq", "immediate"), "rq" if REDIS_URL else "database"
)
TASK_BACKEND_CLASSES = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKEND_CLASSES[TASK_BACKEND], "QUEUES": ["default"]}}
if TASK_BACKEND == "rq" and not REDIS_URL:
    raise ImproperlyConfigured("RADCOLLAB_TASK_BACKEND=rq needs REDIS_URL.")
# Workers for the RQ backend: `manage.py rqworker --job-class django_tasks_rq.Job default`.
# An export or import whose task reports no progress for this long is marked failed
# (its worker stopped), and the person who asked may retry it.
RADCOLLAB_TASK_STALE_MINUTES = env_int("RADCOLLAB_TASK_STALE_MINUTES", 15, minimum=1)
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
# RQ's worker would log each job's arguments (an email's text): core/worker.py's does not.
RQ = {"WORKER_CLASS": "core.worker.PrivateRQWorker"}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id for new and changed passwords; the hashers after it still check older hashes,
# which Django upgrades to Argon2 at the person's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Accounts (django-allauth): email is the login, verified before first use.
RADCOLLAB_SIGNUP_MODE = env_choice("RADCOLLAB_SIGNUP_MODE", ("open", "invite"), "open")
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{RADCOLLAB_PRODUCT_NAME}] "
# Links in emails use the scheme of SITE_URL (https in production).
ACCOUNT_DEFAULT_HTTP_PROTOCOL = SITE_URL.split("://", 1)[0]
# Login throttling: after LOGIN_FAILURES_ALLOWED failed attempts for one email, that
# email is refused for LOGIN_LOCKOUT_SECONDS; an IP is also limited per minute.
LOGIN_FAILURES_ALLOWED = env_int("LOGIN_FAILURES_ALLOWED", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 300, minimum=1)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"20/m/ip,{LOGIN_FAILURES_ALLOWED}/{LOGIN_LOCKOUT_SECONDS}s/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = RADCOLLAB_PRODUCT_NAME
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"

# Email: printed to the console unless EMAIL_BACKEND=smtp.
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}[env_choice("EMAIL_BACKEND", ("console", "smtp"), "console")]
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "RadCollab <no-reply@radcollab.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Named in the User-Agent (and NCBI's `email`) of look-ups at Crossref, PubMed and ORCID,
# so that those services can reach the site's administrator rather than block it.
RADCOLLAB_CONTACT_EMAIL = env_str("RADCOLLAB_CONTACT_EMAIL") or parseaddr(DEFAULT_FROM_EMAIL)[1]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "radcollab" / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# In production `collectstatic` writes hashed, compressed copies that can be cached for
# ever; STATIC_MANIFEST=false serves the files as they are (development and tests).
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Files served as they are from the apps' folders are looked up when asked for, instead of
# WhiteNoise indexing every one of them (a stat, headers and a date parse per file) each
# time its middleware starts: the test client starts the middleware once per client, and
# the access matrices make thousands of clients, so that index was the largest single cost
# in a profile of the suite. Production's hashed copies (STATIC_MANIFEST) are indexed once
# per process.
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS

# Storage
# Uploaded and generated files (documents, certificates, evidence, imports, exports) go
# through Django's storage API: the local disk under MEDIA_ROOT by default, or an
# S3-compatible bucket (RADCOLLAB_STORAGE=s3) that every web and worker node reads.
# Objects are private (no ACL, server-side encryption); a protected download is checked
# by the app first, then streamed by it or, with RADCOLLAB_DOWNLOADS=redirect, sent to a
# presigned URL that expires after RADCOLLAB_DOWNLOAD_URL_SECONDS.
RADCOLLAB_STORAGE = env_choice("RADCOLLAB_STORAGE", ("local", "s3"), "local")
RADCOLLAB_DOWNLOADS = env_choice("RADCOLLAB_DOWNLOADS", ("stream", "redirect"), "stream")
RADCOLLAB_DOWNLOAD_URL_SECONDS = env_int("RADCOLLAB_DOWNLOAD_URL_SECONDS", 60, minimum=1)
if RADCOLLAB_STORAGE == "s3":
    S3_BUCKET = env_str("S3_BUCKET")
    if not S3_BUCKET:
        raise ImproperlyConfigured("RADCOLLAB_STORAGE=s3 needs S3_BUCKET (the bucket's name).")
    S3_ENCRYPTION = {"aes256": "AES256", "aws:kms": "aws:kms"}[
        env_choice("S3_ENCRYPTION", ("aes256", "aws:kms"), "aes256")
    ]
    _s3_encryption: dict[str, str] = {"ServerSideEncryption": S3_ENCRYPTION}
    if S3_ENCRYPTION == "aws:kms" and env_str("S3_KMS_KEY_ID"):
        _s3_encryption["SSEKMSKeyId"] = env_str("S3_KMS_KEY_ID")
    _s3_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            # Empty means the usual AWS chain (instance role, AWS_* variables, profile).
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_KEY_PREFIX").strip("/"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": RADCOLLAB_DOWNLOAD_URL_SECONDS,
            "object_parameters": _s3_encryption,
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": env_choice(
                "S3_ADDRESSING_STYLE", ("auto", "path", "virtual"), "auto"
            ),
            "max_memory_size": 8 * 1024 * 1024,
        },
    }
    STORAGES["default"] = _s3_storage
# End of storage

# Security: on by default whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", False) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and the container's HEALTHCHECK probe a node over plain HTTP; the two
# probes carry no cookie and no data, so they answer instead of redirecting to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): every script and style comes from our own static
# files, none inline, nothing from another origin. CSP_REPORT_ONLY=true sends the policy
# as Content-Security-Policy-Report-Only (browsers report, block nothing) to try a
# change; CSP_REPORT_URI names where browsers send the reports.
RADCOLLAB_CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", default=False)
RADCOLLAB_CSP_REPORT_URI = env_str("CSP_REPORT_URI")
_CSP_IMAGES = ["'self'", "data:"]
if env_str("RADCOLLAB_MAP_TILE_URL"):  # a deployment's own tile server (read below)
    _tiles = env_str("RADCOLLAB_MAP_TILE_URL").split("/")
    _CSP_IMAGES.append("/".join(_tiles[:3]).replace("{s}.", "*."))
_CSP_POLICY: dict[str, object] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _CSP_IMAGES,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"report-uri": [RADCOLLAB_CSP_REPORT_URI]} if RADCOLLAB_CSP_REPORT_URI else {}),
    }
}
if RADCOLLAB_CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY
else:
    CONTENT_SECURITY_POLICY = _CSP_POLICY
# Permissions-Policy (core.middleware.PermissionsPolicyMiddleware): no page needs the
# camera, microphone, location, payment or USB; the browser refuses them to any script.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
}

# Sessions: people whose roles see study data are signed out after this many minutes
# without a request (core.middleware.IdleSessionTimeoutMiddleware); 0 turns it off.
RADCOLLAB_IDLE_TIMEOUT_MINUTES = env_int("RADCOLLAB_IDLE_TIMEOUT_MINUTES", 30, minimum=0)

# Rate limits (core.ratelimit): requests allowed per person (or per address when signed
# out) in each window; beyond it the answer is 429 with Retry-After.
RADCOLLAB_RATE_LIMITS = {
    "api_token": env_str("RATE_LIMIT_API_TOKEN", "600/60"),
    "import": env_str("RATE_LIMIT_IMPORT", "20/3600"),
    "export": env_str("RATE_LIMIT_EXPORT", "60/3600"),
    "statistics": env_str("RATE_LIMIT_STATISTICS", "60/3600"),
}
for _scope, _rate in RADCOLLAB_RATE_LIMITS.items():
    _count, _, _seconds = _rate.partition("/")
    if not (_count.isdigit() and _seconds.isdigit() and int(_count) > 0 and int(_seconds) > 0):
        raise ImproperlyConfigured(
            f"RATE_LIMIT_{_scope.upper()} must be requests/seconds, such as 60/3600 "
            f"(got {_rate!r})."
        )

SILENCED_SYSTEM_CHECKS = ["security.W021"] if not SECURE_HSTS_PRELOAD else []

# One line per event on stderr (core/logging_tools.py): key=value pairs, or JSON for a
# log collector; a traceback stays on its event's line. Web processes and both task
# workers (run_worker, rqworker) log the same way: RQ adds no handler of its own where
# the root logger has one.
LOG_LEVEL = env_choice("LOG_LEVEL", ("debug", "info", "warning", "error"), "info").upper()
LOG_FORMAT = env_choice("RADCOLLAB_LOG_FORMAT", ("keyvalue", "json"), "keyvalue")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "keyvalue": {"()": "core.logging_tools.KeyValueFormatter"},
        "json": {"()": "core.logging_tools.JsonFormatter"},
    },
    "filters": {"request_reference": {"()": "core.logging_tools.RequestReference"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        # The 500 page's error reference on Django's own line of that failure.
        "django.request": {"filters": ["request_reference"]},
    },
}

# Research map: country outlines are vendored, so the map draws offline; a deployment
# with its own tile server may name it (https://tiles.example.org/{z}/{x}/{y}.png).
RADCOLLAB_MAP_TILE_URL = env_str("RADCOLLAB_MAP_TILE_URL")
# Days a closed study's records are kept before `purge_expired_studies` deletes them
# (a study's admin may set its own period on the study's settings).
RADCOLLAB_STUDY_RETENTION_DAYS = env_int("RADCOLLAB_STUDY_RETENTION_DAYS", 3650, minimum=0)
# Years until a training credential (GCP...) needs its refresher; 0 means never.
RADCOLLAB_CREDENTIAL_REFRESH_YEARS = env_int("RADCOLLAB_CREDENTIAL_REFRESH_YEARS", 3, minimum=0)
# Largest file accepted, in megabytes, for each kind of upload or import (core/uploads.py;
# docs/reliability.md lists them). Project documents keep their older variable name.
RADCOLLAB_UPLOAD_MAX_MB = env_int("RADCOLLAB_UPLOAD_MAX_MB", 20, minimum=1)
RADCOLLAB_UPLOAD_LIMITS_MB = {
    "document": RADCOLLAB_UPLOAD_MAX_MB,
    "certificate": env_int("RADCOLLAB_CERTIFICATE_MAX_MB", 10, minimum=1),
    "dictionary": env_int("RADCOLLAB_DICTIONARY_MAX_MB", 2, minimum=1),
    "records": env_int("RADCOLLAB_RECORDS_IMPORT_MAX_MB", 20, minimum=1),
    "bibliography": env_int("RADCOLLAB_BIBLIOGRAPHY_MAX_MB", 10, minimum=1),
}
# A request body that is not a file (a form, JSON, REDCap API data): beyond this Django
# refuses it (413 from the API, REDCap's error from its API).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("RADCOLLAB_REQUEST_MAX_MB", 20, minimum=1) * 1024 * 1024
if RADCOLLAB_MAP_TILE_URL and not all(
    part in RADCOLLAB_MAP_TILE_URL for part in ("{z}", "{x}", "{y}")
):
    raise ImproperlyConfigured(
        "RADCOLLAB_MAP_TILE_URL must contain {z}, {x} and {y} "
        f"(got {RADCOLLAB_MAP_TILE_URL!r})."
    )
