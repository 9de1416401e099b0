"""Settings for production: every secret from the environment, HTTPS only, two-factor logins, and a refusal
to start when something unsafe is left (access.checks; README "Settings" and SECURITY.md list the
environment that passes `manage.py check --deploy` without a warning)."""

from .base import *  # noqa: F403
from .base import BIN_BEHIND_TLS_PROXY, DATABASES, MIDDLEWARE, database_pool, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# X-Forwarded-Proto is believed only from a proxy the deployment declares (BIN_TRUSTED_PROXIES > 0, or
# BIN_BEHIND_TLS_PROXY=true); without one, any client could claim its plain-HTTP request was HTTPS.
if BIN_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# A year (what browsers' preload lists ask); shorter only with BIN_HSTS_SHORT_ON_PURPOSE=true.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
BIN_2FA_REQUIRED = env.bool("BIN_2FA_REQUIRED", default=True)
BIN_FORWARDED_WITHOUT_PROXY = env("BIN_FORWARDED_WITHOUT_PROXY", default="refuse")
BIN_DEPLOYMENT_CHECKS = True
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="bin@localhost")

# --- Production web tier (helper "web", issue 13; README "Running in production") ---
# psycopg's pool, sized to gunicorn's threads (project/gunicorn.conf.py): DATABASE_POOL=false turns it off.
if env.bool("DATABASE_POOL", default=True):
    database_pool(DATABASES["default"])
# WhiteNoise serves the collected static files (manage.py collectstatic): hashed names from the manifest,
# gzip and brotli files made once at collectstatic, far-future Cache-Control on the hashed ones.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# --- end of helper "web" block ---

# --- Read replica (helper "replica", issue 13): the primary's connection settings as set above (pool) ---
if DATABASE_REPLICA_URL:  # noqa: F405
    DATABASES["replica"] = replica_database(DATABASES["default"], DATABASE_REPLICA_URL)  # noqa: F405
# --- end of helper "replica" block ---

# --- Health, metrics, JSON logs (helper "observe", issue 13; README "Health and metrics") ---
# Probes and Prometheus come over plain HTTP from inside the network (project.health.ProbeMiddleware
# answers them before the redirect too; this keeps them exempt if that middleware is ever moved).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# One JSON object per line for the log index; LOG_FORMAT=plain for a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="json")
BIN_ACCESS_LOG = env.bool("BIN_ACCESS_LOG", default=LOG_FORMAT == "json")
LOGGING = logging_config(LOGGING, LOG_FORMAT)  # noqa: F405 - both from base (core.logging)
# --- end of helper "observe" block ---
