"""Django settings, read from the environment only (see docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path

from relance.channels.email import verp as _verp
from relance.channels.sms import backends as _sms_backend
from relance.lib import env, production

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("RELANCE_VAR_DIR") or BASE_DIR / "var")

PRODUCTION = production.is_production(os.environ)
SECRET_KEY = (
    production.production_secret_key(os.environ.get("SECRET_KEY"))
    if PRODUCTION
    else env.secret_key(os.environ.get("SECRET_KEY"), VAR_DIR)
)
DEBUG = env.flag("DEBUG", os.environ.get("DEBUG"), default=False)
# ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, the reverse proxy and, in production, HTTPS and HSTS
# (docs/deployment.md).
globals().update(production.web_settings(os.environ))

INSTALLED_APPS = [
    "relance.accounts.apps.RelanceAdminConfig",  # the admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "relance.accounts",
    "relance.ledger",
    "relance.rates",
    "relance.imports",
    "relance.payments",
    "relance.dunning",
    "relance.channels",
    "relance.reports",
    "relance.cycle",
    "relance.web",
    "relance.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "relance.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "relance.urls"
WSGI_APPLICATION = "relance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "relance.web.context.workspace",
            ],
        },
    },
]

DATABASES = {
    "default": env.database(os.environ.get("DATABASE_URL"), VAR_DIR / "relance.sqlite3"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Tests run on a file, not in memory, so that concurrent workers can share it; one file
    # per test process, so that two test runs on one machine do not meet.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-relance-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The only backend: every sign-in, whatever the page, goes through the lock.
AUTHENTICATION_BACKENDS = ["relance.accounts.signin.SignInLockBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = env.time_zone(os.environ.get("TIME_ZONE"))
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "relance" / "locale"]
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve static files straight from the apps: no collectstatic step in the embedded mode.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("RELANCE_MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "media/"
# Uploaded files (imports, invoice PDFs) are private: they are never served from MEDIA_URL.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

_email = env.email(os.environ.get("EMAIL_URL"))
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
if _email.file_path:
    EMAIL_FILE_PATH = _email.file_path
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "relance@localhost")

# SMS provider: "brevo://API_KEY@api.brevo.com" or "console:" (printed, not sent; the default).
SMS_URL = os.environ.get("SMS_URL") or "console:"
_sms_backend.backend_from_url(SMS_URL)  # a wrong value stops the start here

# Public address of this relance, for links in e-mails (open tracking, portal). One address is
# enough: RELANCE_BASE_URL and RELANCE_PUBLIC_URL stand in for each other. Unset, the
# development address is used, except by invitations, which take the address of the admin's
# page (its host checked against ALLOWED_HOSTS).
_ADDRESS = os.environ.get("RELANCE_BASE_URL") or os.environ.get("RELANCE_PUBLIC_URL") or ""
RELANCE_ADDRESS_CONFIGURED = bool(_ADDRESS)
RELANCE_BASE_URL = (_ADDRESS or "http://127.0.0.1:8000").rstrip("/")

# Mailbox where bounces and replies arrive, read by "relance mailbox poll" (optional).
IMAP_URL = os.environ.get("IMAP_URL", "")
if IMAP_URL:
    from relance.channels.email.mailbox import mailbox_from_url

    mailbox_from_url(IMAP_URL)  # a wrong value stops the start here

# Password links: at most this many per e-mail, and requests per network address, an hour.
RELANCE_PASSWORD_RESET_PER_EMAIL = env.count(
    "RELANCE_PASSWORD_RESET_PER_EMAIL", os.environ.get("RELANCE_PASSWORD_RESET_PER_EMAIL"), 3
)
RELANCE_PASSWORD_RESET_PER_IP = env.count(
    "RELANCE_PASSWORD_RESET_PER_IP", os.environ.get("RELANCE_PASSWORD_RESET_PER_IP"), 10
)

# An organisation's own SMTP server may resolve to loopback, private or link-local addresses
# only when this is set (a mail catcher or a relay on the local network); the default follows
# DEBUG. The "send a test" button waits at most RELANCE_SMTP_TEST_TIMEOUT seconds per step.
RELANCE_SMTP_ALLOW_PRIVATE_HOSTS = env.flag(
    "RELANCE_SMTP_ALLOW_PRIVATE_HOSTS",
    os.environ.get("RELANCE_SMTP_ALLOW_PRIVATE_HOSTS"),
    default=DEBUG,
)
RELANCE_SMTP_TEST_TIMEOUT = env.seconds(
    "RELANCE_SMTP_TEST_TIMEOUT", os.environ.get("RELANCE_SMTP_TEST_TIMEOUT"), default=10
)

# Shared secret of the inbound mail hook (bounces and replies posted by the mail server).
RELANCE_INBOUND_SECRET = os.environ.get("RELANCE_INBOUND_SECRET", "")

# Envelope sender of outgoing e-mails, one per message: bounces+<token>@ this address's domain
# (empty: bounces+<token>@ the domain of the message's From). See docs/channels.md.
RELANCE_BOUNCE_ADDRESS = _verp.bounce_address_setting(os.environ.get("RELANCE_BOUNCE_ADDRESS", ""))
# Caps on what people write and what is rendered from it (docs/templates.md): a template's
# source and each rendered part (subject, text, HTML) in UTF-8 bytes; a to-do draft's text in
# characters. Over them, the template or the text is refused with a message, never rendered.
RELANCE_TEMPLATE_MAX_BYTES = env.size_limit(
    "RELANCE_TEMPLATE_MAX_BYTES", os.environ.get("RELANCE_TEMPLATE_MAX_BYTES"), 50_000
)
RELANCE_MESSAGE_MAX_BYTES = env.size_limit(
    "RELANCE_MESSAGE_MAX_BYTES", os.environ.get("RELANCE_MESSAGE_MAX_BYTES"), 200_000
)
RELANCE_DRAFT_MAX_CHARS = env.size_limit(
    "RELANCE_DRAFT_MAX_CHARS", os.environ.get("RELANCE_DRAFT_MAX_CHARS"), 20_000
)

REDIS_URL = env.redis_url(os.environ.get("REDIS_URL"))
RELANCE_EXECUTION = env.execution_mode(os.environ.get("RELANCE_EXECUTION"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Imports: what one file may cost at most (docs/imports.md, "Limits"). Sizes in MiB.


def _import_limit(variable: str, default: int) -> int:
    return env.count(variable, os.environ.get(variable), default)


RELANCE_IMPORT_UPLOAD_MAX_MB = _import_limit("RELANCE_IMPORT_UPLOAD_MAX_MB", 50)
RELANCE_IMPORT_FILE_MAX_MB = _import_limit("RELANCE_IMPORT_FILE_MAX_MB", 1024)
RELANCE_IMPORT_XLSX_MAX_MB = _import_limit("RELANCE_IMPORT_XLSX_MAX_MB", 200)
RELANCE_IMPORT_XLSX_STRINGS_MAX_MB = _import_limit("RELANCE_IMPORT_XLSX_STRINGS_MAX_MB", 50)
RELANCE_IMPORT_MAX_ROWS = _import_limit("RELANCE_IMPORT_MAX_ROWS", 5_000_000)
RELANCE_IMPORT_MAX_COLUMNS = _import_limit("RELANCE_IMPORT_MAX_COLUMNS", 200)
RELANCE_IMPORT_MAX_CELL_CHARS = _import_limit("RELANCE_IMPORT_MAX_CELL_CHARS", 10_000)
RELANCE_IMPORT_MAX_ERRORS = _import_limit("RELANCE_IMPORT_MAX_ERRORS", 100)
# Invoice PDFs imported together (a ZIP or a folder): files, and MiB once unpacked.
RELANCE_IMPORT_PDF_MAX_FILES = _import_limit("RELANCE_IMPORT_PDF_MAX_FILES", 20_000)
RELANCE_IMPORT_PDF_MAX_MB = _import_limit("RELANCE_IMPORT_PDF_MAX_MB", 2048)

# The debtor portal (docs/portal.md): the address the links in reminders start with, how
# many days a link lives, and how many portal pages one network address may open an hour.
RELANCE_PUBLIC_URL = os.environ.get("RELANCE_PUBLIC_URL") or RELANCE_BASE_URL
RELANCE_PORTAL_LINK_DAYS = env.count(
    "RELANCE_PORTAL_LINK_DAYS", os.environ.get("RELANCE_PORTAL_LINK_DAYS"), 120
)
RELANCE_PORTAL_PER_IP = env.count(
    "RELANCE_PORTAL_PER_IP", os.environ.get("RELANCE_PORTAL_PER_IP"), 300
)
# The largest file a debtor may join to a dispute (PDF, JPEG or PNG), in MiB.
RELANCE_PORTAL_ATTACHMENT_MAX_MB = env.count(
    "RELANCE_PORTAL_ATTACHMENT_MAX_MB", os.environ.get("RELANCE_PORTAL_ATTACHMENT_MAX_MB"), 5
)

# Online payment (docs/portal.md): the providers' API addresses. For testing only: a local
# stand-in of the provider; empty, the SDKs talk to the providers themselves.
RELANCE_STRIPE_API_BASE = os.environ.get("RELANCE_STRIPE_API_BASE", "")
RELANCE_MOLLIE_API_BASE = os.environ.get("RELANCE_MOLLIE_API_BASE", "")
