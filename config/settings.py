"""Garrison settings: everything that differs between deployments comes from the environment.

See docs/configuration.md for every variable. In production mode (GARRISON_DEBUG off, the default) a missing
secret key stops start-up with a message naming the variable.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from garrison.core.env import ConfigError, env_bool, env_int, env_list, env_map, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GARRISON_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("GARRISON_DEBUG", False)

SECRET_KEY = env_secret("GARRISON_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError(
            "GARRISON_SECRET_KEY (or GARRISON_SECRET_KEY_FILE) is not set. Generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` and set it in the environment; "
            "`make run` does this for you in var/secret_key."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 (debug mode only)

BASE_URL = env_str("GARRISON_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_base = urlsplit(BASE_URL)
if _base.scheme not in {"http", "https"} or not _base.hostname:
    raise ConfigError(
        f"GARRISON_BASE_URL must be an http(s) URL such as https://garrison.example.org (got {BASE_URL!r})"
    )
HTTPS = _base.scheme == "https"

ALLOWED_HOSTS = env_list("GARRISON_ALLOWED_HOSTS", [_base.hostname, "127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "garrison.core",
    "garrison.access",
    "garrison.audit",
    "garrison.accounts",
    "garrison.org",
    "garrison.findings",
    "garrison.issues",
    "garrison.notify",
    "garrison.disclosure",
    "garrison.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "garrison.core.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "garrison.accounts.middleware.MfaEnforcementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "garrison.core.context_processors.garrison",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'garrison.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("GARRISON_DB_CONN_MAX_AGE", 60, minimum=0))
except ValueError as exc:
    raise ConfigError(f"DATABASE_URL is not a database URL we understand: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions stop the web process and the worker from deadlocking on lock upgrades;
    # WAL lets readers run while one writer writes.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    _db["CONN_MAX_AGE"] = 0
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts -----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["garrison.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # only to read hashes from an import; upgraded on sign-in
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {"NAME": "garrison.accounts.passwords.BreachedPasswordValidator"},
]
# Off by default: only a deployment with network access should ask the range API (k-anonymity, 5 hex chars).
GARRISON_BREACHED_PASSWORD_CHECK = env_bool("GARRISON_BREACHED_PASSWORD_CHECK", False)
GARRISON_BREACHED_PASSWORD_API = env_str("GARRISON_BREACHED_PASSWORD_API", "https://api.pwnedpasswords.com/range/")
GARRISON_LOCKOUT_THRESHOLD = env_int("GARRISON_LOCKOUT_THRESHOLD", 5, minimum=1)
GARRISON_LOCKOUT_IP_THRESHOLD = env_int("GARRISON_LOCKOUT_IP_THRESHOLD", 20, minimum=1)
GARRISON_LOCKOUT_MINUTES = env_int("GARRISON_LOCKOUT_MINUTES", 15, minimum=1)
GARRISON_TOTP_ISSUER = env_str("GARRISON_TOTP_ISSUER", "Garrison")

# Optional single sign-on; see docs/sso.md.
GARRISON_OIDC_ENABLED = env_bool("GARRISON_OIDC_ENABLED", False)
if GARRISON_OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("garrison.accounts.oidc.GarrisonOIDCBackend")
    OIDC_RP_CLIENT_ID = env_str("GARRISON_OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_secret("GARRISON_OIDC_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = env_str("GARRISON_OIDC_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("GARRISON_OIDC_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("GARRISON_OIDC_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("GARRISON_OIDC_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("GARRISON_OIDC_JWKS_ENDPOINT")
    OIDC_CREATE_USER = env_bool("GARRISON_OIDC_CREATE_USERS", False)
    for _name in (
        "OIDC_RP_CLIENT_ID",
        "OIDC_OP_AUTHORIZATION_ENDPOINT",
        "OIDC_OP_TOKEN_ENDPOINT",
        "OIDC_OP_USER_ENDPOINT",
    ):
        if not globals()[_name]:
            _var = "GARRISON_OIDC_" + _name.removeprefix("OIDC_RP_").removeprefix("OIDC_OP_")
            raise ConfigError(f"GARRISON_OIDC_ENABLED is on but {_var} is not set")

# --- sessions, cookies, headers -----------------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("GARRISON_SESSION_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "garrison_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_NAME = "garrison_csrf"
CSRF_FAILURE_VIEW = "garrison.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("GARRISON_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^health$"]
if env_bool("GARRISON_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- static files -------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Unset: static files are served straight from the apps (WHITENOISE_USE_FINDERS). A deployment that runs
# `collectstatic` sets GARRISON_STATIC_ROOT to the folder it collects into.
STATIC_ROOT = env_str("GARRISON_STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- email --------------------------------------------------------------------------------------------------
EMAIL_HOST = env_str("GARRISON_EMAIL_HOST", "")
EMAIL_PORT = env_int("GARRISON_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("GARRISON_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("GARRISON_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("GARRISON_EMAIL_STARTTLS", False)
EMAIL_USE_SSL = env_bool("GARRISON_EMAIL_SSL", False)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("GARRISON_EMAIL_FROM", "garrison@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- background work ----------------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- scan uploads -------------------------------------------------------------------------------------------
# Reports up to GARRISON_SYNC_IMPORT_BYTES are imported during the request; larger ones go to the worker.
# Uploads above 2.5 MB are spooled to temporary files by Django, so big reports never sit in memory.
GARRISON_SYNC_IMPORT_BYTES = env_int("GARRISON_SYNC_IMPORT_BYTES", 5 * 1024 * 1024, minimum=0)
GARRISON_MAX_UPLOAD_BYTES = env_int("GARRISON_MAX_UPLOAD_BYTES", 1024 * 1024 * 1024, minimum=1)

# --- findings -----------------------------------------------------------------------------------------------
# The longest a risk acceptance may run before it must be decided again.
GARRISON_RISK_ACCEPT_MAX_DAYS = env_int("GARRISON_RISK_ACCEPT_MAX_DAYS", 365, minimum=1)
# Uploaded reports wait here (default storage) until the worker imports them, then are deleted.
MEDIA_ROOT = env_str("GARRISON_MEDIA_ROOT") or str(VAR_DIR / "media")

# --- security issues ----------------------------------------------------------------------------------------
# Severity -> priority; SLA clocks: acknowledge and triage in business days, fix in calendar days per severity.
GARRISON_SEVERITY_PRIORITY = env_map("GARRISON_SEVERITY_PRIORITY", "critical:p1,high:p2,medium:p3,low:p4,none:p4")
GARRISON_SLA_ACK_BUSINESS_DAYS = env_int("GARRISON_SLA_ACK_BUSINESS_DAYS", 2, minimum=0)
GARRISON_SLA_TRIAGE_BUSINESS_DAYS = env_int("GARRISON_SLA_TRIAGE_BUSINESS_DAYS", 5, minimum=0)
GARRISON_SLA_FIX_DAYS = env_map("GARRISON_SLA_FIX_DAYS", "critical:7,high:30,medium:90,low:180", values=int)
# Public report form and API: attachments per file / per report, and reports per IP per hour.
GARRISON_ATTACHMENT_MAX_BYTES = env_int("GARRISON_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024, minimum=1)
GARRISON_ATTACHMENT_MAX_FILES = env_int("GARRISON_ATTACHMENT_MAX_FILES", 10, minimum=0)
GARRISON_REPORT_RATE_PER_HOUR = env_int("GARRISON_REPORT_RATE_PER_HOUR", 10, minimum=1)
# Unknown tracking links (/track/<token>, /api/v1/reports/<token>) one address may try per hour before it is
# refused every tracking lookup for the rest of the hour.
GARRISON_TRACKING_GUESSES_PER_HOUR = env_int("GARRISON_TRACKING_GUESSES_PER_HOUR", 20, minimum=1)
# The intake address (reports by email; replies go to security+<key>@domain to thread).
GARRISON_SECURITY_EMAIL = env_str("GARRISON_SECURITY_EMAIL", "security@localhost")
# Largest email `garrison intake-email` / `garrison smtpd` take; a larger one is kept (its start) as a dead letter.
GARRISON_MAX_EMAIL_BYTES = env_int("GARRISON_MAX_EMAIL_BYTES", 50 * 1024 * 1024, minimum=1024)

# --- coordinated disclosure -----------------------------------------------------------------------------------
GARRISON_ADVISORY_PREFIX = env_str("GARRISON_ADVISORY_PREFIX", "GARRISON")
GARRISON_PUBLISHER_NAME = env_str("GARRISON_PUBLISHER_NAME", "Garrison")
# The publisher's https URL in CSAF documents (default: the base URL, which must then be https).
GARRISON_PUBLISHER_NAMESPACE = env_str("GARRISON_PUBLISHER_NAMESPACE", BASE_URL)
GARRISON_EMBARGO_MAX_DAYS = env_int("GARRISON_EMBARGO_MAX_DAYS", 14, minimum=1)
# A second security lead must approve before an advisory goes public.
GARRISON_PUBLISH_NEEDS_APPROVAL = env_bool("GARRISON_PUBLISH_NEEDS_APPROVAL", True)
GARRISON_CVE_ASSIGNER_ORG_ID = env_str("GARRISON_CVE_ASSIGNER_ORG_ID", "")
# At the embargo end the scheduler publishes ("publish") or only reminds the security leads ("remind").
GARRISON_EMBARGO_END_ACTION = env_str("GARRISON_EMBARGO_END_ACTION", "publish")
if GARRISON_EMBARGO_END_ACTION not in ("publish", "remind"):
    raise ConfigError(f"GARRISON_EMBARGO_END_ACTION must be publish or remind (got {GARRISON_EMBARGO_END_ACTION!r})")
# The gpg binary used to encrypt pre-notifications to recipients' OpenPGP keys (a temporary keyring each time).
GARRISON_GNUPG_BINARY = env_str("GARRISON_GNUPG_BINARY", "/usr/bin/gpg")
# /.well-known/security.txt (RFC 9116): Policy (default: the report page), Preferred-Languages, Expires (now + N
# days), optional Encryption (a key URL) and Acknowledgments (default: the public advisories).
GARRISON_SECURITY_TXT_POLICY_URL = env_str("GARRISON_SECURITY_TXT_POLICY_URL", "")
GARRISON_SECURITY_TXT_LANGUAGES = env_str("GARRISON_SECURITY_TXT_LANGUAGES", "en")
GARRISON_SECURITY_TXT_EXPIRES_DAYS = env_int("GARRISON_SECURITY_TXT_EXPIRES_DAYS", 180, minimum=1)
GARRISON_SECURITY_TXT_ENCRYPTION_URL = env_str("GARRISON_SECURITY_TXT_ENCRYPTION_URL", "")
GARRISON_SECURITY_TXT_ACKNOWLEDGMENTS_URL = env_str("GARRISON_SECURITY_TXT_ACKNOWLEDGMENTS_URL", "")

# --- notifications and on-call -------------------------------------------------------------------------------
# Pager webhook: "opsgenie" (Alerts API) or "pagerduty" (Events v2); empty URL: pages go by email only.
GARRISON_PAGER_KIND = env_str("GARRISON_PAGER_KIND", "opsgenie")
GARRISON_PAGER_URL = env_str("GARRISON_PAGER_URL", "")
GARRISON_PAGER_KEY = env_secret("GARRISON_PAGER_KEY")
GARRISON_PAGE_ACK_MINUTES = env_int("GARRISON_PAGE_ACK_MINUTES", 15, minimum=1)
GARRISON_DELIVERY_MAX_ATTEMPTS = env_int("GARRISON_DELIVERY_MAX_ATTEMPTS", 6, minimum=1)
GARRISON_DIGEST_HOUR_UTC = env_int("GARRISON_DIGEST_HOUR_UTC", 7, minimum=0)

# --- crypto key ring ----------------------------------------------------------------------------------------
# "kid:base64key,kid2:base64key": the first key encrypts, every key decrypts. Empty: one key derived from
# SECRET_KEY (fine for a trial; `garrison check` warns).
GARRISON_ENCRYPTION_KEYS = env_secret("GARRISON_ENCRYPTION_KEYS")

# --- i18n / time --------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_str("GARRISON_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

GARRISON_VERSION = "0.1.0"
