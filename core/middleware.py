"""The middleware every request passes: security headers on every response, and one guard that answers
malformed input with a 4xx before any view sees it (a JSON message on the API).

`SecurityHeadersMiddleware` is django-csp's middleware with this service's additions: the tile server's
origin in img-src (core/tiles.py) and a Permissions-Policy. The admin's map editor needs nothing more: it
runs on the vendored Leaflet, with no inline script (areas.boundary_editor). The other headers a
scanner looks for (X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options)
come from Django's SecurityMiddleware and XFrameOptionsMiddleware with the settings in settings/base.py.

`InputGuardMiddleware` refuses, for every path:
- a NUL character in the path, the query string or a cookie (PostgreSQL text cannot hold one: each became
  a 500 where it reached a query);
- a body over DATA_UPLOAD_MAX_MEMORY_SIZE, on the API (413, unless the view answers it itself: the
  alert endpoints say on the perimeter how to make it smaller, core.api.request_data);
- a JSON body nested deeper than BIN_JSON_MAX_DEPTH (Python's parser recurses: 100,000 levels were a
  RecursionError) or holding an escaped NUL (\\u0000);
and on the API turns what a view still raises about the request (RequestDataTooBig, SuspiciousOperation,
RecursionError) into the same JSON answer instead of Django's HTML page.
"""

import re

from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_RO
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .tiles import tile_image_sources

__all__ = ["API_PREFIX", "InputGuardMiddleware", "SecurityHeadersMiddleware", "json_problem"]

# project/urls.py mounts the one API router here.
API_PREFIX = "/api/"
ADMIN_PREFIX = "/admin/"


# --- headers ------------------------------------------------------------------------------------------


class SecurityHeadersMiddleware(CSPMiddleware):
    """The Content-Security-Policy of settings.CONTENT_SECURITY_POLICY with a nonce per response (pages
    put it on their inline scripts: `<script nonce="{{ request.csp_nonce }}">`), plus Permissions-Policy."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        update = dict(parts.update or {})

        def add(directive: str, sources: list[str]) -> None:
            if sources:
                update[directive] = [*update.get(directive, ()), *sources]

        add("img-src", tile_image_sources())
        parts.update = update or None
        return parts

    def process_response(self, request, response):
        # A response without a nonce or a policy of its own (an API answer, a redirect) gets the same
        # header as the last such response on the same side of /admin/: built once (django-csp builds and
        # joins every directive twice per response, 0.2 ms of a 1 ms point lookup).
        plain = (
            getattr(request, "_csp_nonce", None) is None
            and not settings.DEBUG
            and not any(hasattr(response, name) for name in _OWN_POLICY)
            and CSP_HEADER not in response
            and CSP_HEADER_RO not in response
        )
        key = request.path_info.startswith(ADMIN_PREFIX)
        headers = _plain_policy_headers.get(key) if plain else None
        if headers is None:
            response = super().process_response(request, response)
            if plain:
                written = [h for h in (CSP_HEADER, CSP_HEADER_RO) if h in response]
                _plain_policy_headers[key] = [(h, response[h]) for h in written]
        else:
            for header, value in headers:
                response[header] = value
            # As django-csp does: a nonce asked for after the header is written is an error, not a silent gap.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        if settings.BIN_PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.BIN_PERMISSIONS_POLICY
        return response


# What a view or decorator of django-csp sets on a response to change its policy (csp.decorators).
_OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
# (path under /admin/) -> the CSP headers of a response with neither a nonce nor a policy of its own.
_plain_policy_headers: dict[bool, list[tuple[str, str]]] = {}


@receiver(setting_changed)
def _policy_settings_changed(**kwargs) -> None:
    """Tests change the policy's settings (override_settings): the cached headers go with them."""
    _plain_policy_headers.clear()


# --- input ---------------------------------------------------------------------------------------------

# Strings of a JSON text (with their escapes), and an escaped NUL inside one: an odd number of
# backslashes before "u0000".
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.I)
_OPENING = frozenset(b"[{")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


def json_problem(body: bytes, *, max_depth: int) -> str | None:
    """Why a JSON body is refused before parsing (too deep, an escaped NUL), or None. Not a validator:
    what is not JSON is left to the parser, which answers it with a 400 of its own."""
    if _JSON_NUL.search(body):
        return _("The request contains a null character (U+0000), which is not allowed.")
    depth = 0
    for byte in _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS):
        if byte in _OPENING:
            depth += 1
            if depth > max_depth:
                return _("The JSON is nested more than %(n)s levels deep.") % {"n": max_depth}
        else:
            depth -= 1
    return None


def _has_nul(request) -> bool:
    if "\x00" in request.path_info or "\x00" in request.path:
        return True
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return True
    return any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items())


def _too_big() -> str:
    return _("The request is larger than %(mb)s MB.") % {
        "mb": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1e6:.1f}"
    }


def _is_json(request) -> bool:
    content_type = request.content_type or ""
    return content_type == "application/json" or content_type.endswith("+json")


class InputGuardMiddleware:
    """Malformed input is the client's mistake: a 4xx that says what is wrong, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def refuse(request, message: str, status: int = 400) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": message}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")

    def __call__(self, request):
        problem = self.check(request)
        if problem is not None:
            return self.refuse(request, *problem)
        return self.get_response(request)

    def check(self, request) -> tuple[str, int] | None:
        try:
            if _has_nul(request):
                return _("The request contains a null character (U+0000), which is not allowed."), 400
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except SuspiciousOperation:  # too many query fields
            return _("The request is malformed."), 400
        except ValueError:
            return _("The Content-Length header is not a number."), 400
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            # Django will not read it: the view that tries says so (core.api.request_data: a 400 on the
            # field, with advice), else process_exception below (a 413).
            return None
        if _is_json(request) and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            try:
                body = request.body
            except RequestDataTooBig:  # no Content-Length, or an understated one (chunked, on ASGI)
                return _too_big(), 413
            problem = json_problem(body, max_depth=settings.BIN_JSON_MAX_DEPTH)
            if problem:
                return problem, 400
        return None

    def process_exception(self, request, exception):
        """On the API, what a view raises about the request itself is answered as JSON too."""
        if not request.path_info.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):
            return self.refuse(request, _too_big(), 413)
        if isinstance(exception, SuspiciousOperation):
            return self.refuse(request, _("The request is malformed."), 400)
        if isinstance(exception, RecursionError):
            return self.refuse(request, _("The request is nested too deeply."), 400)
        return None
