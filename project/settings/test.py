"""Settings for the test suite: real PostGIS (a test database beside DATABASE_URL's), fast hashing."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-not-secret-bin-gis")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "nl"
# Alerts: messages stay in memory unless the environment says otherwise (the Celery worker started by
# the integration tests is told to use the file backend, SMTP and Redis through these variables).
BIN_SMS_BACKEND = env("BIN_SMS_BACKEND", default="alerts.backends.sms.LocmemBackend")
BIN_ALERT_EMAIL_BACKEND = env("BIN_ALERT_EMAIL_BACKEND", default="")
BIN_VOICE_BACKEND = env("BIN_VOICE_BACKEND", default="alerts.backends.voice.LocmemBackend")
# Logins: a password only (tests that need the second factor turn BIN_2FA_REQUIRED on themselves).
BIN_2FA_REQUIRED = False
# A read replica (DATABASE_REPLICA_URL) mirrors the test database: the suite's data is on "default" only.
# tests/project/test_replica.py replicates it for real.
if "replica" in DATABASES:  # noqa: F405
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
BIN_POINT_INDEX_CHECK_SECONDS = 0.0  # every lookup compares the token: a test sees its own writes at once
