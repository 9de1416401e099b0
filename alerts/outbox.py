"""Working off the outbox: claim deliveries, send them through the channel backend, record the outcome.

Exactly-once, as far as it can be had:

* A delivery is sent only by the worker that moved it from `queued` to `sending` itself, in one committed
  UPDATE (rows locked by another claimer are skipped). A task that runs twice, or two copies of one task
  (a redelivered message while the first worker still runs), finds nothing left to claim.
* The one window is a worker that dies after the backend accepted a message and before the row is marked
  `sent`. The row then stays `sending`; once its lease (BIN_DELIVERY_LEASE_SECONDS) has run out, the
  redelivered task may claim it again. Before sending it again we ask the backend whether it already has
  the message (`already_sent`, keyed by the delivery id): the file backend knows, and a gateway that
  keeps idempotency keys can drop the duplicate itself because every request carries the delivery id.
  A backend that cannot tell (SMTP) sends again: a rare duplicate rather than a lost alert.
* A retryable error puts the row back to `queued` with `not_before` = now + backoff (30 s, 60 s, 120 s…)
  and the task re-enqueues just those rows; after BIN_DELIVERY_MAX_ATTEMPTS the row is `failed` with the
  reason. A permanent error fails the row at once. Other rows of the batch go on either way.
"""

import logging
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import connection

from members.reach import CONTACT_COLUMNS, contacts_join_sql

from .backends import Accepted, OutgoingMessage, PermanentSendError, RetryableSendError, get_backend
from .messages import MessageCache
from .models import Alert, Delivery
from .push_text import push_message
from .relay_notices import relay_message
from .voice_text import voice_message

__all__ = ["ProcessResult", "backoff_seconds", "deliveries_process"]

logger = logging.getLogger(__name__)


@dataclass
class ProcessResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    # Rows put back to queued for a retry, by the delay (seconds) after which to try them again.
    retry: dict[float, list[int]] = field(default_factory=dict)
    # Rows another worker holds (`sending`, lease not over yet): look again after the lease.
    busy: list[int] = field(default_factory=list)


QUEUED, SENDING, SENT = Delivery.Status.QUEUED, Delivery.Status.SENDING, Delivery.Status.SENT


def backoff_seconds(attempts: int) -> float:
    """The delay before attempt `attempts + 1`: exponential from BIN_DELIVERY_RETRY_BACKOFF, capped."""
    base = settings.BIN_DELIVERY_RETRY_BACKOFF
    return min(base * 2 ** max(attempts - 1, 0), settings.BIN_DELIVERY_RETRY_BACKOFF_MAX)


_CLAIM = f"""
    WITH claimed AS (
    UPDATE alerts_delivery d
    SET status = '{SENDING}', attempts = d.attempts + 1, claimed_at = clock_timestamp()
    FROM (
        SELECT id, status FROM alerts_delivery
        WHERE id = ANY(%(ids)s)
          AND (status = '{QUEUED}'
               OR (status = '{SENDING}' AND claimed_at < clock_timestamp() - %(lease)s * interval '1 second'))
          AND (not_before IS NULL OR not_before <= clock_timestamp() + interval '1 second')
        ORDER BY id
        FOR UPDATE SKIP LOCKED
    ) prev
    WHERE d.id = prev.id
    RETURNING d.id, d.alert_id, d.member_id, d.channel, d.attempts, prev.status, d.relay_id
    )
    SELECT c.id, c.alert_id, c.member_id, c.channel, c.attempts, c.status, {CONTACT_COLUMNS}, c.relay_id
    FROM claimed c {contacts_join_sql(on="c.member_id", outer=True)}
"""
# clock_timestamp(), not now(): now() is the start of the transaction, and the outbox must see the real
# time even when it is worked off inside a longer transaction (in-process sending, tests).


class Claimed(NamedTuple):
    """A delivery this worker claimed, with what it needs of the member (None when they were erased)."""

    id: int
    alert_id: int
    member_id: int | None
    channel: str
    attempts: int
    previous_status: str  # "sending": a dead worker's claim taken over
    mobile: str | None
    email: str | None
    language: str | None
    landline: str | None
    sms_opt_out: bool | None
    relay_id: int | None = None  # forwarded by a coordinator (alerts.relay): their text and note


def _claim(ids: list[int]) -> list[Claimed]:
    """Claim the due, free rows among `ids` in one statement (its own transaction), with their member."""
    with connection.cursor() as cur:
        cur.execute(_CLAIM, {"ids": ids, "lease": settings.BIN_DELIVERY_LEASE_SECONDS})
        return [Claimed(*row) for row in cur.fetchall()]


def _mark(sql: str, params: dict) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


def _mark_sent(ids: list[int]) -> None:
    # Only rows still `sending`: a delivery receipt that overtook this worker (its ids are written before
    # this) has moved the row on to delivered/undeliverable/expired itself (alerts.receipts), and a row
    # never goes back. The rows are locked in id order, as a batch of receipts locks them: in whatever
    # order a bitmap scan met them, the two could each hold a row the other waits for (a deadlock).
    if ids:
        _mark(
            f"UPDATE alerts_delivery SET status = '{SENT}', sent_at = clock_timestamp(), last_error = '', "
            "not_before = NULL WHERE id IN ("
            f"SELECT id FROM alerts_delivery WHERE id = ANY(%(ids)s) AND status = '{SENDING}' "
            "ORDER BY id FOR UPDATE)",
            {"ids": ids},
        )


def _record_provider_ids(gateway: str, accepted: list[tuple[int, list[str]]]) -> None:
    """Keep the gateway's ids of the accepted messages (ProviderMessage), for their delivery receipts."""
    rows = [(gateway, provider_id, delivery_id) for delivery_id, ids in accepted for provider_id in ids]
    if not rows:
        return
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO alerts_providermessage (gateway, provider_id, delivery_id, status, created) "
            "SELECT %(gateway)s, p, d, '', clock_timestamp() "
            "FROM unnest(%(pids)s::text[], %(dids)s::bigint[]) AS t(p, d) "
            "ON CONFLICT (gateway, provider_id) DO NOTHING",
            {"gateway": gateway, "pids": [r[1] for r in rows], "dids": [r[2] for r in rows]},
        )


def _mark_final(ids: list[int], status: str, reason: str) -> None:
    if ids:
        _mark(
            "UPDATE alerts_delivery SET status = %(status)s, last_error = %(reason)s "
            f"WHERE id = ANY(%(ids)s) AND status = '{SENDING}'",
            {"ids": ids, "status": status, "reason": reason[:1000]},
        )


def _mark_retry(ids: list[int], reason: str, delay: float | None) -> None:
    if ids:
        _mark(
            f"UPDATE alerts_delivery SET status = '{QUEUED}', last_error = %(reason)s, "
            "not_before = CASE WHEN %(delay)s::float IS NULL THEN NULL "
            "ELSE clock_timestamp() + %(delay)s::float * interval '1 second' END "
            f"WHERE id = ANY(%(ids)s) AND status = '{SENDING}'",
            {"ids": ids, "reason": reason[:1000], "delay": delay},
        )


def _pending(ids: list[int]) -> list[int]:
    """Of `ids`, those still queued or sending (held by another worker or not yet due)."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id FROM alerts_delivery WHERE id = ANY(%(ids)s) AND status IN ('{QUEUED}', '{SENDING}')",
            {"ids": ids},
        )
        return [r[0] for r in cur.fetchall()]


def deliveries_process(ids: list[int], *, eager: bool = False) -> ProcessResult:
    """Send the deliveries `ids` that are due and not taken; return what happened (see the module doc)."""
    result = ProcessResult()
    ids = sorted(set(ids))
    alerts: dict[int, Alert] = {}
    backends = {}
    texts = MessageCache()
    n_claimed = 0
    try:
        size = settings.BIN_DELIVERY_CLAIM_SIZE
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            claimed = _claim(chunk)
            n_claimed += len(claimed)
            if claimed:
                _send_claimed(claimed, alerts, backends, texts, result, eager=eager)
    finally:
        for backend in backends.values():
            backend.close()
    # Whatever is still pending and was not put up for retry here is another worker's, or not yet due.
    if n_claimed < len(ids):
        retrying = {i for group in result.retry.values() for i in group}
        result.busy = [i for i in _pending(ids) if i not in retrying]
    return result


def _load_alerts(alert_ids: set[int], cache: dict[int, Alert]) -> None:
    missing = alert_ids - cache.keys()
    if missing:
        # The texts come from the alert alone (its tip is a copy), whenever the delivery goes out.
        cache.update(Alert.objects.in_bulk(list(missing)))


def _send_claimed(
    claimed: list[Claimed], alerts, backends, texts, result: ProcessResult, *, eager: bool
) -> None:
    _load_alerts({row.alert_id for row in claimed}, alerts)
    by_channel: dict[str, list[Claimed]] = {}
    for row in claimed:
        by_channel.setdefault(row.channel, []).append(row)
    for channel, rows in by_channel.items():
        if channel not in backends:
            try:
                backends[channel] = get_backend(channel)
                backends[channel].open()
            except PermanentSendError as exc:
                _mark_final([r.id for r in rows], Delivery.Status.FAILED, str(exc))
                result.failed += len(rows)
                continue
        _send_channel(channel, rows, alerts, backends[channel], texts, result, eager=eager)


def _not_sent_before(rows: list[Claimed], backend, result: ProcessResult) -> list[Claimed]:
    """Rows a dead worker had claimed: the backend is asked whether it already took them; those are sent."""
    stale = [str(r.id) for r in rows if r.previous_status == Delivery.Status.SENDING]
    known = backend.already_sent(stale) if stale else set()
    if not known:
        return rows
    logger.warning("deliveries %s were sent before their worker died; not sending again", known)
    _mark_sent([int(k) for k in known])
    result.sent += len(known)
    return [r for r in rows if str(r.id) not in known]


def _messages(
    channel: str, rows: list[Claimed], alerts, texts, result: ProcessResult
) -> list[OutgoingMessage]:
    """The messages of the rows in the member's language; rows whose member is gone are skipped."""
    messages, skipped = [], []
    for row in rows:
        to = {Delivery.Channel.SMS: row.mobile, Delivery.Channel.VOICE: row.landline}.get(channel, row.email)
        if row.mobile is None:  # the LEFT JOIN found no member
            skipped.append((row.id, "the member was erased"))
        elif channel == Delivery.Channel.PUSH:  # to each of the member's subscriptions (the backend's read)
            messages.append(push_message(alerts[row.alert_id], row.language, row.id, row.member_id, texts))
        elif not to:
            skipped.append((row.id, f"the member has no {channel} address any more"))
        elif channel == Delivery.Channel.SMS and row.sms_opt_out:  # a STOP reply since the alert was sent
            skipped.append((row.id, "the member left SMS alerts"))
        elif channel == Delivery.Channel.VOICE:
            messages.append(voice_message(alerts[row.alert_id], row.language, row.id, to))
        elif channel == Delivery.Channel.SMS:
            text = texts.sms(alerts[row.alert_id], row.language, row.id)
            urgent = alerts[row.alert_id].urgency == Alert.Urgency.URGENT  # first through the rate limit
            messages.append(OutgoingMessage(key=str(row.id), to=to, text=text, urgent=urgent))
        elif row.relay_id is not None:
            messages.append(relay_message(alerts[row.alert_id], row, to, texts))
        else:
            subject, body = texts.email(alerts[row.alert_id], row.language, row.id)
            messages.append(OutgoingMessage(key=str(row.id), to=to, text=body, subject=subject))
    for delivery_id, reason in skipped:
        _mark_final([delivery_id], Delivery.Status.SKIPPED, reason)
    result.skipped += len(skipped)
    return messages


def _send_channel(
    channel, rows: list[Claimed], alerts, backend, texts, result: ProcessResult, *, eager: bool
):
    rows = _not_sent_before(rows, backend, result)
    attempts = {r.id: r.attempts for r in rows}
    messages = _messages(channel, rows, alerts, texts, result)
    size = max(1, backend.batch_size)
    for start in range(0, len(messages), size):
        batch = messages[start : start + size]
        outcomes = backend.send_messages(batch)
        ok, with_ids = [], []
        for m in batch:
            outcome = outcomes.get(m.key)
            if outcome is None or isinstance(outcome, Accepted):
                ok.append(int(m.key))
                if outcome is not None and outcome.provider_ids:
                    with_ids.append((int(m.key), outcome.provider_ids))
        # The ids first: a receipt can come back before the row is marked sent, and must find it.
        _record_provider_ids(backend.gateway_name or type(backend).__name__, with_ids)
        _mark_sent(ok)
        result.sent += len(ok)
        for m in batch:
            outcome = outcomes.get(m.key)
            if outcome is not None and not isinstance(outcome, Accepted):
                _failed(int(m.key), outcome, attempts[int(m.key)], result, eager=eager)


def _failed(delivery_id: int, error: Exception, attempts: int, result: ProcessResult, *, eager: bool) -> None:
    """A permanent error, or the last attempt, fails the row; otherwise it is queued again after a backoff."""
    reason = str(error) or error.__class__.__name__
    if isinstance(error, PermanentSendError) or attempts >= settings.BIN_DELIVERY_MAX_ATTEMPTS:
        if not isinstance(error, PermanentSendError):
            reason = f"{reason} (gave up after {attempts} attempts)"
        _mark_final([delivery_id], Delivery.Status.FAILED, reason)
        result.failed += 1
    else:
        delay = backoff_seconds(attempts)
        retry_after = getattr(error, "retry_after", None) if isinstance(error, RetryableSendError) else None
        if retry_after is not None:  # the gateway said how long to wait (HTTP 429 + Retry-After)
            delay = max(float(retry_after), 0.0)
        # In-process (eager) sending cannot wait: the retry follows at once.
        _mark_retry([delivery_id], reason, None if eager else delay)
        result.retry.setdefault(0.0 if eager else delay, []).append(delivery_id)
