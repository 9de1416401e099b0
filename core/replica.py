"""Which requests may read from the read replica, decided once per request and kept in a context variable.

Only public read traffic goes to the replica (settings.BIN_REPLICA_ROUTES, by resolved URL name): the replica
lags the primary by up to a second or so, which does not matter to someone looking up their street, but must
not show a coordinator a list without the member they just approved. So a request may read from the replica
when it is a GET or HEAD to one of those routes, from an anonymous client that has not written recently:
every POST/PUT/PATCH/DELETE sets a cookie (BIN_REPLICA_STICKY_COOKIE, BIN_REPLICA_STICKY_SECONDS) that keeps
that client on the primary for a while (read-your-writes: who just joined a BIN and then looks up their
street sees the primary). The cookie only ever sends its holder to the primary, so a forged one gains
nothing and it is not signed. Within a request, the first write ends its replica reads (project/db_router.py).

The ORM asks the router (project.db_router.ReplicaRouter); raw SQL selectors on these routes take their
connection from `read_connection`, which asks the same router.
"""

from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections, router

__all__ = [
    "REPLICA_ALIAS",
    "ReplicaRoutingMiddleware",
    "read_connection",
    "replica_reads_allowed",
    "replica_reads_end",
]

# The alias of the replica in settings.DATABASES (project/settings/base.py, DATABASE_REPLICA_URL).
REPLICA_ALIAS = "replica"
READ_METHODS = {"GET", "HEAD"}

_replica_allowed: ContextVar[bool] = ContextVar("bin_replica_allowed", default=False)


def replica_reads_allowed() -> bool:
    """Whether the current request may read from the replica (False outside a request)."""
    return _replica_allowed.get()


def replica_reads_end() -> None:
    """The current request has written: its later reads go to the primary."""
    if _replica_allowed.get():
        _replica_allowed.set(False)


def read_connection(model):
    """The connection a raw SQL read of `model`'s table should use: the one the routers pick for reading it
    (the primary unless a router says otherwise; Django's `connection` is always the primary)."""
    return connections[router.db_for_read(model)]


class ReplicaRoutingMiddleware:
    """Marks public reads (settings.BIN_REPLICA_ROUTES) of anonymous clients that did not write recently.

    Unused (MiddlewareNotUsed) when no replica is configured. It sits after AuthenticationMiddleware: the
    session and the user are read before the mark is set, so from the primary.
    """

    def __init__(self, get_response):
        if REPLICA_ALIAS not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.routes = frozenset(settings.BIN_REPLICA_ROUTES)
        self.cookie = settings.BIN_REPLICA_STICKY_COOKIE
        self.sticky_seconds = settings.BIN_REPLICA_STICKY_SECONDS

    def __call__(self, request):
        token = _replica_allowed.set(False)
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if request.method not in READ_METHODS:
            response.set_cookie(
                self.cookie,
                "1",
                max_age=self.sticky_seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method in READ_METHODS
            and match is not None
            and match.view_name in self.routes
            and self.cookie not in request.COOKIES
            and not getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            _replica_allowed.set(True)
        return None
