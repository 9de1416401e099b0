"""Two-factor authentication (TOTP, django-otp): who is asked for a code, their device, its QR code.

A login is a password and then, for whom it applies, a six-digit code from an authenticator app. It
applies when settings.BIN_2FA_REQUIRED is on (production) to whom access.permissions.must_use_two_factor
names (administrators, staff, police, municipality staff) and to anyone who set up a device of their own.
Until the code is given the session holds the user but opens nothing (access.middleware.TwoFactorMiddleware);
HTTP Basic, which cannot carry a code, is refused to them (access.authentication).
"""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .permissions import must_use_two_factor

__all__ = [
    "confirmed_device",
    "device_setup",
    "device_verify",
    "qr_code_svg",
    "two_factor_applies",
    "two_factor_pending",
]


def confirmed_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they have set one up."""
    return next((d for d in devices_for_user(user, confirmed=True) if isinstance(d, TOTPDevice)), None)


def two_factor_applies(user) -> bool:
    """Whether `user` logs in with a code besides the password (settings.BIN_2FA_REQUIRED on)."""
    if not settings.BIN_2FA_REQUIRED or not (user.is_authenticated and user.is_active):
        return False
    return must_use_two_factor(user) or confirmed_device(user) is not None


def two_factor_pending(user) -> bool:
    """A session that gave the password but not yet the code it needs."""
    if not settings.BIN_2FA_REQUIRED or not user.is_authenticated:
        return False
    verified = getattr(user, "is_verified", None)
    return not (verified is not None and verified()) and two_factor_applies(user)


def device_setup(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (a new secret unless one is waiting)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code (drawn here: no outside service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    # Markup we drew: squares of a path, no text from anyone (the user name is in the code's bits only).
    return mark_safe(image.to_string(encoding="unicode"))


def _wait_seconds(device: TOTPDevice) -> int:
    """Seconds until django-otp lets `device` check another code (0: now)."""
    allowed, info = device.verify_is_allowed()
    until = None if allowed else (info or {}).get("locked_until")
    return max(0, int((until - timezone.now()).total_seconds()) + 1) if until else 0


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Too many wrong codes: you can try again in %(seconds)d second.",
        "Too many wrong codes: you can try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}


def device_verify(request, device: TOTPDevice, code: str) -> str | None:
    """Check `code` against `device` (django-otp throttles: waits double after each wrong code); on success
    the device is confirmed and the session verified, and None is returned; else the message to show."""
    wait = _wait_seconds(device)
    if wait:
        return _wait_message(wait)
    if not device.verify_token(code.replace(" ", "")):
        # Each wrong code doubles the wait before the next (1, 2, 4, … seconds): say so once it counts.
        wait = _wait_seconds(device)
        wrong = _("That code is not right: enter the code your app shows now.")
        return f"{wrong} {_wait_message(wait)}" if wait > 2 else wrong
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    request.session.cycle_key()
    otp_login(request, device)
    return None
