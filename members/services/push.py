"""The members' Web Push subscriptions: a browser subscribes or unsubscribes through the member's signed
link; the sender marks them delivered or expired (alerts/backends/push.py)."""

import base64
import binascii
import ipaddress
import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Member, Membership, PushSubscription

__all__ = [
    "push_subscription_delete",
    "push_subscription_save",
    "push_subscriptions_delivered",
    "push_subscriptions_drop_if_gone",
    "push_subscriptions_expire",
]

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _b64url(value: str, *, length: int, field: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != length:
        raise ValidationError({field: [_("This is not a browser's push key.")]})
    return raw


def _clean_endpoint(endpoint: str) -> str:
    """An https URL of a known push service; http on loopback too where the settings allow it (tests)."""
    invalid = ValidationError({"endpoint": [_("This is not a push service's address.")]})
    if not isinstance(endpoint, str) or len(endpoint) > 1000:
        raise invalid
    try:
        url = urlsplit(endpoint)
        host = (url.hostname or "").lower()
    except ValueError:
        raise invalid from None
    if settings.BIN_PUSH_ALLOW_LOOPBACK and url.scheme in ("http", "https") and host in LOOPBACK_HOSTS:
        return endpoint
    if url.scheme != "https" or url.username or url.password:
        raise invalid
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise invalid  # push services are named, never an address (nor one inside our network)
    allowed = settings.BIN_PUSH_SERVICE_HOSTS
    if not any(host == h or (h.startswith(".") and host.endswith(h)) for h in allowed):
        raise invalid
    return endpoint


def _short_agent(user_agent: str) -> str:
    """ "Firefox on Android": enough for the member to tell their devices apart, nothing more."""
    browsers = [("Edg", "Edge"), ("SamsungBrowser", "Samsung Internet"), ("Firefox", "Firefox")]
    browsers += [("Chrome", "Chrome"), ("Safari", "Safari")]
    systems = [("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows")]
    systems += [("Mac OS", "macOS"), ("Linux", "Linux")]
    browser = next((name for key, name in browsers if re.search(key, user_agent)), "")
    system = next((name for key, name in systems if key in user_agent), "")
    return " · ".join(p for p in (browser, system) if p)[:60]


def push_subscription_save(
    *, member: Member, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Keep a browser's subscription for `member` (the same endpoint again replaces the old one, whoever's
    it was). Raises ValidationError for an endpoint that is not a push service's or keys that are not keys."""
    endpoint = _clean_endpoint(endpoint)
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        raise ValidationError({"keys": [_("This is not a browser's push key.")]})
    point = _b64url(p256dh, length=65, field="p256dh")
    try:  # a point on P-256, or the sender could not encrypt for it
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise ValidationError({"p256dh": [_("This is not a browser's push key.")]}) from None
    _b64url(auth, length=16, field="auth")
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"member": member, "p256dh": p256dh, "auth": auth, "user_agent": _short_agent(user_agent)},
    )
    return subscription


def push_subscription_delete(*, member: Member, endpoint: str | None = None) -> int:
    """Remove the member's subscription with `endpoint` (None: all of them); the number removed."""
    subscriptions = PushSubscription.objects.filter(member=member)
    if endpoint is not None:
        subscriptions = subscriptions.filter(endpoint=endpoint)
    return subscriptions.delete()[0]


def push_subscriptions_delivered(*, ids: list[int]) -> None:
    PushSubscription.objects.filter(id__in=ids).update(last_success=timezone.now())


def push_subscriptions_expire(*, ids: list[int]) -> int:
    """The push service said these are gone (404/410): the browser unsubscribed or was reset."""
    return PushSubscription.objects.filter(id__in=ids).delete()[0]


def push_subscriptions_drop_if_gone(*, member: Member) -> int:
    """After leaving a network: a member in no network any more gets no notifications either."""
    with transaction.atomic():
        active = member.memberships.exclude(status__in=[Membership.Status.LEFT, Membership.Status.REJECTED])
        if active.exists():
            return 0
        return push_subscription_delete(member=member)
