"""The member's phone or browser subscribing to Web Push, through the signed self-service link.

JSON in, JSON out (members/static/members/push.js calls these). The authority is the token in the URL,
not a cookie: a request from another site carries no credential it could borrow, so these views need no
CSRF token (the browser's subscription is fetched by script and posted as JSON).
"""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..models import Member
from ..selectors import push_subscriptions_of
from ..services import push_subscription_delete, push_subscription_save
from ..tokens import MANAGE, LinkError, token_read

__all__ = ["push_card", "push_subscribe", "push_unsubscribe"]

MAX_BODY = 4096  # a subscription is about 400 bytes


def push_card(member: Member) -> dict | None:
    """What the manage page's "Notifications on this phone" card needs; None when Web Push is not set up."""
    if not settings.BIN_VAPID_PUBLIC_KEY:
        return None
    devices = [s.user_agent for s in push_subscriptions_of(member_ids=[member.pk]).get(member.pk, [])]
    return {"public_key": settings.BIN_VAPID_PUBLIC_KEY, "devices": devices}


def _member_and_body(request, token):
    """(member, body dict, None) or (None, None, the error response)."""
    try:
        member, _payload = token_read(token=token, purpose=MANAGE)
    except LinkError as exc:
        return None, None, JsonResponse({"error": str(exc)}, status=403)
    if len(request.body) > MAX_BODY:
        return None, None, JsonResponse({"error": "too large"}, status=400)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return None, None, JsonResponse({"error": "a JSON object is expected"}, status=400)
    return member, body, None


def _no_referrer(response):
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt
@never_cache
@require_POST
def push_subscribe(request, token):
    """Keep the browser's subscription (PushSubscription.toJSON(): endpoint, keys.p256dh, keys.auth)."""
    member, body, error = _member_and_body(request, token)
    if error:
        return _no_referrer(error)
    keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
    try:
        push_subscription_save(
            member=member,
            endpoint=body.get("endpoint"),
            p256dh=keys.get("p256dh"),
            auth=keys.get("auth"),
            user_agent=request.headers.get("User-Agent", "")[:500],
        )
    except ValidationError as exc:
        return _no_referrer(JsonResponse({"errors": exc.message_dict}, status=400))
    return _no_referrer(JsonResponse({"subscribed": True}, status=201))


@csrf_exempt
@never_cache
@require_POST
def push_unsubscribe(request, token):
    """Forget the browser's subscription ({"endpoint": …}); without an endpoint, every one of the member's."""
    member, body, error = _member_and_body(request, token)
    if error:
        return _no_referrer(error)
    endpoint = body.get("endpoint")
    if endpoint is not None and not isinstance(endpoint, str):
        return _no_referrer(JsonResponse({"error": "endpoint must be a string"}, status=400))
    removed = push_subscription_delete(member=member, endpoint=endpoint)
    return _no_referrer(JsonResponse({"removed": removed}))
