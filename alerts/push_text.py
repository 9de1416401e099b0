"""The Web Push notification of an alert: a small JSON document the service worker (core/templates/core/sw.js)
turns into a notification: title, body, the page it opens, a tag and the language."""

import json

from .backends import OutgoingMessage
from .messages import MessageCache, email_subject_body, member_language
from .models import Alert

__all__ = ["PUSH_BODY_CHARS", "push_message", "push_payload"]

# A push service takes at most 4 KB of encrypted payload (RFC 8291: 4,078 bytes of text); the body is cut
# well below it (the whole message is on the alert's page the notification opens).
PUSH_BODY_CHARS = 600


def push_payload(alert: Alert, language: str, link: str) -> dict:
    """The notification of `alert` in `language`, opening `link` (the member's reaction page)."""
    subject, _body = email_subject_body(alert, language, link)
    body = alert.message_for(language).strip()
    if len(body) > PUSH_BODY_CHARS:
        body = body[: PUSH_BODY_CHARS - 1].rstrip() + "…"
    # One tag per alert: a second push of the same alert (a retry) replaces the notification, never adds one.
    return {
        "title": subject,
        "body": body,
        "url": link,
        "tag": f"bin-alert-{alert.pk}",
        "lang": member_language(language),
        "urgent": alert.urgency == Alert.Urgency.URGENT,
    }


def push_message(
    alert: Alert, language: str | None, delivery_id: int, member_id: int, texts: MessageCache
) -> OutgoingMessage:
    """The outbox message of a push delivery: `to` is the member (the backend sends to each of their
    subscriptions), `text` the JSON payload."""
    payload = push_payload(alert, language or "nl", texts.link(delivery_id))
    return OutgoingMessage(
        key=str(delivery_id),
        to=str(member_id),
        text=json.dumps(payload, ensure_ascii=False),
        urgent=payload["urgent"],
    )
