"""What the voice gateway tells us about a call: its outcome (answered, busy, no answer, failed) and the keys
the member pressed. Called by the signed callback endpoint (alerts/api/phone.py).

A call the gateway accepted is `sent` (alerts.outbox). Answered: `delivered`. Busy or no answer: the
delivery goes back to the outbox to be called again after BIN_VOICE_RETRY_SECONDS, on the urgent queue,
until BIN_VOICE_MAX_CALLS calls were placed; then (or failed) it is `undeliverable`. A key press is a
reaction through that delivery, as the reaction link of an SMS would record it (alerts.reactions).
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Delivery, Reaction
from .reactions import reaction_record
from .tasks import deliver_batch
from .voice_text import KEYPAD

__all__ = ["CALL_STATUSES", "voice_call_status", "voice_key_pressed"]

# The gateway's words for how a call ended.
CALL_STATUSES = {"answered", "busy", "no-answer", "failed"}
_OPEN = (Delivery.Status.SENDING, Delivery.Status.SENT)


def _voice_delivery(delivery_id: str | int) -> Delivery | None:
    try:
        pk = int(delivery_id)
    except (TypeError, ValueError):
        return None
    return (
        Delivery.objects.select_for_update()
        .select_related("alert")
        .filter(pk=pk, channel=Delivery.Channel.VOICE)
        .first()
    )


def voice_call_status(*, delivery_id: str | int, status: str) -> str:
    """Record how a call ended; the outcome: "delivered", "retry", "undeliverable", "unknown" (no such
    call) or "ignored" (the delivery was already final: a callback sent twice)."""
    with transaction.atomic():
        delivery = _voice_delivery(delivery_id)
        if delivery is None:
            return "unknown"
        if delivery.status not in _OPEN:
            return "ignored"
        now = timezone.now()
        if status == "answered":
            delivery.status, delivery.receipt_at, delivery.last_error = Delivery.Status.DELIVERED, now, ""
            delivery.save(update_fields=["status", "receipt_at", "last_error"])
            return "delivered"
        delivery.last_error = f"the call ended: {status} (call {delivery.attempts})"
        if status in ("busy", "no-answer") and delivery.attempts < settings.BIN_VOICE_MAX_CALLS:
            delay = float(settings.BIN_VOICE_RETRY_SECONDS)
            delivery.status = Delivery.Status.QUEUED
            delivery.not_before = now + timedelta(seconds=delay)
            delivery.save(update_fields=["status", "not_before", "last_error"])
            retry = partial(
                deliver_batch.apply_async,
                args=[[delivery.pk]],
                countdown=delay,
                queue=settings.BIN_QUEUE_URGENT,
            )
            transaction.on_commit(retry)
            return "retry"
        delivery.status, delivery.receipt_at = Delivery.Status.UNDELIVERABLE, now
        delivery.save(update_fields=["status", "receipt_at", "last_error"])
        return "undeliverable"


def voice_key_pressed(*, delivery_id: str | int, key: str) -> str:
    """Record the reaction of a key pressed during a call; the outcome: "recorded", "ignored" (a key
    without meaning), "unknown" (no such call) or "refused" (the alert no longer takes reactions, or the
    member left)."""
    kind = KEYPAD.get(str(key))
    with transaction.atomic():
        delivery = _voice_delivery(delivery_id)
        if delivery is None:
            return "unknown"
        if kind is None:
            return "ignored"
        if delivery.status in _OPEN:  # the key came before the call's status: it was answered
            delivery.status, delivery.receipt_at = Delivery.Status.DELIVERED, timezone.now()
            delivery.save(update_fields=["status", "receipt_at"])
        text = ""
        if kind == Reaction.Kind.OBSERVATION:
            # Coordinators read the reactions in the service's language.
            with translation.override(settings.LANGUAGE_CODE):
                text = _("Pressed 2 during the phone call: saw something. Call the member back.")
        try:
            with transaction.atomic():
                reaction_record(delivery=delivery, kind=kind, text=text)
        except ValidationError:
            return "refused"
        return "recorded"
