"""The REST API's plumbing, shared by every app's API: the one exception handler, the CSV renderer, the
permission base class that asks access.permissions, and a guarded read of the request body."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, permissions
from rest_framework.renderers import BaseRenderer
from rest_framework.views import exception_handler as drf_exception_handler

__all__ = ["CSVRenderer", "RulePermission", "api_exception_handler", "ascii_int", "request_data"]

# More digits than a 64-bit integer has: no id, number or code of this service.
_MAX_DIGITS = 18


def ascii_int(text: str) -> int | None:
    """`text` as a non-negative integer when it is 1-18 ASCII digits, else None. str.isdigit() is no test:
    "²" and "٣" pass it (int() then fails or reads Arabic-Indic digits), and int() of 5,000 digits raises."""
    if 0 < len(text) <= _MAX_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None


def api_exception_handler(exc, context):
    """DRF's handler, which also answers the services' Django exceptions with their own message: a
    ValidationError is a 400 with its fields, a PermissionDenied a 403 that says why (REST_FRAMEWORK
    EXCEPTION_HANDLER). Views call services and let these through."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class CSVRenderer(BaseRenderer):
    """Lets ?format=csv and Accept: text/csv reach the views that write CSV themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes | str) else b""


class RulePermission(permissions.BasePermission):
    """A DRF permission whose decision is one function of access.permissions: `rule(user) -> bool`.

    Subclasses set `rule` and `message`; an anonymous user gets 401/403 from DRF as usual.
    """

    rule = staticmethod(lambda user: False)
    message = None

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        return bool(type(self).rule(request.user))


def request_data(request, *, field: str = "detail", advice: str = ""):
    """request.data, with a 400 on `field` that says so (and `advice`, what to do about it) when the body
    is over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    try:
        return request.data
    except RequestDataTooBig as exc:
        message = f"The request is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1e6:.1f} MB."
        raise exceptions.ValidationError({field: [f"{message} {advice}".strip()]}) from exc
