"""Middleware of the access app: the refusal to start misconfigured, the check of proxy headers nobody
declared, and the second factor of a login.

- RefuseMisconfiguredMiddleware: when the WSGI handler starts (before the first request), runs the
  deployment checks of access.checks and refuses to start on an error. `manage.py check --deploy`,
  `runserver` and `migrate` run the same checks through Django's check framework.
- ForwardedHeadersMiddleware: with BIN_TRUSTED_PROXIES = 0 the client is REMOTE_ADDR. A request that comes
  from a private or loopback address and carries X-Forwarded-For (or another proxy header) came through a
  proxy nobody declared: every client would share the proxy's address, in the request limits and the login
  lockout. Logged once per process; refused (503) when BIN_FORWARDED_WITHOUT_PROXY = "refuse" (production).
- TwoFactorMiddleware: a session that gave the password but still owes the code (access.two_factor) opens
  nothing but the code pages and logout: pages redirect there, the API answers 403.
"""

import ipaddress
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .checks import deployment_errors
from .two_factor import confirmed_device, two_factor_pending

__all__ = ["ForwardedHeadersMiddleware", "RefuseMisconfiguredMiddleware", "TwoFactorMiddleware"]

logger = logging.getLogger(__name__)

PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


class RefuseMisconfiguredMiddleware:
    """Refuses to start (ImproperlyConfigured) on an error of the deployment checks; otherwise steps out
    of the chain (MiddlewareNotUsed): no cost per request."""

    def __init__(self, get_response):
        errors = [e for e in deployment_errors() if e.is_serious()]
        if errors:
            lines = "\n".join(f"{e.id}: {e.msg} {e.hint or ''}".strip() for e in errors)
            raise ImproperlyConfigured(f"The service refuses to start:\n{lines}")
        raise MiddlewareNotUsed()


class ForwardedHeadersMiddleware:
    """Proxy headers from a proxy nobody declared (BIN_TRUSTED_PROXIES = 0): logged once, or refused."""

    def __init__(self, get_response):
        if settings.BIN_TRUSTED_PROXIES > 0:
            raise MiddlewareNotUsed()
        self.get_response = get_response
        self.refuse = settings.BIN_FORWARDED_WITHOUT_PROXY == "refuse"
        self.logged = False

    def __call__(self, request):
        header = next((h for h in PROXY_HEADERS if h in request.META), None)
        if header is None or not _from_a_proxy(request.META.get("REMOTE_ADDR", "")):
            return self.get_response(request)
        if not self.logged:
            self.logged = True
            logger.error(
                "A request from %s carries %s, but BIN_TRUSTED_PROXIES is 0: the service stands behind a "
                "proxy nobody declared, and every client shares its address in the request limits and the "
                "login lockout. Set BIN_TRUSTED_PROXIES to the number of proxies in front of the service. "
                "%s (logged once per process)",
                request.META.get("REMOTE_ADDR"),
                header[5:].replace("_", "-"),
                "Requests are refused until then." if self.refuse else "Requests are served anyway.",
            )
        if self.refuse:
            return HttpResponse(
                _("This service is not set up for the proxy in front of it; its log says what to change."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _from_a_proxy(address: str) -> bool:
    """A loopback or private address: a proxy beside the service, not a client on the internet (whose own
    proxy may add the header harmlessly)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local


# The pages a session that owes the code may open (URL names).
TWO_FACTOR_OPEN = {
    "access:two-factor",
    "access:two-factor-setup",
    "access:logout",
    "admin:logout",
    "set_language",
}


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: a session owing its second factor is sent to give it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.BIN_2FA_REQUIRED:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_OPEN:
            return None
        if not two_factor_pending(request.user):
            return None
        if match is not None and "api" in match.namespaces:
            message = _("Give the code of your authenticator app first: log in at /coordinator/login/.")
            return JsonResponse({"detail": message}, status=403)
        step = "access:two-factor" if confirmed_device(request.user) else "access:two-factor-setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
