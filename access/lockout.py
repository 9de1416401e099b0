"""What a locked-out login is told (django-axes counts the failures: settings AXES_*).

After settings.BIN_LOGIN_FAILURE_LIMIT wrong passwords for one user name from one client address, logging in
as that user from there is refused, the right password too, for BIN_LOGIN_LOCKOUT_MINUTES after the last
attempt (each attempt during the lockout starts the wait again). The login page, the admin's login and
HTTP Basic on the API all count, and all say what happened and when to try again.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import ngettext

__all__ = ["lockout_message", "lockout_response", "lockout_seconds"]


def lockout_seconds() -> int:
    """How long a lockout lasts from the last attempt (settings.AXES_COOLOFF_TIME, a timedelta)."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    """Too many wrong passwords: until when logging in is refused, and why."""
    seconds = lockout_seconds()
    minutes = max(1, round(seconds / 60))
    until = timezone.localtime(timezone.now() + timezone.timedelta(seconds=seconds))
    return ngettext(
        "Too many wrong passwords for this user name from your address. Logging in is blocked for "
        "%(minutes)d minute, until %(time)s; every new attempt starts the wait again. An administrator can "
        "lift the block sooner.",
        "Too many wrong passwords for this user name from your address. Logging in is blocked for "
        "%(minutes)d minutes, until %(time)s; every new attempt starts the wait again. An administrator can "
        "lift the block sooner.",
        minutes,
    ) % {"minutes": minutes, "time": time_format(until, "H:i")}


def lockout_response(request, original_response=None, credentials=None):
    """settings.AXES_LOCKOUT_CALLABLE: HTTP 429 with the message, as JSON for the API, else as a page."""
    message = lockout_message()
    if request.path.startswith("/api/") or "application/json" in request.META.get("HTTP_ACCEPT", ""):
        response = JsonResponse({"detail": message}, status=429)
    else:
        context = {"message": message, "login_url": reverse("access:login")}
        response = render(request, "access/locked.html", context, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response
