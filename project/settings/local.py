"""Settings for a developer's machine and the demo: debug on, a fixed development secret."""

from .base import *  # noqa: F403
from .base import DATABASES, database_pool, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-bin-gis-local")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# runserver serves every request in a thread of its own: with CONN_MAX_AGE > 0 each thread kept its own
# connection (62 idle ones after a few parallel clients, then "too many clients"), and CONN_MAX_AGE = 0
# still opens one per request in flight (200 parallel lookups: more than max_connections = 100). psycopg's
# pool with DATABASE_POOL_MAX (4) connections bounds it; requests wait their turn (helper "web", issue 13;
# tests/project/test_connections.py). DATABASE_POOL=false: a connection per request, closed after it.
if env.bool("DATABASE_POOL", default=True):
    database_pool(DATABASES["default"])
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
