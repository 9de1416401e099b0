"""Celery tasks: fan the outbox out in batches, tell coordinators about reactions, pick up what was left.

The services enqueue these (on commit); the tasks call the outbox and the notices, never the services.

Urgent first: the deliveries of an urgent alert go to their own queue (BIN_QUEUE_URGENT, "urgent"), worked
off by its own worker processes, so that a 100,000 e-mail fan-out of a non-urgent alert in the bulk queue
cannot hold an urgent SMS back; on a shared queue the urgent batches wait behind every bulk batch published
before them (Redis lists are first in, first out). Retries and look-agains stay on the queue their batch
came from; the housekeeping tasks (dispatch_due, notify_coordinators, purge_expired) go to the default queue
(CELERY_TASK_ROUTES in the settings).
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from .models import Alert, Delivery
from .notices import approval_notice_send, reaction_notice_send
from .outbox import deliveries_process
from .relay_notices import relay_coordinators_mail, relay_reminders_send
from .reminders import closing_reminders_send as reminders_send

__all__ = [
    "closing_reminders_send",
    "deliver_batch",
    "deliveries_enqueue",
    "delivery_queue",
    "dispatch_due",
    "notify_approval",
    "notify_coordinators",
    "relay_notify",
    "relay_reminders",
]

logger = logging.getLogger(__name__)


def delivery_queue(urgency: str) -> str:
    """The Celery queue of an alert's deliveries: urgent alerts have their own."""
    return settings.BIN_QUEUE_URGENT if urgency == Alert.Urgency.URGENT else settings.BIN_QUEUE_BULK


def _own_queue(request) -> str:
    """The queue the running task came from (its routing key; direct exchanges route by queue name)."""
    info = getattr(request, "delivery_info", None) or {}
    queue = info.get("routing_key")
    return queue if queue in (settings.BIN_QUEUE_URGENT, settings.BIN_QUEUE_BULK) else settings.BIN_QUEUE_BULK


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
    ignore_result=True,
)
def deliver_batch(self, delivery_ids: list[int]) -> dict:
    """Send the due, unclaimed deliveries among `delivery_ids`; re-enqueue those to retry, on their queue."""
    eager = bool(self.request.is_eager)
    result = deliveries_process(delivery_ids, eager=eager)
    queue = _own_queue(self.request)
    for delay, ids in result.retry.items():
        deliver_batch.apply_async(args=[ids], countdown=delay, queue=queue)
    if result.busy and not eager:
        # Held by another worker, or due later: look again once a lease has run out. A live worker
        # will have finished them by then and this finds nothing to do.
        deliver_batch.apply_async(
            args=[result.busy], countdown=settings.BIN_DELIVERY_LEASE_SECONDS + 1, queue=queue
        )
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


def deliveries_enqueue(rows: list[tuple[int, object]], *, queue: str | None = None) -> None:
    """Publish deliver_batch tasks for (delivery id, not_before) rows to `queue` (default: bulk), in
    batches, each due at its time.

    Called on commit of the transaction that wrote the rows. If the broker cannot be reached the rows
    stay queued and `dispatch_due` picks them up later.
    """
    queue = queue or settings.BIN_QUEUE_BULK
    size = settings.BIN_DELIVERY_BATCH_SIZE
    now = timezone.now()
    by_eta: dict[object, list[int]] = {}
    for delivery_id, not_before in rows:
        key = not_before if not_before is not None and not_before > now else None
        by_eta.setdefault(key, []).append(delivery_id)
    eager = bool(deliver_batch.app.conf.task_always_eager)
    try:
        for eta, ids in by_eta.items():
            if eta is not None and eager:
                # In-process sending cannot wait for quiet hours to end; `dispatch_due` sends them then.
                continue
            for start in range(0, len(ids), size):
                deliver_batch.apply_async(args=[ids[start : start + size]], eta=eta, queue=queue)
    except Exception:  # the broker is down: log, leave the rows queued for dispatch_due
        logger.exception("could not enqueue %s deliveries; dispatch_due will pick them up", len(rows))


@shared_task(ignore_result=True)
def dispatch_due(older_than_seconds: int = 120) -> int:
    """Enqueue deliveries that are due but were never picked up (broker down, deferred, worker gone),
    each on its alert's queue."""
    now = timezone.now()
    lease = timedelta(seconds=settings.BIN_DELIVERY_LEASE_SECONDS)
    rows = list(
        Delivery.objects.filter(created__gte=now - timedelta(hours=settings.BIN_DELIVERY_SWEEP_HOURS))
        .filter(
            Q(status=Delivery.Status.QUEUED, created__lt=now - timedelta(seconds=older_than_seconds))
            | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - lease)
        )
        .exclude(not_before__gt=now)
        .order_by("id")
        .values_list("id", "not_before", "alert__urgency")[:200_000]
    )
    by_queue: dict[str, list[tuple[int, object]]] = {}
    for delivery_id, not_before, urgency in rows:
        by_queue.setdefault(delivery_queue(urgency), []).append((delivery_id, not_before))
    # Urgent first here too: its batches are published before the bulk ones.
    for queue in sorted(by_queue, key=lambda q: q != settings.BIN_QUEUE_URGENT):
        deliveries_enqueue(by_queue[queue], queue=queue)
    return len(rows)


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notify_coordinators(self, alert_id: int, network_id: int) -> None:
    """E-mail the coordinators of a network that an alert has reactions."""
    reaction_notice_send(alert_id=alert_id, network_id=network_id)


@shared_task(ignore_result=True)
def closing_reminders_send() -> int:
    """Beat: e-mail the senders of urgent alerts still without a closing message (alerts.reminders), each
    once per BIN_ALERT_CLOSING_REMINDER_MINUTES."""
    return reminders_send(now=timezone.now())


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notify_approval(self, alert_id: int, event_id: int) -> None:
    """E-mail a step of the four-eyes approval: to the officers who may approve, or to the author."""
    approval_notice_send(alert_id=alert_id, event_id=event_id)


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def relay_notify(self, relay_id: int, reminder: bool = False) -> None:
    """E-mail a relay network's coordinators that a message waits for them (alerts.relay)."""
    relay_coordinators_mail(relay_id=relay_id, reminder=reminder)


@shared_task(ignore_result=True)
def relay_reminders() -> int:
    """Beat: remind the coordinators of urgent messages still waiting (alerts.relay_notices)."""
    return relay_reminders_send(now=timezone.now())
