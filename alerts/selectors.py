"""Reads for alerts: clipping to the zone, recipients in one PostGIS statement, preview counts, statistics."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from areas.models import Network, PoliceZone
from members.permissions import police_zone_ids

from .models import Alert, Delivery

__all__ = [
    "Clipped",
    "Preview",
    "alert_statistics",
    "alerts_visible",
    "perimeter_clip",
    "recipients_preview",
    "recipients_resolve",
]


def alerts_visible(*, user) -> QuerySet[Alert]:
    """The alerts of the police zones `user` acts for (all of them for administrators)."""
    qs = Alert.objects.select_related("police_zone", "tip", "references")
    if user.is_superuser:
        return qs
    return qs.filter(police_zone_id__in=police_zone_ids(user))


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
    """The part of `perimeter` inside the police zone (ST_Intersection in PostGIS), with both areas."""
    with connection.cursor() as cur:
        # A zone without a boundary cannot be clipped against: the recipients are still limited to the
        # networks of the zone, so the perimeter is used as drawn.
        cur.execute(
            """
            SELECT ST_AsEWKB(CASE WHEN z.boundary IS NULL THEN p.g
                        ELSE ST_Multi(ST_CollectionExtract(ST_Intersection(p.g, z.boundary), 3)) END),
                   ST_Area(p.g)
            FROM areas_policezone z, (SELECT ST_GeomFromEWKB(%s) AS g) p
            WHERE z.id = %s
            """,
            [bytes(perimeter.ewkb), police_zone.pk],
        )
        ewkb, requested = cur.fetchone()
    geom = GEOSGeometry(memoryview(bytes(ewkb))) if ewkb is not None else None
    if geom is not None and geom.srid is None:
        geom.srid = perimeter.srid
    if geom is None or geom.empty:
        return Clipped(None, requested, 0.0)
    if not isinstance(geom, MultiPolygon):
        geom = MultiPolygon(geom, srid=geom.srid)
    return Clipped(geom, requested, geom.area)


# The recipients of a perimeter, as SQL: members whose point lies inside the perimeter and who have an
# approved membership in a live network of the police zone, once each (a member of two BINs is one
# row, with both networks), with the channel the urgency asks for and, for a non-urgent message, the end
# of the member's quiet hours when the message would arrive during them.
#
# The GiST index on the member points answers ST_Intersects against the constant perimeter (PostGIS
# caches it prepared); each member found brings its approved networks along (see below), so the statement
# costs little more than the spatial query alone (scripts/bench_alerts.py).
# The connections run with JIT compilation off (DATABASE_JIT in the settings): these statements' row
# estimates are large enough to trigger it, and compiling took 7 of the 8 seconds of a 20 km perimeter.
_QUIET = """
    CASE WHEN NOT %(urgent)s
              AND m.quiet_hours_start IS NOT NULL AND m.quiet_hours_end IS NOT NULL
              AND m.quiet_hours_start <> m.quiet_hours_end
              AND CASE WHEN m.quiet_hours_start < m.quiet_hours_end
                       THEN %(local_time)s >= m.quiet_hours_start AND %(local_time)s < m.quiet_hours_end
                       ELSE %(local_time)s >= m.quiet_hours_start OR %(local_time)s < m.quiet_hours_end END
         THEN ((%(local_date)s::date + CASE WHEN %(local_time)s < m.quiet_hours_end THEN 0 ELSE 1 END)
               + m.quiet_hours_end) AT TIME ZONE %(tz)s
    END
"""
_CHANNEL = """
    CASE WHEN m.mobile = '' AND m.email = '' THEN NULL
         WHEN (%(urgent)s AND m.mobile <> '') OR m.email = '' THEN 'sms'
         ELSE 'email' END
"""

RECIPIENTS = f"""
    SELECT m.id AS member_id, n.ids AS network_ids,
           {_CHANNEL} AS channel,
           {_QUIET} AS not_before
    FROM members_member m
    CROSS JOIN LATERAL (
        SELECT array_agg(x ORDER BY x) AS ids FROM unnest(m.alert_network_ids) AS x
        WHERE x IN (
            SELECT id FROM areas_network
            WHERE police_zone_id = %(zone)s AND status NOT IN ('suspended', 'dissolved')
        )
    ) n
    WHERE ST_Intersects(m.point, ST_GeomFromEWKB(%(perimeter)s)) AND n.ids IS NOT NULL
"""
# m.alert_network_ids are the member's approved memberships, kept by triggers (members migration 0003).
# Which of them are live networks of the zone is asked at send time: a primary-key lookup per network,
# memoized per distinct array (neighbours share theirs), so suspending a network needs no copying.


# Follow-ups reach the members of the original's deliveries, on the same channel, whatever their
# memberships say now; only an erased member (member_id NULL) drops out.
FOLLOW_UP_RECIPIENTS = f"""
    SELECT d.member_id, d.network_ids, d.channel, {_QUIET} AS not_before
    FROM alerts_delivery d
    JOIN members_member m ON m.id = d.member_id
    WHERE d.alert_id = %(original)s AND d.status <> 'skipped'
"""


def recipients_params(*, police_zone_id: int, perimeter: MultiPolygon, urgent: bool, now: datetime) -> dict:
    local = timezone.localtime(now)
    return {
        "zone": police_zone_id,
        "perimeter": bytes(perimeter.ewkb),
        "urgent": urgent,
        "local_time": local.time().replace(tzinfo=None),
        "local_date": local.date(),
        "tz": settings.TIME_ZONE,
    }


class Recipient(NamedTuple):
    # A tuple, not a frozen dataclass: 113,000 of them for a 20 km perimeter, three times as fast to make.
    member_id: int
    network_ids: tuple[int, ...]
    channel: str | None
    not_before: datetime | None


def recipients_resolve(
    *, police_zone_id: int, perimeter: MultiPolygon, urgent: bool, now: datetime | None = None
) -> list[Recipient]:
    """The members an alert with this perimeter reaches (channel None: no mobile and no e-mail)."""
    params = recipients_params(
        police_zone_id=police_zone_id, perimeter=perimeter, urgent=urgent, now=now or timezone.now()
    )
    with connection.cursor() as cur:
        cur.execute(RECIPIENTS, params)
        return [Recipient(m, tuple(n), c, t) for m, n, c, t in cur.fetchall()]


@dataclass
class Preview:
    total: int = 0
    channels: dict[str, int] = field(default_factory=dict)  # sms, email
    no_contact: int = 0  # members inside with neither a mobile number nor an e-mail address
    deferred: int = 0  # non-urgent messages held until the end of the member's quiet hours
    networks: list[dict] = field(default_factory=list)  # per BIN: id, name, slug, kind, total, sms, email


def recipients_preview(
    *, police_zone_id: int, perimeter: MultiPolygon, urgent: bool, now: datetime | None = None
) -> Preview:
    """How many members a perimeter reaches, per BIN and per channel, in one statement; no names."""
    params = recipients_params(
        police_zone_id=police_zone_id, perimeter=perimeter, urgent=urgent, now=now or timezone.now()
    )
    sql = f"""
        WITH r AS ({RECIPIENTS})
        SELECT 'network', nid, r.channel, count(*) FROM r CROSS JOIN unnest(r.network_ids) AS nid
            WHERE r.channel IS NOT NULL GROUP BY nid, r.channel
        UNION ALL
        SELECT 'channel', NULL, r.channel, count(*) FROM r GROUP BY r.channel
        UNION ALL
        SELECT 'deferred', NULL, NULL, count(*) FROM r
            WHERE r.channel IS NOT NULL AND r.not_before IS NOT NULL
    """
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    preview = Preview(channels={"sms": 0, "email": 0})
    per_network: dict[int, dict[str, int]] = {}
    for kind, nid, channel, count in rows:
        if kind == "network":
            per_network.setdefault(nid, {"sms": 0, "email": 0})[channel] = count
        elif kind == "channel":
            if channel is None:
                preview.no_contact = count
            else:
                preview.channels[channel] = count
        else:
            preview.deferred = count
    preview.total = sum(preview.channels.values())
    networks = Network.objects.in_bulk(list(per_network))
    for nid, counts in sorted(per_network.items(), key=lambda kv: networks[kv[0]].name):
        n = networks[nid]
        preview.networks.append(
            {
                "id": n.pk,
                "slug": n.slug,
                "name": n.name,
                "kind": n.kind,
                "total": counts["sms"] + counts["email"],
                **counts,
            }
        )
    return preview


def alert_statistics(*, police_zone_ids: list[int], network_id: int | None = None) -> dict:
    """Per police zone and per BIN: alerts sent, recipients, failed deliveries, reactions, outcomes."""
    zone_rows = {}
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT a.police_zone_id,
                   count(*) FILTER (WHERE a.msg_type = 'alert'),
                   count(*) FILTER (WHERE a.msg_type <> 'alert'),
                   coalesce(sum(a.recipients) FILTER (WHERE a.msg_type = 'alert'), 0),
                   count(*) FILTER (WHERE a.status = 'cancelled'),
                   count(*) FILTER (WHERE a.outcome <> '' AND a.msg_type = 'alert')
            FROM alerts_alert a
            WHERE a.police_zone_id = ANY(%(zones)s) AND a.status <> 'draft'
            GROUP BY a.police_zone_id
            """,
            {"zones": police_zone_ids},
        )
        for zone, alerts, follow_ups, recipients, cancelled, with_outcome in cur.fetchall():
            zone_rows[zone] = {
                "alerts": alerts,
                "follow_ups": follow_ups,
                "recipients": recipients,
                "cancelled": cancelled,
                "with_outcome": with_outcome,
                "deliveries": dict.fromkeys(Delivery.Status.values, 0),
                "reactions": {"seen": 0, "observation": 0},
            }
        cur.execute(
            """
            SELECT a.police_zone_id, d.status, count(*)
            FROM alerts_delivery d JOIN alerts_alert a ON a.id = d.alert_id
            WHERE a.police_zone_id = ANY(%(zones)s) GROUP BY 1, 2
            """,
            {"zones": police_zone_ids},
        )
        for zone, status, count in cur.fetchall():
            zone_rows[zone]["deliveries"][status] = count
        cur.execute(
            """
            SELECT a.police_zone_id, r.kind, count(*)
            FROM alerts_reaction r JOIN alerts_alert a ON a.id = r.alert_id
            WHERE a.police_zone_id = ANY(%(zones)s) GROUP BY 1, 2
            """,
            {"zones": police_zone_ids},
        )
        for zone, kind, count in cur.fetchall():
            zone_rows[zone]["reactions"][kind] = count

        # Per BIN: a member of two BINs counts in both; original alerts only for alerts and recipients.
        cur.execute(
            """
            SELECT nid,
                   count(DISTINCT d.alert_id) FILTER (WHERE a.msg_type = 'alert'),
                   count(*) FILTER (WHERE a.msg_type = 'alert'),
                   count(*) FILTER (WHERE d.status = 'failed'),
                   count(*) FILTER (WHERE d.status = 'sent')
            FROM alerts_delivery d
            JOIN alerts_alert a ON a.id = d.alert_id
            CROSS JOIN unnest(d.network_ids) AS nid
            WHERE a.police_zone_id = ANY(%(zones)s) AND (%(network)s::bigint IS NULL OR nid = %(network)s)
            GROUP BY nid
            """,
            {"zones": police_zone_ids, "network": network_id},
        )
        per_network = {
            nid: {"alerts": al, "recipients": rc, "failed": fl, "sent": st, "reactions": {}, "outcomes": []}
            for nid, al, rc, fl, st in cur.fetchall()
        }
        cur.execute(
            """
            SELECT nid, r.kind, count(*)
            FROM alerts_reaction r
            JOIN alerts_alert a ON a.id = r.alert_id
            CROSS JOIN unnest(r.network_ids) AS nid
            WHERE a.police_zone_id = ANY(%(zones)s) AND (%(network)s::bigint IS NULL OR nid = %(network)s)
            GROUP BY 1, 2
            """,
            {"zones": police_zone_ids, "network": network_id},
        )
        for nid, kind, count in cur.fetchall():
            per_network.setdefault(
                nid, {"alerts": 0, "recipients": 0, "failed": 0, "sent": 0, "reactions": {}, "outcomes": []}
            )["reactions"][kind] = count
        cur.execute(
            """
            SELECT DISTINCT nid, a.id, a.category, a.sent_at, a.outcome
            FROM alerts_alert a
            JOIN alerts_delivery d ON d.alert_id = a.id
            CROSS JOIN unnest(d.network_ids) AS nid
            WHERE a.police_zone_id = ANY(%(zones)s) AND a.msg_type = 'alert' AND a.outcome <> ''
              AND (%(network)s::bigint IS NULL OR nid = %(network)s)
            ORDER BY a.sent_at
            """,
            {"zones": police_zone_ids, "network": network_id},
        )
        for nid, alert_id, category, sent_at, outcome in cur.fetchall():
            per_network[nid]["outcomes"].append(
                {"alert": alert_id, "category": category, "sent_at": sent_at, "outcome": outcome}
            )
    zones = PoliceZone.objects.in_bulk(police_zone_ids)
    networks = Network.objects.in_bulk(list(per_network))
    empty = {
        "alerts": 0,
        "follow_ups": 0,
        "recipients": 0,
        "cancelled": 0,
        "with_outcome": 0,
        "deliveries": dict.fromkeys(Delivery.Status.values, 0),
        "reactions": {"seen": 0, "observation": 0},
    }
    return {
        "police_zones": [
            {"id": z.pk, "number": z.number, "name": z.name, **zone_rows.get(z.pk, empty)}
            for z in sorted(zones.values(), key=lambda z: z.name)
        ],
        "networks": [
            {
                "id": nid,
                "slug": networks[nid].slug,
                "name": networks[nid].name,
                **{k: v for k, v in row.items() if k != "reactions"},
                "reactions": {
                    "seen": row["reactions"].get("seen", 0),
                    "observation": row["reactions"].get("observation", 0),
                },
            }
            for nid, row in sorted(per_network.items(), key=lambda kv: networks[kv[0]].name)
            if nid in networks
        ],
    }
