"""Celery tasks: fan the outbox out in batches, tell coordinators about reactions, pick up what was left.

The services enqueue these (on commit); the tasks call the outbox and the notices, never the services.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from .models import Delivery
from .notices import reaction_notice_send
from .outbox import deliveries_process

__all__ = ["deliver_batch", "deliveries_enqueue", "dispatch_due", "notify_coordinators"]

logger = logging.getLogger(__name__)


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
    """Send the due, unclaimed deliveries among `delivery_ids`; re-enqueue those to retry."""
    eager = bool(self.request.is_eager)
    result = deliveries_process(delivery_ids, eager=eager)
    for delay, ids in result.retry.items():
        deliver_batch.apply_async(args=[ids], countdown=delay)
    if result.busy and not eager:
        # Held by another worker, or due later: look again once a lease has run out. A live worker
        # will have finished them by then and this finds nothing to do.
        deliver_batch.apply_async(args=[result.busy], countdown=settings.BIN_DELIVERY_LEASE_SECONDS + 1)
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


def deliveries_enqueue(rows: list[tuple[int, object]]) -> None:
    """Publish deliver_batch tasks for (delivery id, not_before) rows, in batches, each due at its time.

    Called on commit of the transaction that wrote the rows. If the broker cannot be reached the rows
    stay queued and `dispatch_due` picks them up later.
    """
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
                deliver_batch.apply_async(args=[ids[start : start + size]], eta=eta)
    except Exception:  # the broker is down: log, leave the rows queued for dispatch_due
        logger.exception("could not enqueue %s deliveries; dispatch_due will pick them up", len(rows))


@shared_task(ignore_result=True)
def dispatch_due(older_than_seconds: int = 120) -> int:
    """Enqueue deliveries that are due but were never picked up (broker down, deferred, worker gone)."""
    now = timezone.now()
    lease = timedelta(seconds=settings.BIN_DELIVERY_LEASE_SECONDS)
    ids = list(
        Delivery.objects.filter(created__gte=now - timedelta(hours=settings.BIN_DELIVERY_SWEEP_HOURS))
        .filter(
            Q(status=Delivery.Status.QUEUED, created__lt=now - timedelta(seconds=older_than_seconds))
            | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - lease)
        )
        .exclude(not_before__gt=now)
        .order_by("id")
        .values_list("id", "not_before")[:200_000]
    )
    deliveries_enqueue(ids)
    return len(ids)


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notify_coordinators(self, alert_id: int, network_id: int) -> None:
    """E-mail the coordinators of a network that an alert has reactions."""
    reaction_notice_send(alert_id=alert_id, network_id=network_id)
