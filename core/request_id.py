"""The request id: one token per request, in every log line of that request and of the Celery tasks it
published, and in the response's X-Request-ID header, so that "which POST sent this SMS?" is one grep.

An incoming X-Request-ID (from the load balancer or a calling service) is kept when it is a sane token
(letters, digits, `.`, `_`, `:`, `-`, at most 100 characters): anything else could carry a newline into
the logs or personal data into a log index, and is replaced by a fresh one. The id lives in a contextvar
(each thread and each task sees its own); `RequestIdMiddleware` sets it first thing, together with the
route (the resolved URL's name, never the path: paths and query strings hold addresses). Celery carries it
as a message header: `task_publish_headers` (before_task_publish) and `task_context_enter` /
`task_context_exit` (task_prerun / task_postrun), connected in project/celery.py.
"""

import contextvars
import re
import uuid

__all__ = [
    "HEADER",
    "RequestIdMiddleware",
    "current_request_id",
    "current_route",
    "request_id_clean",
    "route_name",
    "route_set",
    "task_context_enter",
    "task_context_exit",
    "task_publish_headers",
]

HEADER = "X-Request-ID"
# The Celery message header that carries it.
TASK_HEADER = "bin_request_id"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,100}")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("bin_request_id", default=None)
_route: contextvars.ContextVar[str | None] = contextvars.ContextVar("bin_route", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def current_route() -> str | None:
    return _route.get()


def request_id_clean(value: str | None) -> str:
    """The incoming id if it is a sane token, else a new one."""
    if value and _SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


def route_name(request) -> str:
    """The route of a request for logs and metric labels: the URL's name (namespaced), the route pattern
    of an unnamed URL, or "unmatched" (a 404 before any view): never the path itself."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unnamed"


class RequestIdMiddleware:
    """Sets the request id (and, once the URL is resolved, the route) for the request's logs and tasks;
    returns the id in the X-Request-ID header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_clean(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        token = _request_id.set(request_id)
        route_token = _route.set(None)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(route_token)
            _request_id.reset(token)
        response[HEADER] = request_id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        route_set(request)


def route_set(request) -> None:
    """The route of the request being served, for its log lines (once its URL is resolved)."""
    _route.set(route_name(request))


# --- Celery ------------------------------------------------------------------------------------------


def task_publish_headers(headers: dict | None = None, **kwargs) -> None:
    """before_task_publish: a task published during a request (or a task) carries its request id."""
    request_id = _request_id.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def task_context_enter(task=None, **kwargs) -> None:
    """task_prerun: the worker's logs of this task carry the request id it was published with. A task
    run in-process (eager) keeps the id of the request around it."""
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if request_id and _SANE.fullmatch(str(request_id)):
        task.request.bin_request_id_token = _request_id.set(str(request_id))


def task_context_exit(task=None, **kwargs) -> None:
    """task_postrun: back to the id before the task (none, in a worker)."""
    token = getattr(task.request, "bin_request_id_token", None) if task is not None else None
    if token is not None:
        task.request.bin_request_id_token = None
        _request_id.reset(token)
