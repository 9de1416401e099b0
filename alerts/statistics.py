"""What alerts reached and what came back, per police zone and per BIN: one implementation for the API
(/api/alerts/stats/) and the evaluation page, with or without a period.

A period selects threads: the original alerts sent in it, with their follow-ups, deliveries and reactions
whenever those came. Without a period every thread of the zones counts.

Sent means accepted by the gateway, whatever its delivery receipt said afterwards (alerts.receipts): a
delivered, undeliverable or expired message was sent. Beside it: delivered (the receipt says so), failed
(never accepted: the gateway refused it or we gave up) and failed after sending (undeliverable or expired).
A message sent through a gateway without receipts, and every e-mail, stays "sent"; so delivered is a lower
bound of what arrived, never a share of what was sent.
"""

from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from areas.models import Network, PoliceZone

from .models import Alert, AlertRelay, Delivery, Reaction
from .receipts import ACCEPTED_STATUSES, FAILED_AFTER_SENDING, status_list_sql

__all__ = ["NOT_CLOSED", "UNCATEGORISED", "alert_statistics", "delivery_summary", "period_bounds"]

ALERT, DRAFT, CANCELLED = Alert.MsgType.ALERT, Alert.Status.DRAFT, Alert.Status.CANCELLED

# The threads (original alerts) of the zones and the period; a delivery or reaction belongs to its root.
# Only alerts that went out (not a draft, nor one waiting for or returned from approval: no sent_at), and
# no exercise: an exercise and its follow-ups count nowhere in the statistics.
_ROOTS = f"""
    SELECT id FROM alerts_alert
    WHERE police_zone_id = ANY(%(zones)s) AND msg_type = '{ALERT}' AND status <> '{DRAFT}'
      AND sent_at IS NOT NULL AND NOT exercise
      AND (%(since)s::timestamptz IS NULL OR sent_at >= %(since)s)
      AND (%(until)s::timestamptz IS NULL OR sent_at < %(until)s)
"""
_THREAD = f"coalesce(a.references_id, a.id) IN ({_ROOTS})"
_NETWORK = "(%(network)s::bigint IS NULL OR nid = %(network)s)"

ZONES_SQL = f"""
    SELECT a.police_zone_id,
           count(*) FILTER (WHERE a.msg_type = '{ALERT}'),
           count(*) FILTER (WHERE a.msg_type <> '{ALERT}'),
           coalesce(sum(a.recipients) FILTER (WHERE a.msg_type = '{ALERT}'), 0),
           count(*) FILTER (WHERE a.status = '{CANCELLED}'),
           count(*) FILTER (WHERE a.outcome <> '' AND a.msg_type = '{ALERT}')
    FROM alerts_alert a WHERE {_THREAD}
    GROUP BY a.police_zone_id
"""
ZONE_DELIVERIES_SQL = f"""
    SELECT a.police_zone_id, d.status, count(*)
    FROM alerts_delivery d JOIN alerts_alert a ON a.id = d.alert_id
    WHERE {_THREAD} GROUP BY 1, 2
"""
ZONE_REACTIONS_SQL = f"""
    SELECT a.police_zone_id, r.kind, count(*)
    FROM alerts_reaction r JOIN alerts_alert a ON a.id = r.alert_id
    WHERE r.alert_id IN ({_ROOTS}) GROUP BY 1, 2
"""
# Per BIN: a member of two BINs counts in both; original alerts only for alerts and recipients.
NETWORKS_SQL = f"""
    SELECT nid,
           count(DISTINCT d.alert_id) FILTER (WHERE a.msg_type = '{ALERT}'),
           count(*) FILTER (WHERE a.msg_type = '{ALERT}'),
           count(*) FILTER (WHERE d.status = '{Delivery.Status.FAILED}'),
           count(*) FILTER (WHERE d.status IN {status_list_sql(ACCEPTED_STATUSES)}),
           count(*) FILTER (WHERE d.status = '{Delivery.Status.DELIVERED}'),
           count(*) FILTER (WHERE d.status IN {status_list_sql(FAILED_AFTER_SENDING)})
    FROM alerts_delivery d
    JOIN alerts_alert a ON a.id = d.alert_id
    CROSS JOIN unnest(d.network_ids) AS nid
    WHERE {_THREAD} AND {_NETWORK}
    GROUP BY nid
"""
NETWORK_REACTIONS_SQL = f"""
    SELECT nid, r.kind, count(*)
    FROM alerts_reaction r CROSS JOIN unnest(r.network_ids) AS nid
    WHERE r.alert_id IN ({_ROOTS}) AND {_NETWORK}
    GROUP BY 1, 2
"""
# How the threads ended, per outcome category of their closing message ('' : closed through the API
# without one); `closed`: a closing message was sent (it always has an outcome in words).
ZONE_OUTCOMES_SQL = f"""
    SELECT a.police_zone_id, a.outcome_category, a.outcome <> '' AS closed, count(*)
    FROM alerts_alert a WHERE a.id IN ({_ROOTS})
    GROUP BY 1, 2, 3
"""
NETWORK_OUTCOMES_SQL = f"""
    SELECT DISTINCT nid, a.id, a.category, a.sent_at, a.outcome, a.outcome_category
    FROM alerts_alert a
    JOIN alerts_delivery d ON d.alert_id = a.id
    CROSS JOIN unnest(d.network_ids) AS nid
    WHERE a.id IN ({_ROOTS}) AND a.outcome <> '' AND {_NETWORK}
    ORDER BY a.sent_at
"""

# Relay networks (alerts.relay): the messages that waited for a coordinator, per outcome, how many were
# edited and how many a second coordinator took over.
RELAYS_SQL = f"""
    SELECT a.police_zone_id, rl.network_id, rl.status, rl.edited, rl.taken_over, count(*)
    FROM alerts_alertrelay rl JOIN alerts_alert a ON a.id = rl.alert_id
    WHERE {_THREAD} AND (%(network)s::bigint IS NULL OR rl.network_id = %(network)s)
    GROUP BY 1, 2, 3, 4, 5
"""


def _relay_counts() -> dict[str, int]:
    return dict.fromkeys([*AlertRelay.Status.values, "edited", "taken_over"], 0)


def _add_relays(cur, params, zone_rows: dict, network_rows: dict, empty_network) -> None:
    cur.execute(RELAYS_SQL, params)
    for zone, nid, status, edited, taken_over, count in cur.fetchall():
        targets = [zone_rows.setdefault(zone, _zone_row()), network_rows.setdefault(nid, empty_network())]
        for row in targets:
            counts = row.setdefault("relays", _relay_counts())
            counts[status] += count
            counts["edited"] += count if edited else 0
            counts["taken_over"] += count if taken_over else 0


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the service's time zone: both days are included."""
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def delivery_summary(counts: dict[str, int]) -> dict[str, int]:
    """Deliveries counted per status (Delivery.Status values) as the statistics report them: sent
    (accepted, receipt or not), delivered, failed (never accepted), failed after sending, waiting, skipped."""
    return {
        "sent": sum(counts.get(s, 0) for s in ACCEPTED_STATUSES),
        "delivered": counts.get(Delivery.Status.DELIVERED, 0),
        "failed": counts.get(Delivery.Status.FAILED, 0),
        "failed_after_sending": sum(counts.get(s, 0) for s in FAILED_AFTER_SENDING),
        "waiting": counts.get(Delivery.Status.QUEUED, 0) + counts.get(Delivery.Status.SENDING, 0),
        "skipped": counts.get(Delivery.Status.SKIPPED, 0),
    }


def _reactions(counts: dict) -> dict:
    return {kind: counts.get(kind, 0) for kind in Reaction.Kind.values}


def _zone_rows(cur, params) -> dict[int, dict]:
    rows = {}
    cur.execute(ZONES_SQL, params)
    for zone, alerts, follow_ups, recipients, cancelled, with_outcome in cur.fetchall():
        rows[zone] = _zone_row(alerts, follow_ups, recipients, cancelled, with_outcome)
    cur.execute(ZONE_DELIVERIES_SQL, params)
    for zone, status, count in cur.fetchall():
        rows[zone]["deliveries"][status] = count
    for row in rows.values():
        row["delivery_summary"] = delivery_summary(row["deliveries"])
    cur.execute(ZONE_REACTIONS_SQL, params)
    for zone, kind, count in cur.fetchall():
        rows[zone]["reactions"][kind] = count
    cur.execute(ZONE_OUTCOMES_SQL, params)
    for zone, category, closed, count in cur.fetchall():
        key = (category or UNCATEGORISED) if closed else NOT_CLOSED
        rows[zone]["outcomes"][key] += count
    return rows


# The keys of a zone's "outcomes" besides Alert.Outcome's values: closed without a category (through the
# API), and not closed yet (no closing message; a cancelled alert without one too).
UNCATEGORISED, NOT_CLOSED = "uncategorised", "not_closed"


def _outcome_counts() -> dict[str, int]:
    return dict.fromkeys([*Alert.Outcome.values, UNCATEGORISED, NOT_CLOSED], 0)


def _zone_row(alerts=0, follow_ups=0, recipients=0, cancelled=0, with_outcome=0) -> dict:
    return {
        "alerts": alerts,
        "follow_ups": follow_ups,
        "recipients": recipients,
        "cancelled": cancelled,
        "with_outcome": with_outcome,
        "deliveries": dict.fromkeys(Delivery.Status.values, 0),
        "delivery_summary": delivery_summary({}),
        "reactions": _reactions({}),
        "outcomes": _outcome_counts(),
        "relays": _relay_counts(),
    }


def _network_rows(cur, params) -> tuple[dict[int, dict], object]:
    def empty():
        return {
            "alerts": 0,
            "recipients": 0,
            "failed": 0,
            "sent": 0,
            "delivered": 0,
            "failed_after_sending": 0,
            "reactions": {},
            "outcomes": [],
            "relays": _relay_counts(),
        }

    cur.execute(NETWORKS_SQL, params)
    rows = {
        nid: {
            **empty(),
            "alerts": al,
            "recipients": rc,
            "failed": fl,
            "sent": st,
            "delivered": dl,
            "failed_after_sending": fs,
        }
        for nid, al, rc, fl, st, dl, fs in cur
    }
    cur.execute(NETWORK_REACTIONS_SQL, params)
    for nid, kind, count in cur.fetchall():
        rows.setdefault(nid, empty())["reactions"][kind] = count
    cur.execute(NETWORK_OUTCOMES_SQL, params)
    for nid, alert_id, category, sent_at, outcome, outcome_category in cur.fetchall():
        rows[nid]["outcomes"].append(
            {
                "alert": alert_id,
                "category": category,
                "sent_at": sent_at,
                "outcome": outcome,
                "outcome_category": outcome_category,
            }
        )
    return rows, empty


def alert_statistics(
    *,
    police_zone_ids: list[int],
    network_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> dict:
    """Per police zone and per BIN: alerts sent, recipients, deliveries, reactions, outcomes (per zone also
    counted per outcome category, under "outcomes"), relayed messages ("relays"); of the
    threads sent between `start` and `end` (both days included) when given, else of all of them."""
    since, until = period_bounds(start, end) if start and end else (None, None)
    params = {"zones": list(police_zone_ids), "network": network_id, "since": since, "until": until}
    with connection.cursor() as cur:
        zone_rows = _zone_rows(cur, params)
        per_network, empty_network = _network_rows(cur, params)
        _add_relays(cur, params, zone_rows, per_network, empty_network)
    zones = PoliceZone.objects.in_bulk(list(police_zone_ids))
    networks = Network.objects.only("slug", "name").in_bulk(list(per_network))
    return {
        "police_zones": [
            {"id": z.pk, "number": z.number, "name": z.name, **zone_rows.get(z.pk, _zone_row())}
            for z in sorted(zones.values(), key=lambda z: z.name)
        ],
        "networks": [
            {
                "id": nid,
                "slug": networks[nid].slug,
                "name": networks[nid].name,
                **{k: v for k, v in row.items() if k != "reactions"},
                "reactions": _reactions(row["reactions"]),
            }
            for nid, row in sorted(
                per_network.items(), key=lambda kv: networks[kv[0]].name if kv[0] in networks else ""
            )
            if nid in networks
        ],
    }
