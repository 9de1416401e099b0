"""Reads for alerts: which alerts and tips a user sees, clipping a perimeter to the zone, an alert's thread
with what came back, the alerts of a period. Who an alert reaches is in recipients.py, the statistics in
statistics.py.
"""

import json
from dataclasses import dataclass
from datetime import date

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import MultiPolygon
from django.db.models import Count, Q, QuerySet

from access.permissions import alert_scope, tips_scope
from areas.models import Network, PoliceZone
from areas.selectors import police_zone_part

from .models import Alert, Delivery, Reaction, Tip
from .statistics import period_bounds

__all__ = [
    "Clipped",
    "alert_thread",
    "alerts_in_period",
    "alerts_visible",
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
    reactions = list(Reaction.objects.filter(alert=alert).order_by("created_at", "pk"))
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
                "channels": channels[a.pk],
                "minutes": _minutes(alert.sent_at, a.sent_at),
            }
            for a in thread
        ],
        "timeline": timeline,
        "reactions_per_network": sorted(per_network.items()),
        "counts": {kind: sum(1 for r in reactions if r.kind == kind) for kind in Reaction.Kind.values},
    }


def alerts_in_period(*, police_zone: PoliceZone, start: date, end: date) -> list[dict]:
    """The alerts the zone sent between two days (follow-ups not apart), with what came of each."""
    since, until = period_bounds(start, end)
    alerts = (
        Alert.objects.filter(
            police_zone=police_zone,
            msg_type=Alert.MsgType.ALERT,
            sent_at__gte=since,
            sent_at__lt=until,
        )
        .exclude(status=Alert.Status.DRAFT)
        .annotate(
            seen=Count("reactions", filter=Q(reactions__kind=Reaction.Kind.SEEN)),
            observations=Count("reactions", filter=Q(reactions__kind=Reaction.Kind.OBSERVATION)),
        )
        .annotate(location_4326=AsGeoJSON(Transform("location", 4326), precision=COORDINATE_DECIMALS))
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
                "reactions": {"seen": a.seen, "observation": a.observations},
            }
        )
    return out
