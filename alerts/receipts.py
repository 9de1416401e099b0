"""Delivery receipts: what the gateway later says became of a message it accepted, applied to the outbox.

A receipt names the gateway's id of one part of a message (`ProviderMessage`, written by the outbox when
the gateway accepted it) and a final outcome: delivered (on the phone), undeliverable (refused by the
network) or expired (the gateway gave up after its validity period). The part keeps its outcome; once
every part of the delivery has one, the delivery takes the worst: undeliverable if any part is, else
expired if any is, else delivered, with `receipt_at` the receipt's time and, for a failure, the reason in
`last_error`.

The rules, and why:

* Only a delivery that was sent moves on. A delivery the outbox still holds as `sending` counts as sent:
  the outbox writes the gateway's ids before it marks the row sent, and an id exists only for a message
  the gateway accepted, so a receipt can overtake the worker's `_mark_sent`. Such a receipt applies the
  outcome itself (`sending` → delivered/undeliverable/expired, `sent_at` filled in); `_mark_sent` moves
  only rows that are still `sending` and leaves it. Any other status (queued again, failed, skipped, or
  an outcome already) keeps the part's status and nothing else: a receipt never moves a delivery back.
* The first receipt of a part wins; a second one for it is a "duplicate" and changes nothing.
* An id nobody knows is "unknown": logged, and counted per gateway in this process
  (`unknown_receipts`), never stored. Gateways retry receipts we answer with an error, so junk must not
  be an error; and a table of junk is a table anyone who can post receipts can fill.
* Bad input (no id, an unknown status, an id longer than any stored) is "invalid", logged with the reason.

Several receipts of one delivery (the parts of a long SMS) may come at the same moment in different
processes. Each batch first locks the deliveries it touches (`FOR UPDATE`, in id order, as the outbox's
updates also take them, so no two batches deadlock); its second statement, which records the parts and
decides the outcome, then sees every part another batch recorded before it. One batch is two statements
whatever its size: `receipts_record` takes a list, `receipt_record` is a batch of one.
"""

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import Delivery, ProviderMessage

__all__ = [
    "ACCEPTED_STATUSES",
    "FAILED_AFTER_SENDING",
    "RECEIPT_STATUSES",
    "Receipt",
    "receipt_record",
    "receipts_record",
    "status_list_sql",
    "unknown_receipts",
]

logger = logging.getLogger(__name__)

S = Delivery.Status
# What a receipt may say.
RECEIPT_STATUSES = (S.DELIVERED, S.UNDELIVERABLE, S.EXPIRED)
# Accepted by the gateway, whatever its receipt said later: what the statistics count as sent.
ACCEPTED_STATUSES = (S.SENT, *RECEIPT_STATUSES)
# Sent, and then not delivered.
FAILED_AFTER_SENDING = (S.UNDELIVERABLE, S.EXPIRED)

RECORDED, DUPLICATE, UNKNOWN, INVALID = "recorded", "duplicate", "unknown", "invalid"

_GATEWAY_MAX = ProviderMessage._meta.get_field("gateway").max_length
_ID_MAX = ProviderMessage._meta.get_field("provider_id").max_length
_REASON_MAX = 1000  # as the outbox's last_error


def status_list_sql(statuses: Iterable[str]) -> str:
    """`('sent', 'delivered')`: statuses (the models' TextChoices, never input) as an SQL list."""
    return "(" + ", ".join(f"'{s}'" for s in statuses) + ")"


@dataclass(frozen=True)
class Receipt:
    """One delivery receipt: the gateway's id of a message part and what became of it."""

    gateway: str
    provider_id: str
    status: str
    at: datetime | None = None
    reason: str = ""


_unknown = Counter()
_unknown_lock = threading.Lock()


def unknown_receipts() -> dict[str, int]:
    """Receipts with an id nobody knows, per gateway, since this process started."""
    with _unknown_lock:
        return dict(_unknown)


def _count_unknown(gateway: str, provider_id: str) -> None:
    with _unknown_lock:
        _unknown[gateway] += 1
        n = _unknown[gateway]
    # Every one at debug level; a warning at 1, 10, 100, … so that a flood of junk does not flood the log.
    level = logging.WARNING if str(n).strip("0") == "1" else logging.DEBUG
    logger.log(
        level, "receipt for unknown id %r of gateway %r (%d unknown from it so far)", provider_id, gateway, n
    )


def _clean_text(value, limit: int) -> str:
    """A gateway's free text, without NUL (PostgreSQL refuses it in text) and cut to `limit`."""
    return str(value).replace("\x00", "")[:limit]


def _invalid(receipt) -> str:
    """Why `receipt` cannot be recorded ("" when it can)."""
    if not isinstance(receipt, Receipt):
        return f"not a receipt: {type(receipt).__name__}"
    if (
        not isinstance(receipt.gateway, str)
        or not receipt.gateway.strip()
        or len(receipt.gateway) > _GATEWAY_MAX
    ):
        return "no gateway name, or a longer one than any stored"
    if not isinstance(receipt.provider_id, str) or not receipt.provider_id.strip():
        return "no message id"
    if len(receipt.provider_id) > _ID_MAX or "\x00" in receipt.provider_id or "\x00" in receipt.gateway:
        return "a message id no gateway was given (too long, or with NUL)"
    if receipt.status not in RECEIPT_STATUSES:
        return f"unknown status {str(receipt.status)[:40]!r}"
    if receipt.at is not None and not isinstance(receipt.at, datetime):
        return "the time is not a datetime"
    return ""


def _as_receipt(item) -> Receipt | object:
    if isinstance(item, Mapping):
        try:
            return Receipt(**item)
        except TypeError:
            return item
    return item


def _when(at: datetime | None, now: datetime) -> datetime:
    """The receipt's time: naive means UTC (SMPP's "done date" has no zone); never after now (a gateway
    whose clock runs ahead must not put a receipt in the future)."""
    if at is None:
        return now
    if timezone.is_naive(at):
        at = at.replace(tzinfo=UTC)
    return min(at, now)


_LOCK = """
    SELECT d.id FROM alerts_delivery d
    WHERE d.id IN (
        SELECT p.delivery_id FROM alerts_providermessage p
        JOIN unnest(%(gateways)s::text[], %(pids)s::text[]) AS t(gateway, pid)
          ON p.gateway = t.gateway AND p.provider_id = t.pid
        WHERE p.status = ''
    )
    ORDER BY d.id
    FOR UPDATE OF d
"""

# One statement: record the parts (first receipt wins), read every part of their deliveries (this
# statement's new statuses over the ones stored), and move the deliveries whose parts are all final.
# Reason and time: the latest failure's reason of this batch, else what the row holds (a failing part
# whose receipt came earlier left its reason there); the latest receipt time of the batch.
_RECORD = f"""
    WITH t AS (
        SELECT * FROM unnest(%(gateways)s::text[], %(pids)s::text[], %(statuses)s::text[],
                             %(ats)s::timestamptz[], %(reasons)s::text[], %(ords)s::int[])
            AS t(gateway, pid, status, at, reason, ord)
    ),
    part AS (
        UPDATE alerts_providermessage p SET status = t.status
        FROM t
        WHERE p.gateway = t.gateway AND p.provider_id = t.pid AND p.status = ''
        RETURNING p.id, p.delivery_id, t.status, t.at, t.reason, t.ord
    ),
    parts AS (
        SELECT p.delivery_id, coalesce(part.status, p.status) AS status
        FROM alerts_providermessage p LEFT JOIN part ON part.id = p.id
        WHERE p.delivery_id IN (SELECT delivery_id FROM part)
    ),
    outcome AS (
        SELECT delivery_id,
               CASE WHEN bool_or(status = '{S.UNDELIVERABLE}') THEN '{S.UNDELIVERABLE}'
                    WHEN bool_or(status = '{S.EXPIRED}') THEN '{S.EXPIRED}'
                    ELSE '{S.DELIVERED}' END AS status
        FROM parts GROUP BY delivery_id
        HAVING bool_and(status <> '')
    ),
    latest AS (
        SELECT delivery_id, max(at) AS at,
               coalesce((array_agg(reason ORDER BY at DESC)
                         FILTER (WHERE status <> '{S.DELIVERED}' AND reason <> ''))[1], '') AS reason
        FROM part GROUP BY delivery_id
    ),
    moved AS (
        UPDATE alerts_delivery d SET
            status = coalesce(o.status, d.status),
            receipt_at = CASE WHEN o.status IS NULL THEN d.receipt_at ELSE l.at END,
            sent_at = CASE WHEN o.status IS NULL THEN d.sent_at
                           ELSE coalesce(d.sent_at, least(l.at, clock_timestamp())) END,
            last_error = CASE WHEN o.status = '{S.DELIVERED}' THEN ''
                              WHEN l.reason <> '' THEN l.reason
                              WHEN d.status = '{S.SENDING}' THEN ''
                              ELSE d.last_error END
        FROM latest l LEFT JOIN outcome o ON o.delivery_id = l.delivery_id
        WHERE d.id = l.delivery_id
          AND (d.status = '{S.SENT}' OR (d.status = '{S.SENDING}' AND o.status IS NOT NULL))
          AND (o.status IS NOT NULL OR l.reason <> '')
        RETURNING d.id
    )
    SELECT t.ord, p.id IS NOT NULL, part.id IS NOT NULL, (SELECT count(*) FROM moved)
    FROM t
    LEFT JOIN alerts_providermessage p ON p.gateway = t.gateway AND p.provider_id = t.pid
    LEFT JOIN part ON part.ord = t.ord
"""
# A failing part's reason goes to a `sent` row before the delivery is final (its other parts still out),
# so that the outcome has it when the last part comes; a `sending` row gets it only with its outcome,
# because `_mark_sent` clears last_error (a retry's old error) when it marks the row sent.


def receipts_record(receipts: Iterable) -> list[str]:
    """Record delivery receipts (`Receipt`s, or mappings with its fields), in one transaction; per receipt,
    in order: "recorded", "duplicate", "unknown" or "invalid". Safe from many processes at once."""
    items = [_as_receipt(r) for r in receipts]
    results = [INVALID] * len(items)
    now = timezone.now()
    seen: set[tuple[str, str]] = set()
    rows = []
    for i, r in enumerate(items):
        why = _invalid(r)
        if why:
            logger.warning("invalid delivery receipt: %s", why)
            continue
        key = (r.gateway, r.provider_id)
        if key in seen:  # the same id twice in one batch: the first one counts
            results[i] = DUPLICATE
            continue
        seen.add(key)
        rows.append((i, r))
    if rows:
        _record(rows, results, now)
    return results


def _record(rows: list[tuple[int, Receipt]], results: list[str], now: datetime) -> None:
    params = {
        "gateways": [r.gateway for _i, r in rows],
        "pids": [r.provider_id for _i, r in rows],
        "statuses": [str(r.status) for _i, r in rows],
        "ats": [_when(r.at, now) for _i, r in rows],
        "reasons": [_clean_text(r.reason or "", _REASON_MAX) for _i, r in rows],
        "ords": [i for i, _r in rows],
    }
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_LOCK, params)
        cur.execute(_RECORD, params)
        answers = cur.fetchall()
    for ordinal, known, recorded, _moved in answers:
        results[ordinal] = RECORDED if recorded else DUPLICATE if known else UNKNOWN
    for i, r in rows:
        if results[i] == UNKNOWN:
            _count_unknown(r.gateway, r.provider_id)


def receipt_record(
    *, gateway: str, provider_id: str, status: str, at: datetime | None = None, reason: str = ""
) -> str:
    """Record one delivery receipt: "recorded", "duplicate", "unknown" or "invalid" (see the module doc)."""
    return receipts_record([Receipt(gateway, provider_id, status, at, reason)])[0]
