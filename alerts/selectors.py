"""Reads for alerts: which alerts and tips a user sees, clipping a perimeter to the zone, an alert's thread
with what came back, how far its deliveries are (`alert_progress`), the alerts of a period. Who an alert
reaches is in recipients.py, the statistics in statistics.py, what a delivery receipt means in receipts.py.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import MultiPolygon
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from access.permissions import alert_scope, approval_scope, tips_scope
from areas.models import Network, PoliceZone
from areas.selectors import police_zone_part

from .models import Alert, AlertEvent, Delivery, Reaction, Tip, ZoneAlertPolicy
from .relay_selectors import reactions_hidden_from_police
from .statistics import delivery_summary, period_bounds

__all__ = [
    "PROGRESS_BUCKETS",
    "Clipped",
    "alert_follow_ups_possible",
    "alert_progress",
    "alert_thread",
    "alerts_awaiting_closing",
    "alerts_in_period",
    "alerts_visible",
    "follow_up_repeated",
    "perimeter_clip",
    "tips_for_alert",
    "tips_visible",
]

# Six decimals of a degree are 0.11 m: finer than any map shows an incident.
COORDINATE_DECIMALS = 6


def alerts_visible(*, user) -> QuerySet[Alert]:
    """The alerts of the police zones `user` acts for (access.permissions.alert_scope), newest first."""
    qs = Alert.objects.select_related("police_zone", "tip", "references").order_by("-created")
    scope = alert_scope(user)
    return qs if scope.everything else qs.filter(police_zone_id__in=scope.police_zones)


def tips_visible(*, user) -> QuerySet[Tip]:
    """The tips `user` reads (access.permissions.tips_scope): the national ones and their zones' own."""
    qs = Tip.objects.select_related("police_zone")
    scope = tips_scope(user)
    if scope.everything:
        return qs
    if not scope.police_zones and not scope.municipalities:
        return qs.none()
    return qs.filter(
        Q(police_zone__isnull=True)
        | Q(police_zone_id__in=scope.police_zones)
        | Q(police_zone__municipalities__in=scope.municipalities)
    ).distinct()


def tips_for_alert(*, police_zone_id: int) -> QuerySet[Tip]:
    """The tips an officer may put in an alert of the zone: its own and the national ones, active."""
    return Tip.objects.usable_in(police_zone_id).order_by("category", "title", "pk")


@dataclass
class Clipped:
    geom: MultiPolygon | None  # None: nothing of the perimeter lies in the zone
    requested_m2: float
    kept_m2: float

    @property
    def clipped_fraction(self) -> float:
        if not self.requested_m2:
            return 0.0
        return max(0.0, 1.0 - self.kept_m2 / self.requested_m2)


def perimeter_clip(*, perimeter: MultiPolygon, police_zone: PoliceZone) -> Clipped:
    """The part of `perimeter` inside the police zone, with both areas. A zone without a boundary cannot
    clip: the recipients are still limited to the networks of the zone, so the perimeter is used as drawn."""
    part, requested = police_zone_part(area=perimeter, police_zone=police_zone)
    return Clipped(part, requested, part.area if part is not None else 0.0)


def _minutes(start, end) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() // 60)


def alert_thread(*, alert: Alert) -> dict:
    """An original alert with its follow-ups (deliveries per status and channel, minutes after the alert)
    and its reactions (in time order, per BIN, with the minutes they came after the alert)."""
    thread = [alert, *alert.follow_ups.order_by("pk")]
    counts = {a.pk: dict.fromkeys(Delivery.Status.values, 0) for a in thread}
    channels: dict[int, dict[str, int]] = {a.pk: {} for a in thread}
    rows = Delivery.objects.filter(alert__in=thread).values_list("alert_id", "status", "channel")
    for alert_id, status, channel in rows:
        counts[alert_id][status] += 1
        channels[alert_id][channel] = channels[alert_id].get(channel, 0) + 1
    # Reactions to a coordinator's forward reach the police only when the coordinator passes them on.
    hidden = reactions_hidden_from_police(alert=alert)
    reactions = [
        r for r in Reaction.objects.filter(alert=alert).order_by("created_at", "pk") if r.pk not in hidden
    ]
    names = dict(
        Network.objects.filter(pk__in={n for r in reactions for n in r.network_ids}).values_list("pk", "name")
    )
    per_network: dict[str, dict[str, int]] = {}
    timeline = []
    for r in reactions:
        networks = [names[n] for n in r.network_ids if n in names]
        for name in networks:
            per_network.setdefault(name, dict.fromkeys(Reaction.Kind.values, 0))[r.kind] += 1
        timeline.append(
            {"reaction": r, "minutes": _minutes(alert.sent_at, r.created_at), "networks": networks}
        )
    return {
        "messages": [
            {
                "alert": a,
                "deliveries": counts[a.pk],
                "summary": delivery_summary(counts[a.pk]),
                "channels": channels[a.pk],
                "minutes": _minutes(alert.sent_at, a.sent_at),
            }
            for a in thread
        ],
        "timeline": timeline,
        "reactions_per_network": sorted(per_network.items()),
        "counts": {kind: sum(1 for r in reactions if r.kind == kind) for kind in Reaction.Kind.values},
    }


S = Delivery.Status
# The progress bar's buckets: what the police need to see while an alert goes out. The three ways a
# message did not arrive (refused before sending, refused by the network, given up) are one: failed.
PROGRESS_BUCKETS = {
    S.QUEUED: "queued",
    S.SENDING: "sending",
    S.SENT: "sent",
    S.DELIVERED: "delivered",
    S.FAILED: "failed",
    S.UNDELIVERABLE: "failed",
    S.EXPIRED: "failed",
    S.SKIPPED: "skipped",
}
PROGRESS_KEYS = ("queued", "sending", "sent", "delivered", "failed", "skipped")

# Per message of the thread (the alert and its follow-ups), counts per status by channel and by BIN, in
# one statement (grouping sets). A delivery through two BINs counts in both BINs' rows but once in its
# channel's (its first network, or none). `receipts_pending`: sent SMS with a part that has no receipt
# yet (only those probe alerts_providermessage); a gateway without receipts keeps no ids, so leaves none.
# E-mail is left out: its ids are kept for bounces, and no message says that an e-mail arrived.
_PROGRESS = f"""
    SELECT d.alert_id, max(a.msg_type), d.channel, n.nid, max(net.slug), max(net.name), d.status,
           GROUPING(n.nid) = 1 AS by_channel,
           count(*) FILTER (WHERE n.i IS NULL OR n.i = 1),
           count(*),
           count(*) FILTER (WHERE w.pending AND (n.i IS NULL OR n.i = 1))
    FROM alerts_delivery d
    JOIN alerts_alert a ON a.id = d.alert_id
    LEFT JOIN LATERAL unnest(d.network_ids) WITH ORDINALITY AS n(nid, i) ON true
    LEFT JOIN areas_network net ON net.id = n.nid
    LEFT JOIN LATERAL (
        SELECT true AS pending FROM alerts_providermessage p
        WHERE d.status = '{S.SENT}' AND d.channel = '{Delivery.Channel.SMS}'
          AND p.delivery_id = d.id AND p.status = '' LIMIT 1
    ) w ON true
    WHERE d.alert_id IN (SELECT id FROM alerts_alert WHERE id = %(alert)s OR references_id = %(alert)s)
    GROUP BY GROUPING SETS ((d.alert_id, d.channel, d.status), (d.alert_id, n.nid, d.status))
"""


def _progress_counts() -> dict:
    return {**dict.fromkeys(PROGRESS_KEYS, 0), "total": 0}


def _progress_add(counts: dict, status: str, n: int) -> None:
    counts[PROGRESS_BUCKETS.get(status, "failed")] += n
    counts["total"] += n


def _progress_message(alert_id: int, msg_type: str) -> dict:
    return {
        "id": alert_id,
        "msg_type": msg_type,
        "totals": _progress_counts(),
        "channels": {},
        "networks": {},
        "receipts_pending": 0,
    }


def _progress_finish(message: dict) -> dict:
    totals = message["totals"]
    message["done"] = totals["queued"] + totals["sending"] == 0
    message["channels"] = [
        {"channel": c, "label": str(Delivery.Channel(c).label), **counts}
        for c, counts in sorted(message["channels"].items())
    ]
    message["networks"] = [
        {"id": nid, "slug": slug, "name": name, **counts}
        for (nid, slug, name), counts in sorted(message["networks"].items(), key=lambda kv: kv[0][2] or "")
    ]
    return message


def alert_progress(*, alert: Alert) -> dict:
    """How far the deliveries of `alert` are: counts per progress bucket (PROGRESS_BUCKETS) in total, per
    channel and per BIN, whether it is done (nothing queued or sending), how many sent messages still
    wait for a delivery receipt; and the same for each of its follow-ups (under "follow_ups"), all in one
    statement. A follow-up's own progress has no follow-ups."""
    messages = {alert.pk: _progress_message(alert.pk, alert.msg_type)}
    with connection.cursor() as cur:
        cur.execute(_PROGRESS, {"alert": alert.pk})
        rows = cur.fetchall()
    for alert_id, msg_type, channel, nid, slug, name, status, by_channel, once, per_bin, pending in rows:
        message = messages.setdefault(alert_id, _progress_message(alert_id, msg_type))
        if by_channel:
            _progress_add(message["totals"], status, once)
            _progress_add(message["channels"].setdefault(channel, _progress_counts()), status, once)
            message["receipts_pending"] += pending
        elif nid is not None:
            _progress_add(
                message["networks"].setdefault((nid, slug, name), _progress_counts()), status, per_bin
            )
    own = _progress_finish(messages.pop(alert.pk))
    follow_ups = [_progress_finish(messages[pk]) for pk in sorted(messages)]
    for m in follow_ups:
        m.pop("networks")
    return {
        **own,
        "alert": own.pop("id"),
        "follow_ups": follow_ups,
        "all_done": own["done"] and all(m["done"] for m in follow_ups),
    }


def alerts_in_period(*, police_zone: PoliceZone, start: date, end: date) -> list[dict]:
    """The alerts the zone sent between two days (follow-ups not apart), with what came of each. Exercises
    are left out, as from the statistics (alerts.statistics)."""
    since, until = period_bounds(start, end)
    alerts = (
        Alert.objects.filter(
            police_zone=police_zone,
            msg_type=Alert.MsgType.ALERT,
            exercise=False,
            sent_at__gte=since,
            sent_at__lt=until,
        )
        .exclude(status=Alert.Status.DRAFT)
        .annotate(
            seen=Count("reactions", filter=Q(reactions__kind=Reaction.Kind.SEEN)),
            observations=Count("reactions", filter=Q(reactions__kind=Reaction.Kind.OBSERVATION)),
        )
        .annotate(location_4326=AsGeoJSON(Transform("location", 4326), precision=COORDINATE_DECIMALS))
        # The perimeter as the evaluation map draws it (helper "followups", issue 14).
        .annotate(perimeter_4326=AsGeoJSON(Transform("perimeter", 4326), precision=COORDINATE_DECIMALS))
        .defer("perimeter", "circle_center")
        .order_by("sent_at", "pk")
    )
    out = []
    for a in alerts:
        lon, lat = json.loads(a.location_4326)["coordinates"]
        out.append(
            {
                "id": a.pk,
                "lon": lon,
                "lat": lat,
                "category": a.category,
                "category_label": str(a.get_category_display()),
                "urgency": a.urgency,
                "status": a.status,
                "status_label": str(a.get_status_display()),
                "message": a.message,
                "sent_at": a.sent_at,
                "recipients": a.recipients,
                "outcome": a.outcome,
                "outcome_category": a.outcome_category,
                "outcome_category_label": str(a.get_outcome_category_display()) if a.outcome_category else "",
                "perimeter": json.loads(a.perimeter_4326),
                "reactions": {"seen": a.seen, "observation": a.observations},
            }
        )
    return out


def alerts_awaiting_closing(*, police_zone_ids: Iterable[int] | None, now: datetime) -> QuerySet[Alert]:
    """The urgent alerts still open BIN_ALERT_CLOSING_REMINDER_MINUTES after they went out: sent (not
    cancelled: the cancel told the members), with no closing message (feedback) yet; oldest first.
    police_zone_ids None: every zone's (the reminder task); the pages pass the zones the user acts for."""
    since = now - timedelta(minutes=settings.BIN_ALERT_CLOSING_REMINDER_MINUTES)
    closing = Alert.objects.filter(references=OuterRef("pk"), msg_type=Alert.MsgType.FEEDBACK)
    qs = (
        Alert.objects.filter(
            msg_type=Alert.MsgType.ALERT,
            urgency=Alert.Urgency.URGENT,
            status=Alert.Status.SENT,
            sent_at__lte=since,
        )
        .exclude(Exists(closing))
        .select_related("police_zone", "created_by")
        .order_by("sent_at", "pk")
    )
    if police_zone_ids is not None:
        qs = qs.filter(police_zone_id__in=list(police_zone_ids))
    return qs


# --- the police home (maps/views/home.py) --------------------------------------------------------------

__all__ += ["alerts_in_progress", "alerts_recent"]


def alerts_in_progress(*, user, since) -> QuerySet[Alert]:
    """The alerts `user` reads (alerts_visible) that are still running: sent since `since`, neither
    cancelled nor closed with a feedback message. Newest first; follow-ups are part of their alert."""
    return (
        alerts_visible(user=user)
        .filter(msg_type=Alert.MsgType.ALERT, status=Alert.Status.SENT, sent_at__gte=since)
        .exclude(follow_ups__msg_type=Alert.MsgType.FEEDBACK)
        .defer("perimeter", "circle_center")
        .order_by("-sent_at", "-pk")
    )


def alerts_recent(*, user, limit: int = 20) -> QuerySet[Alert]:
    """The last `limit` alerts (not follow-ups) `user` reads, drafts included, newest first."""
    return (
        alerts_visible(user=user)
        .filter(msg_type=Alert.MsgType.ALERT)
        .defer("perimeter", "circle_center")
        .order_by("-created", "-pk")[:limit]
    )


def alert_follow_ups_possible(*, alert: Alert) -> list[str]:
    """The follow-ups (Alert.MsgType values) that may still be sent to `alert`'s recipients, as
    alerts.services.alert_follow_up allows them: none before it is sent or after its closing message
    (feedback); only the closing message once it was cancelled."""
    if alert.references_id or alert.msg_type != Alert.MsgType.ALERT:
        return []
    if alert.follow_ups.filter(msg_type=Alert.MsgType.FEEDBACK).exists():
        return []
    if alert.status == Alert.Status.CANCELLED:
        return [Alert.MsgType.FEEDBACK]
    if alert.status == Alert.Status.SENT:
        return [Alert.MsgType.UPDATE, Alert.MsgType.CANCEL, Alert.MsgType.FEEDBACK]
    return []


def follow_up_repeated(*, alert: Alert, msg_type: str, message: str, after_id: int | None) -> Alert | None:
    """A follow-up of `alert` of this type and text sent since the page showed follow-up `after_id` (0 or
    None: none): the same form sent twice (a double click, a reload that posts again), not to send again."""
    return (
        alert.follow_ups.filter(msg_type=msg_type, message=message, pk__gt=after_id or 0)
        .order_by("-pk")
        .first()
    )


# --- four-eyes approval ----------------------------------------------------------------------------------

__all__ += ["alert_history", "alerts_awaiting_author", "alerts_pending_approval", "approval_required"]


def approval_required(*, police_zone_id: int) -> bool:
    """Whether the zone's alerts need a second officer's approval before they go out (ZoneAlertPolicy)."""
    return ZoneAlertPolicy.objects.filter(police_zone_id=police_zone_id, four_eyes=True).exists()


def alerts_pending_approval(*, user) -> QuerySet[Alert]:
    """The alerts waiting for approval that `user` may approve: of their police zones
    (access.permissions.approval_scope), not their own; oldest first (the longest wait on top)."""
    scope = approval_scope(user)
    if not scope.police_zones:
        return Alert.objects.none()
    return (
        Alert.objects.select_related("police_zone", "created_by")
        .filter(status=Alert.Status.PENDING, police_zone_id__in=scope.police_zones)
        .exclude(created_by_id=user.pk)
        .order_by("created", "pk")
    )


def alerts_awaiting_author(*, user) -> QuerySet[Alert]:
    """The author's own alerts that have not gone out: waiting for approval, or returned for changes."""
    return (
        alerts_visible(user=user)
        .filter(
            created_by_id=user.pk,
            msg_type=Alert.MsgType.ALERT,
            status__in=[Alert.Status.PENDING, Alert.Status.RETURNED],
        )
        .order_by("-created")
    )


def alert_history(*, alert: Alert) -> list[AlertEvent]:
    """Every state change and edit of `alert`, in the order they happened."""
    return list(alert.events.order_by("at", "pk"))
