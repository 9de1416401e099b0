"""Settings shared by every environment; everything that differs comes from the environment through `env`."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from kombu import Queue  # the Celery queues (urgent, bulk, default)

from core.logging import logging_config  # LOG_FORMAT (helper "observe")
from project.sentry import sentry_init  # SENTRY_DSN (helper "observe")

from .country import *  # noqa: F403 - BIN_COUNTRY and what follows from it: storage SRID, area, languages

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin, with the door of access.permissions.can_use_admin (access.admin_site).
    "access.apps.BinAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Login lockout (access.lockout) and the second factor (access.two_factor).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The service's apps, lowest layer first (importlinter contract in pyproject.toml).
    "core",
    "access",
    "areas",
    "streets",
    "members",
    "alerts",
    "maps",
    "project",
]

MIDDLEWARE = [
    # The request id for logs and tasks, request timing, and the probes and /metrics answered before the
    # Host and HTTPS checks (helper "observe": core/request_id.py, core/metrics.py, project/health.py).
    "core.request_id.RequestIdMiddleware",
    "core.metrics.RequestMetricsMiddleware",
    "project.health.ProbeMiddleware",
    # Refuses to start misconfigured (access.checks); proxy headers nobody declared (access.middleware).
    "access.middleware.RefuseMisconfiguredMiddleware",
    "access.middleware.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # (production.py puts WhiteNoise here.) gzip for pages and API answers of 200 bytes or more, outside
    # everything below that writes the body; Django >= 4.2 pads it at random against BREACH (helper "web").
    "django.middleware.gzip.GZipMiddleware",
    # Content-Security-Policy (a nonce per response) and Permissions-Policy on every response.
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Malformed input (NUL, oversized or too deeply nested bodies) is a 4xx, JSON on the API.
    "core.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the session gave its second factor; a session that owes it opens nothing else.
    "django_otp.middleware.OTPMiddleware",
    "access.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers a locked-out login (django-axes) with access.lockout's page.
    "axes.middleware.AxesMiddleware",
    # Public reads of anonymous clients may go to the read replica (core/replica.py; unused without one).
    "core.replica.ReplicaRoutingMiddleware",
]

ROOT_URLCONF = "project.urls"
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "maps:home"  # maps.views.home: police, municipality staff, coordinators: their own
# django-axes refuses locked-out logins before any password is checked; then user names and passwords,
# without Django's model permissions (access.backends: access.permissions decides).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "access.backends.AccountBackend"]
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# postgis://user:password@host:port/name. The run and test commands set it to the private cluster in
# .pgdata when it is not given.
DATABASES = {"default": env.db("DATABASE_URL", default="postgis://postgres@127.0.0.1:54329/bin_gis")}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# PostgreSQL's JIT compiler is off for the service's connections: it compiles statements whose row
# estimates are large, and for the alert recipients of a 20 km perimeter compiling took 7 of 8 seconds
# (EXPLAIN ANALYZE) while no statement here gains from it. DATABASE_JIT=true leaves the server's setting
# (behind PgBouncer, which refuses startup options, set jit = off in postgresql.conf instead).
if not env.bool("DATABASE_JIT", default=False):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A database that does not answer (a host down, a firewall dropping packets) is an error after this many
# seconds, not a request (or /readyz) hanging for the kernel's two minutes.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
)
# --- Database connections and static files in production (helper "web", issue 13) ---
# psycopg's pool (DATABASE_POOL, on in production): each server process keeps at most DATABASE_POOL_MAX
# connections (default GUNICORN_THREADS: one per thread) and DATABASE_POOL_MIN open; a request that finds
# none free within DATABASE_POOL_TIMEOUT seconds gets a 503 (core.pool). Without the pool a connection
# lives CONN_MAX_AGE seconds per thread (threaded servers: one per thread, hence the old "too many clients").
DATABASE_POOL = env.bool("DATABASE_POOL", default=False)
DATABASE_POOL_MIN = env.int("DATABASE_POOL_MIN", default=1)
DATABASE_POOL_MAX = env.int("DATABASE_POOL_MAX", default=env.int("GUNICORN_THREADS", default=2))
DATABASE_POOL_TIMEOUT = env.float("DATABASE_POOL_TIMEOUT", default=10.0)


def database_pool(database: dict) -> None:
    """Turn psycopg's pool on for `database` (Django requires CONN_MAX_AGE = 0 with it)."""
    database["CONN_MAX_AGE"] = 0
    database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": DATABASE_POOL_MIN,
        "max_size": max(DATABASE_POOL_MAX, DATABASE_POOL_MIN, 1),
        "timeout": DATABASE_POOL_TIMEOUT,
    }


# --- end of helper "web" block ---
# --- Read replica (helper "replica", issue 13; core/replica.py, project/db_router.py; README) ---
# DATABASE_REPLICA_URL: a streaming replica of DATABASE_URL's database (empty: everything on the primary).
# Anonymous GET/HEAD requests to these routes (URL names) read from it, unless the client wrote within the
# last BIN_REPLICA_STICKY_SECONDS (read-your-writes; a local replica replays within a second).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
BIN_REPLICA_ROUTES = (  # noqa: SIM905 (a list of eleven names, one per line, would be eleven lines)
    "maps:lookup maps:municipality maps:municipality-embed maps:police-zone maps:police-zone-embed "
    "api:lookup api:street-search api:street-networks api:network-streets api:network-list api:network-detail"
).split()
BIN_REPLICA_STICKY_SECONDS = env.int("BIN_REPLICA_STICKY_SECONDS", default=30)
BIN_REPLICA_STICKY_COOKIE = "bin_primary"


def replica_database(default: dict, url: str) -> dict:
    """The replica's settings: the primary's (engine, options, pool, CONN_MAX_AGE) with `url`'s server."""
    parsed = env.db_url_config(url)
    database = {**default, "OPTIONS": {**default.get("OPTIONS", {}), **parsed.get("OPTIONS", {})}}
    database.update({k: parsed[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT") if k in parsed})
    return database


if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_database(DATABASES["default"], DATABASE_REPLICA_URL)
    DATABASE_ROUTERS = ["project.db_router.ReplicaRouter"]
# --- end of helper "replica" block ---
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dutch first; LANGUAGES (nl, fr, de, en; in the Netherlands nl, en) come from settings/country.py.
LANGUAGE_CODE = "nl"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")

# The cache: counters of the request limits (core/throttle.py). Redis in production (CACHE_URL=
# redis://host:6379/1) so that every process counts alike; the default keeps them per process.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Requests per client address and per e-mail address that anyone may make without logging in.
BIN_THROTTLE_ENABLED = env.bool("BIN_THROTTLE_ENABLED", default=True)
# How many proxies in front of the service add to X-Forwarded-For (0: use REMOTE_ADDR, trust no header).
BIN_TRUSTED_PROXIES = env.int("BIN_TRUSTED_PROXIES", default=0)
# A request from a private or loopback address with X-Forwarded-For while BIN_TRUSTED_PROXIES is 0 came
# through a proxy nobody declared: "log" (once per process) or "refuse" (503; production's default).
BIN_FORWARDED_WITHOUT_PROXY = env("BIN_FORWARDED_WITHOUT_PROXY", default="log")

# --- Logins: lockout, second factor, deployment checks (access/) ---------------------------------------
# django-axes counts wrong passwords per user name and client address on every login path (the login page,
# the admin's, HTTP Basic); at the limit that user cannot log in from there, the right password neither,
# for the lockout minutes after the last attempt (access.lockout says until when).
BIN_LOGIN_FAILURE_LIMIT = env.int("BIN_LOGIN_FAILURE_LIMIT", default=5)
BIN_LOGIN_LOCKOUT_MINUTES = env.int("BIN_LOGIN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = BIN_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=BIN_LOGIN_LOCKOUT_MINUTES)
# Per user name and address: an attacker elsewhere cannot lock an officer out of their own desk.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "access.lockout.lockout_response"
# Two-factor login (TOTP) for administrators, staff, police and municipality staff (access.two_factor);
# on in production, off here (local and test log in with a password only).
BIN_2FA_REQUIRED = env.bool("BIN_2FA_REQUIRED", default=False)
OTP_TOTP_ISSUER = env("BIN_2FA_ISSUER", default="BIN GIS")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# access.checks: refuse to start with unsafe production settings (on in production).
BIN_DEPLOYMENT_CHECKS = False
BIN_HSTS_SHORT_ON_PURPOSE = env.bool("BIN_HSTS_SHORT_ON_PURPOSE", default=False)
BIN_BEHIND_TLS_PROXY = env.bool("BIN_BEHIND_TLS_PROXY", default=BIN_TRUSTED_PROXIES > 0)

# --- Geography --------------------------------------------------------------------------------------
# BIN_STORAGE_SRID (the one metric CRS of every geometry) and BIN_SERVICE_BBOX: settings/country.py.
# Two residential BINs may share edges; overlaps below this area (m²) are numerical slivers from
# re-projected or rounded data, not real overlaps.
BIN_OVERLAP_TOLERANCE_M2 = env.float("BIN_OVERLAP_TOLERANCE_M2", default=1.0)

# --- REST API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "access.authentication.BasicAuthentication",
    ],
    # The services raise Django's ValidationError and PermissionDenied; the API answers them as 400 and
    # 403 with their messages.
    "EXCEPTION_HANDLER": "core.api.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BIN GIS API",
    "DESCRIPTION": "Buurtinformatienetwerken: areas, address lookup, alerts and maps.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar), not from a CDN: the documentation
    # page works offline and tells no third party who reads it.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes says at INFO level that it started and who logged in; failures and lockouts are WARNINGs.
    # httpx logs every request at INFO: a line per SMS gateway request (alerts/backends/http.py).
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}

# --- Health, metrics, structured logs, Sentry (helper "observe", issue 13; README "Health and metrics") ---
# LOG_FORMAT=json: a JSON object per line (core.logging; production's default), each with the request id
# and route; the access line (logger bin.access: route, status, duration) with JSON logs or BIN_ACCESS_LOG.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
BIN_ACCESS_LOG = env.bool("BIN_ACCESS_LOG", default=LOG_FORMAT == "json")
LOGGING = logging_config(LOGGING, LOG_FORMAT)
# /readyz: queues a worker must beat on when a broker is set (empty: BIN_QUEUE_URGENT and BIN_QUEUE_BULK;
# project/heartbeat.py), and how often workers beat (gone after three intervals without).
BIN_READYZ_QUEUES = env.list("BIN_READYZ_QUEUES", default=[])
BIN_WORKER_HEARTBEAT_SECONDS = env.float("BIN_WORKER_HEARTBEAT_SECONDS", default=10.0)
# /metrics: clients from these networks, or with `Authorization: Bearer <BIN_METRICS_TOKEN>`.
BIN_METRICS_ALLOWED = env.list("BIN_METRICS_ALLOWED", default=["127.0.0.1/32", "::1/128"])
BIN_METRICS_TOKEN = env("BIN_METRICS_TOKEN", default="")
# Errors to Sentry when set (project/sentry.py): no personal data, no request bodies or cookies.
SENTRY_DSN = env("SENTRY_DSN", default="")
sentry_init(dsn=SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", default=""))
# --- end of helper "observe" block ---

# Debian 12 ships GDAL 3.6, which cannot block file and network access from spatial references. The
# service only hands GDAL the files staff import and the SRIDs of its own settings.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Alerts: Celery fan-out, channel backends, limits -------------------------------------------------
# With no broker configured (the default of `make run`) tasks run in-process, so that sending works out
# of the box; docker-compose.yml sets CELERY_BROKER_URL=redis://redis:6379/0 and runs a worker.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged when it ends, and a worker takes one task per process at a time: a killed
# worker's tasks go back to the broker (Redis: after the visibility timeout) and another worker runs them.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands an unacknowledged task to another worker after the visibility timeout; it looks for such
# tasks about every interval x throttle seconds (kombu's defaults: 10 x 10).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_TIMEZONE = TIME_ZONE
# --- Celery queues (helper "queues", issue 12) ---
# Urgent alerts' deliveries have their own queue and workers (docker-compose.yml: worker-urgent), so that a
# large non-urgent fan-out in "bulk" never holds them back; housekeeping goes to "default". A worker started
# without -Q consumes all three (the tests' and benchmarks' single worker).
BIN_QUEUE_URGENT = env("BIN_QUEUE_URGENT", default="urgent")
BIN_QUEUE_BULK = env("BIN_QUEUE_BULK", default="bulk")
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in (BIN_QUEUE_URGENT, BIN_QUEUE_BULK, "default")]
CELERY_TASK_ROUTES = {
    # deliveries_enqueue and deliver_batch name the queue per alert; this is the fallback.
    "alerts.tasks.deliver_batch": {"queue": BIN_QUEUE_BULK},
    "alerts.tasks.dispatch_due": {"queue": "default"},
    "alerts.tasks.notify_coordinators": {"queue": "default"},
    "members.tasks.*": {"queue": "default"},
    "project.tasks.purge_expired": {"queue": "default"},
}
# SMTP connections a worker process keeps open and sends a batch of alert e-mail over, side by side.
BIN_EMAIL_CONCURRENCY = env.int("BIN_EMAIL_CONCURRENCY", default=4)
# --- end Celery queues ---
CELERY_BEAT_SCHEDULE = {
    "alerts-dispatch-due": {"task": "alerts.tasks.dispatch_due", "schedule": 60.0},
    # Personal data of people who never confirmed their e-mail does not stay (GDPR: storage limitation).
    "members-purge-unconfirmed": {"task": "members.tasks.purge_unconfirmed", "schedule": 3600.0},
    # Deliveries, reactions, the access log and proposals past their retention period (below).
    "purge-expired": {"task": "project.tasks.purge_expired", "schedule": 86400.0},
    "alerts-relay-reminders": {"task": "alerts.tasks.relay_reminders", "schedule": 60.0},  # settings/relay.py
}

# Channel backends (dotted paths, like EMAIL_BACKEND): alerts.backends.sms.ConsoleBackend, FileBackend,
# HttpGatewayBackend; e-mail goes through Django's mail with BIN_ALERT_EMAIL_BACKEND or EMAIL_BACKEND.
BIN_SMS_BACKEND = env("BIN_SMS_BACKEND", default="alerts.backends.sms.ConsoleBackend")
BIN_SMS_FILE_PATH = env("BIN_SMS_FILE_PATH", default=str(BASE_DIR / "var" / "sms"))
BIN_SMS_GATEWAY_URL = env("BIN_SMS_GATEWAY_URL", default="")
BIN_SMS_GATEWAY_TOKEN = env("BIN_SMS_GATEWAY_TOKEN", default="")
BIN_SMS_GATEWAY_TIMEOUT = env.float("BIN_SMS_GATEWAY_TIMEOUT", default=10.0)
# --- HTTP gateway at field speed (helper "http", issue 12; alerts/backends/http.py, alerts/ratelimit.py) ---
# The name the gateway's message ids (and so its delivery receipts) are kept under (ProviderMessage.gateway).
BIN_SMS_GATEWAY_NAME = env("BIN_SMS_GATEWAY_NAME", default="http")
# Requests in flight at once per worker process, over one keep-alive connection pool.
BIN_SMS_GATEWAY_CONCURRENCY = env.int("BIN_SMS_GATEWAY_CONCURRENCY", default=32)
# Messages per request: 1 is the one-message protocol (POST {"id", "to", "text"} to BIN_SMS_GATEWAY_URL);
# more is the batch protocol (POST {"messages": [...]}; BIN_SMS_GATEWAY_URL is then the batch endpoint).
BIN_SMS_GATEWAY_BATCH_SIZE = env.int("BIN_SMS_GATEWAY_BATCH_SIZE", default=1)
# A 429 whose Retry-After is at most this many seconds is waited out and resent within the task; a longer
# one puts the messages back in the outbox until then.
BIN_SMS_GATEWAY_RETRY_AFTER_MAX = env.float("BIN_SMS_GATEWAY_RETRY_AFTER_MAX", default=5.0)
# The provider's rate limit, messages/s for all workers together (0: none) and its burst (0: 1 s worth).
BIN_SMS_GATEWAY_RATE = env.float("BIN_SMS_GATEWAY_RATE", default=0.0)
BIN_SMS_GATEWAY_BURST = env.float("BIN_SMS_GATEWAY_BURST", default=0.0)
# The fraction of the burst that only urgent messages may take: bulk sending leaves it for them.
BIN_SMS_GATEWAY_URGENT_RESERVE = env.float("BIN_SMS_GATEWAY_URGENT_RESERVE", default=0.2)
# Where the shared rate limit's bucket lives: CACHE_URL's Redis, else the broker's; "" keeps it per process.
BIN_SMS_GATEWAY_RATE_REDIS_URL = env(
    "BIN_SMS_GATEWAY_RATE_REDIS_URL",
    default=next((u for u in (env("CACHE_URL", default=""), CELERY_BROKER_URL) if u.startswith("redis")), ""),
)
# The shared secret of the gateway's signed delivery receipts (POST /api/gateway/receipts/); "" refuses all.
BIN_SMS_GATEWAY_RECEIPT_SECRET = env("BIN_SMS_GATEWAY_RECEIPT_SECRET", default="")
# --- end of helper "http" block ---
from .contacts import *  # noqa: E402, F403 - BIN_PUBLIC_CONTACTS of the answer page
from .phone import *  # noqa: E402, F403 - voice calls, two-way SMS (BIN_VOICE_*, BIN_SMS_INBOUND_*)
from .privacy import *  # noqa: E402, F403 - controller and contacts of the privacy notice
from .push import *  # noqa: E402, F403 - Web Push (BIN_VAPID_*, BIN_PUSH_*): settings/push.py
from .relay import *  # noqa: E402, F403 - relay networks (BIN_RELAY_*): settings/relay.py
from .smpp import *  # noqa: E402, F403 - the SMPP 3.4 gateway (BIN_SMPP_*): settings/smpp.py

BIN_EMAIL_CHANNEL_BACKEND = env(
    "BIN_EMAIL_CHANNEL_BACKEND", default="alerts.backends.email.DjangoEmailBackend"
)
BIN_ALERT_EMAIL_BACKEND = env("BIN_ALERT_EMAIL_BACKEND", default="")
BIN_ALERT_FROM_EMAIL = env("BIN_ALERT_FROM_EMAIL", default="bin-alerts@localhost")
BIN_ALERT_MESSAGE_ID_DOMAIN = env("BIN_ALERT_MESSAGE_ID_DOMAIN", default="bin.localhost")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# Outbox: deliveries per task, per claim; attempts and exponential backoff (s); how long a claim holds.
BIN_DELIVERY_BATCH_SIZE = env.int("BIN_DELIVERY_BATCH_SIZE", default=500)
BIN_DELIVERY_CLAIM_SIZE = env.int("BIN_DELIVERY_CLAIM_SIZE", default=500)
BIN_DELIVERY_MAX_ATTEMPTS = env.int("BIN_DELIVERY_MAX_ATTEMPTS", default=5)
BIN_DELIVERY_RETRY_BACKOFF = env.float("BIN_DELIVERY_RETRY_BACKOFF", default=30.0)
BIN_DELIVERY_RETRY_BACKOFF_MAX = env.float("BIN_DELIVERY_RETRY_BACKOFF_MAX", default=3600.0)
BIN_DELIVERY_LEASE_SECONDS = env.int("BIN_DELIVERY_LEASE_SECONDS", default=300)
# dispatch_due looks this far back for deliveries left behind (quiet hours last less than a day).
BIN_DELIVERY_SWEEP_HOURS = env.int("BIN_DELIVERY_SWEEP_HOURS", default=48)
# Perimeter limits, and the address the signed reaction links in messages point to.
BIN_ALERT_MAX_RADIUS_M = env.float("BIN_ALERT_MAX_RADIUS_M", default=50_000.0)
BIN_ALERT_MAX_VERTICES = env.int("BIN_ALERT_MAX_VERTICES", default=10_000)
BIN_ALERT_MAX_MESSAGE_CHARS = env.int("BIN_ALERT_MAX_MESSAGE_CHARS", default=1000)
# The preview of an alert's reach shows no individuals (alerts/preview.py): counts below
# BIN_PREVIEW_MIN_COUNT are shown as "fewer than" (1: exact counts), a perimeter must cover at least
# BIN_ALERT_MIN_AREA_M2 inside the zone (previews and alerts; 1 ha is a circle of 56 m radius), and each
# officer may preview this many new perimeters per hour and per day (every preview is logged).
BIN_PREVIEW_MIN_COUNT = env.int("BIN_PREVIEW_MIN_COUNT", default=5)
BIN_ALERT_MIN_AREA_M2 = env.float("BIN_ALERT_MIN_AREA_M2", default=10_000.0)
BIN_PREVIEW_PER_HOUR = env.int("BIN_PREVIEW_PER_HOUR", default=120)
BIN_PREVIEW_PER_DAY = env.int("BIN_PREVIEW_PER_DAY", default=400)
BIN_PUBLIC_URL = env("BIN_PUBLIC_URL", default="http://127.0.0.1:8000")
BIN_REACTION_LINK_DAYS = env.int("BIN_REACTION_LINK_DAYS", default=30)
BIN_CAP_SENDER_DOMAIN = env("BIN_CAP_SENDER_DOMAIN", default="bin.localhost")
# --- Closing reminder (helper "followups", issue 14; alerts/reminders.py) ---
# An urgent alert without a closing message this many minutes after it went out is listed on the zone's
# pages as open, and its sender is e-mailed: once per interval, at most BIN_ALERT_CLOSING_REMINDER_LIMIT
# times (the pages keep listing it until it is closed). Beat looks every ..._CHECK_SECONDS.
BIN_ALERT_CLOSING_REMINDER_MINUTES = env.int("BIN_ALERT_CLOSING_REMINDER_MINUTES", default=30)
BIN_ALERT_CLOSING_REMINDER_LIMIT = env.int("BIN_ALERT_CLOSING_REMINDER_LIMIT", default=4)
BIN_ALERT_CLOSING_REMINDER_CHECK_SECONDS = env.float("BIN_ALERT_CLOSING_REMINDER_CHECK_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE["alerts-closing-reminders"] = {
    "task": "alerts.tasks.closing_reminders_send",
    "schedule": BIN_ALERT_CLOSING_REMINDER_CHECK_SECONDS,
}
CELERY_TASK_ROUTES["alerts.tasks.closing_reminders_send"] = {"queue": "default"}
# --- end closing reminder ---

# --- Members: proposals, retention -------------------------------------------------------------------
# A BIN area drawn in a proposal (anyone may send one) has at most this many vertices.
BIN_PROPOSAL_MAX_VERTICES = env.int("BIN_PROPOSAL_MAX_VERTICES", default=2000)
# Days personal data is kept (GDPR: storage limitation); the retention job (project/retention.py: beat
# daily, or `manage.py purge_expired` from cron) deletes older rows; 0 keeps them. Deliveries and
# reactions: a calendar year's evaluation can still be made in the month after it; the access log: two
# years of who saw whose data; proposals (their initiators' contacts): a year to decide on them.
BIN_RETENTION_DELIVERIES_DAYS = env.int("BIN_RETENTION_DELIVERIES_DAYS", default=400)
BIN_RETENTION_REACTIONS_DAYS = env.int("BIN_RETENTION_REACTIONS_DAYS", default=400)
BIN_RETENTION_ACCESS_LOG_DAYS = env.int("BIN_RETENTION_ACCESS_LOG_DAYS", default=730)
# The alert preview log (who looked at the reach of which perimeter): as long as the access log.
BIN_RETENTION_PREVIEW_LOG_DAYS = env.int("BIN_RETENTION_PREVIEW_LOG_DAYS", default=730)
BIN_RETENTION_PROPOSALS_DAYS = env.int("BIN_RETENTION_PROPOSALS_DAYS", default=365)

# --- Security headers, input limits, map tiles (core/middleware.py, core/tiles.py) ------------------------
# Scripts run only from this site or with the response's nonce (folium's map scripts carry it); styles may
# be inline (folium and Leaflet write them; CSS cannot run script). img-src gets the tile server's origin
# from core.tiles (none with the tile proxy), the admin's map widget its sources in core/middleware.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Who may frame the embeddable maps (/maps/…/embed/): origins for CSP frame-ancestors; empty: any site.
BIN_EMBED_FRAME_ANCESTORS = env.list("BIN_EMBED_FRAME_ANCESTORS", default=[])
BIN_PERMISSIONS_POLICY = env(
    "BIN_PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=()",
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# JSON bodies nested deeper than this are refused before parsing (a GeoJSON perimeter needs about 8).
BIN_JSON_MAX_DEPTH = env.int("BIN_JSON_MAX_DEPTH", default=64)
# Map background tiles: the upstream server (an XYZ URL template) and its credit (HTML). With
# BIN_TILE_PROXY the service serves them itself at /tiles/<z>/<x>/<y>.png from BIN_TILE_CACHE_DIR, fetched
# from BIN_TILE_URL when missing or older than BIN_TILE_CACHE_SECONDS (unless BIN_TILE_PROXY_FETCH is off:
# then only what the cache holds), and browsers load images from this site only.
BIN_TILE_URL = env("BIN_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# Empty: OpenStreetMap's credit in the page's language (core.tiles.tile_attribution).
BIN_TILE_ATTRIBUTION = env("BIN_TILE_ATTRIBUTION", default="")
BIN_TILE_MAX_ZOOM = env.int("BIN_TILE_MAX_ZOOM", default=19)
BIN_TILE_PROXY = env.bool("BIN_TILE_PROXY", default=False)
BIN_TILE_PROXY_FETCH = env.bool("BIN_TILE_PROXY_FETCH", default=True)
BIN_TILE_CACHE_DIR = env.path("BIN_TILE_CACHE_DIR", default=BASE_DIR / "var" / "tiles")
BIN_TILE_CACHE_SECONDS = env.int("BIN_TILE_CACHE_SECONDS", default=7 * 24 * 3600)
BIN_TILE_TIMEOUT = env.float("BIN_TILE_TIMEOUT", default=10.0)
BIN_TILE_USER_AGENT = env("BIN_TILE_USER_AGENT", default=f"bin-gis tile proxy ({BIN_PUBLIC_URL})")
# More map backgrounds (keys of core.tiles.BASEMAP_CATALOGUE or of BIN_BASEMAP_LAYERS, JSON: core/tiles.py).
BIN_BASEMAPS = env.list("BIN_BASEMAPS", default=[])
BIN_BASEMAP_LAYERS = env.json("BIN_BASEMAP_LAYERS", default={})
# Public maps of more networks than this draw them from vector tiles (maps/vector_tiles.py).
BIN_VECTOR_TILES_MIN_NETWORKS = env.int("BIN_VECTOR_TILES_MIN_NETWORKS", default=60)

# --- The in-process point index (areas/point_index.py) ---
# Public point and address lookups find their networks in the web process's memory instead of PostGIS
# (README "Speed": scripts/bench_http.py). A change to networks, municipalities or police zones reaches
# every process within BIN_POINT_INDEX_CHECK_SECONDS (one one-row read per process per interval).
BIN_POINT_INDEX = env.bool("BIN_POINT_INDEX", default=True)
BIN_POINT_INDEX_CHECK_SECONDS = env.float("BIN_POINT_INDEX_CHECK_SECONDS", default=1.0)
