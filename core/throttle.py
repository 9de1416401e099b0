"""Limits on what anyone may ask of the service without logging in: sign-ups, link requests, proposals,
reactions. Each sends e-mail or writes data, so each is also a way to flood someone's mailbox or the
database; a limit per client address and per e-mail address stops that without getting in the way of a
resident. Counters live in the cache (CACHE_URL: Redis in production, so that every process counts alike),
keyed by a keyed hash: the cache holds no e-mail address.
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

__all__ = [
    "JOIN_EMAIL",
    "JOIN_IP",
    "LINK_EMAIL",
    "LINK_IP",
    "PROPOSE_IP",
    "REACTION_TOKEN",
    "Limit",
    "alert_preview_limits",
    "client_address",
    "form_over_limit",
    "throttle_check",
    "throttle_message",
]


@dataclass(frozen=True)
class Limit:
    scope: str  # e.g. "join-ip"
    count: int  # requests allowed ...
    seconds: int  # ... per window of this many seconds


HOUR = 3600
# A household signs up once or twice; a neighbourhood evening from one address may sign up a dozen.
JOIN_IP = Limit("join-ip", 30, HOUR)
JOIN_EMAIL = Limit("join-email", 5, HOUR)
# Each link request mails the address: a handful an hour, fewer per address (no mailbox flooding).
LINK_IP = Limit("link-ip", 10, HOUR)
LINK_EMAIL = Limit("link-email", 3, HOUR)
PROPOSE_IP = Limit("propose-ip", 5, HOUR)
# One reaction link belongs to one message: "seen" and a few observations.
REACTION_TOKEN = Limit("reaction-token", 20, HOUR)


def alert_preview_limits() -> list[Limit]:
    """An officer's previews of new alert perimeters (alerts/preview.py), per user: drawing and editing a
    perimeter asks for one per change; probing where members live asks for many. BIN_PREVIEW_PER_HOUR and
    BIN_PREVIEW_PER_DAY, read when asked so that a test can change them."""
    return [
        Limit("alert-preview-hour", settings.BIN_PREVIEW_PER_HOUR, HOUR),
        Limit("alert-preview-day", settings.BIN_PREVIEW_PER_DAY, 24 * HOUR),
    ]


def client_address(request) -> str:
    """The client's IP address: REMOTE_ADDR, or the X-Forwarded-For entry the trusted proxies added
    (BIN_TRUSTED_PROXIES is how many stand in front of the service; 0: none, trust no header)."""
    proxies = settings.BIN_TRUSTED_PROXIES
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(limit: Limit, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{limit.scope}:{value}".encode(), hashlib.sha256)
    return f"bin-throttle:{limit.scope}:{digest.hexdigest()[:32]}"


def throttle_check(limits: list[tuple[Limit, str]]) -> Limit | None:
    """Count one request against each (limit, value); return the first limit it exceeds, or None.

    A fixed window per value: the first request starts it, the counter goes when it ends.
    """
    if not settings.BIN_THROTTLE_ENABLED:
        return None
    exceeded = None
    for limit, value in limits:
        if not value:
            continue
        key = _key(limit, value.strip().lower())
        cache.add(key, 0, timeout=limit.seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.set(key, 1, timeout=limit.seconds)
            count = 1
        if count > limit.count and exceeded is None:
            exceeded = limit
    return exceeded


def throttle_message(limit: Limit) -> str:
    minutes = max(1, round(limit.seconds / 60))
    return _(
        "Too many requests from here in a short time (at most %(count)s in %(minutes)s minutes). "
        "Please try again later."
    ) % {"count": limit.count, "minutes": minutes}


def form_over_limit(form, *, limits: list[tuple[Limit, str]]) -> bool:
    """Count a page's POST against `limits`; when one is exceeded, the form says so (with its own errors
    too) and the page answers 429."""
    limit = throttle_check(limits)
    if limit is None:
        return False
    form.is_valid()
    form.add_error(None, throttle_message(limit))
    return True
