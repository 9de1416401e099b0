"""How API clients authenticate: the browser's session, or HTTP Basic for scripts.

HTTP Basic sends the password with every request, so it counts towards the login lockout like the login
pages (django-axes, access.lockout): a locked-out client gets 429 and the time to try again, the right
password too. It cannot carry a second factor: accounts that log in with one (access.two_factor: police,
municipality staff, administrators in production) are refused Basic and use the API from their logged-in
browser session, which has given the code.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import BasicScheme
from rest_framework import authentication, exceptions

from .lockout import lockout_message, lockout_seconds
from .two_factor import two_factor_applies

__all__ = ["BasicAuthentication", "BasicAuthenticationScheme"]


class LockedOut(exceptions.Throttled):
    default_detail = _("Too many wrong passwords.")

    def __init__(self):
        super().__init__(wait=lockout_seconds())
        # Throttled's own sentence adds "Expected available in … seconds"; ours says it in words.
        self.detail = exceptions.ErrorDetail(lockout_message(), code=self.default_code)


class BasicAuthentication(authentication.BasicAuthentication):
    """DRF's Basic authentication, with the login lockout and without accounts that need a second factor.

    A user name or password with a NUL character is refused like any wrong credentials: PostgreSQL cannot
    hold NUL in text, and the user lookup was a 500 (found by schemathesis)."""

    def authenticate_credentials(self, userid, password, request=None):
        if "\x00" in userid or "\x00" in password:
            raise exceptions.AuthenticationFailed(_("Invalid username/password."))
        try:
            user, auth = super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            # django-axes marks the request (DRF's, which authenticate() was given) when it is locked out.
            if request is not None and getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise
        if two_factor_applies(user):
            raise exceptions.AuthenticationFailed(
                _(
                    "This account logs in with a second factor, which HTTP Basic cannot carry. Log in at "
                    "/coordinator/login/ and use the API from that browser session."
                )
            )
        return user, auth


class BasicAuthenticationScheme(BasicScheme):
    """The OpenAPI security scheme of BasicAuthentication: HTTP Basic, as drf-spectacular says DRF's is."""

    target_class = "access.authentication.BasicAuthentication"
