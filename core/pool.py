"""A busy database pool is a 503 with a message, not a 500 (settings.DATABASES' "pool", production).

With psycopg's pool every server process holds at most DATABASE_POOL_MAX connections; a request that finds
them all taken waits DATABASE_POOL_TIMEOUT seconds and then gets psycopg_pool.PoolTimeout, which Django
raises as its OperationalError. That is load, not a bug: the client may try again (Retry-After). The
exception can come from a view or from a middleware (the session's user), so the answer is the 500 handler
(project/urls.py: handler500), which Django calls for both.
"""

import sys

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

__all__ = ["is_pool_timeout", "server_error"]

RETRY_AFTER_SECONDS = 5


def is_pool_timeout(exc: BaseException | None) -> bool:
    """Whether `exc` is Django's OperationalError for a connection the pool could not give in time."""
    if not isinstance(exc, OperationalError):
        return False
    # psycopg_pool.PoolTimeout, by name: core catches django.db's exceptions, not the driver's.
    return any(type(e).__name__ == "PoolTimeout" for e in (exc, exc.__cause__, exc.__context__))


def server_error(request, *args, **kwargs) -> HttpResponse:
    """Django's 500 page, or a 503 that asks to try again when the database pool was exhausted."""
    if not is_pool_timeout(sys.exc_info()[1]):
        return defaults.server_error(request, *args, **kwargs)
    message = _("The service is busy. Please try again in a moment.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
