"""How API clients authenticate: the browser's session, or HTTP Basic for scripts."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import BasicScheme
from rest_framework import authentication, exceptions

__all__ = ["BasicAuthentication", "BasicAuthenticationScheme"]


class BasicAuthentication(authentication.BasicAuthentication):
    """DRF's Basic authentication, refusing a user name or password with a NUL character like any wrong
    credentials: PostgreSQL cannot hold NUL in text, and the user lookup was a 500 (found by schemathesis)."""

    def authenticate_credentials(self, userid, password, request=None):
        if "\x00" in userid or "\x00" in password:
            raise exceptions.AuthenticationFailed(_("Invalid username/password."))
        return super().authenticate_credentials(userid, password, request)


class BasicAuthenticationScheme(BasicScheme):
    """The OpenAPI security scheme of BasicAuthentication: HTTP Basic, as drf-spectacular says DRF's is."""

    target_class = "access.authentication.BasicAuthentication"
