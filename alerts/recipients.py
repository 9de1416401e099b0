"""Who an alert reaches: the recipients of a perimeter (in one PostGIS statement, for the outbox and the
preview), the recipients of a follow-up, and the members per square of a zone for the police map.

The members' side of these statements comes from members.reach; this module adds what an alert decides:
the channel for the urgency and the quiet hours.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon
from django.db import connection
from django.utils import timezone

from areas.models import Network
from members.reach import contacts_join_sql, push_subscribed_sql, reachable_sql

from .models import Delivery

__all__ = [
    "DENSITY_CELL_M",
    "DENSITY_MIN_COUNT",
    "FOLLOW_UP_RECIPIENTS",
    "RECIPIENTS",
    "RECIPIENTS_WITH_PUSH",
    "DensityGrid",
    "Preview",
    "Recipient",
    "reach_density",
    "recipients_params",
    "recipients_preview",
    "recipients_resolve",
]

# The recipients of a perimeter, as SQL: the members an alert of the police zone reaches (members.reach:
# an approved membership in a live network of the zone) whose point lies inside the perimeter, once each
# (a member of two BINs is one row, with both networks), with the channel the urgency asks for and, for a
# non-urgent message, the end of the member's quiet hours when the message would arrive during them.
#
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
# An urgent alert calls the landline (text-to-speech) of a member who chose calls, or who has a landline
# and no mobile to take an SMS (none, or they replied STOP); everything else is SMS when urgent, e-mail
# otherwise, as before. A member who left SMS alerts counts as having no mobile.
_SMS_OK = "(m.mobile <> '' AND NOT m.sms_opt_out)"
_CHANNEL = f"""
    CASE WHEN %(urgent)s AND m.landline <> '' AND (m.voice_calls OR NOT {_SMS_OK})
              THEN '{Delivery.Channel.VOICE}'
         WHEN NOT {_SMS_OK} AND m.email = '' THEN NULL
         WHEN (%(urgent)s AND {_SMS_OK}) OR m.email = '' THEN '{Delivery.Channel.SMS}'
         ELSE '{Delivery.Channel.EMAIL}' END
"""

# An exercise (Alert.exercise) reaches only the members who opted in to exercises (coordinators who are
# members of their BIN included): the same members otherwise, so an exercise tests the real path.
_EXERCISE = "(NOT %(exercise)s OR m.exercise_opt_in)"

RECIPIENTS = f"""
    SELECT m.member_id, m.network_ids, {_CHANNEL} AS channel, {_QUIET} AS not_before
    FROM ({reachable_sql(area="ST_GeomFromEWKB(%(perimeter)s)")}) m
    WHERE {_EXERCISE}
"""

# The outbox of a new alert: RECIPIENTS, and a push notification (Delivery.Channel.PUSH) IN ADDITION for every
# recipient with a Web Push subscription (members.PushSubscription), whatever their other channel. A push
# costs nothing and usually arrives first, but a phone may be off or the subscription stale, so it never
# replaces the SMS or e-mail (urgent still gets its SMS); a member with a subscription and neither mobile
# nor e-mail is reached by push alone. The push keeps the row's quiet hours (it would ring the phone too).
# Follow-ups need nothing of this: FOLLOW_UP_RECIPIENTS repeats the original's rows, push rows included.
# The preview (recipients_preview) counts members per channel from RECIPIENTS, without the extra push.
RECIPIENTS_WITH_PUSH = f"""
    SELECT r.member_id, r.network_ids, c.channel, r.not_before
    FROM ({RECIPIENTS}) r
    CROSS JOIN LATERAL (
        VALUES (r.channel),
               (CASE WHEN {push_subscribed_sql(member="r.member_id")} THEN '{Delivery.Channel.PUSH}' END)
    ) c(channel)
"""

# Follow-ups reach the members of the original's deliveries, on the same channel, whatever their
# memberships say now; only an erased member (member_id NULL) drops out. Members a coordinator forwarded
# the original to (Delivery.relay) hear of it through the coordinator again (alerts.relay.relays_follow).
FOLLOW_UP_RECIPIENTS = f"""
    SELECT d.member_id, d.network_ids, d.channel, {_QUIET} AS not_before
    FROM alerts_delivery d
    {contacts_join_sql(on="d.member_id")}
    WHERE d.alert_id = %(original)s AND d.status <> '{Delivery.Status.SKIPPED}' AND d.relay_id IS NULL
"""


def recipients_params(
    *, police_zone_id: int, perimeter: MultiPolygon, urgent: bool, now: datetime, exercise: bool = False
) -> dict:
    local = timezone.localtime(now)
    return {
        "zone": police_zone_id,
        "perimeter": bytes(perimeter.ewkb),
        "urgent": urgent,
        "exercise": exercise,
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
    *,
    police_zone_id: int,
    perimeter: MultiPolygon,
    urgent: bool,
    now: datetime | None = None,
    exercise: bool = False,
) -> list[Recipient]:
    """The members an alert with this perimeter reaches (channel None: no mobile and no e-mail); an
    exercise only those who opted in to exercises."""
    params = recipients_params(
        police_zone_id=police_zone_id,
        perimeter=perimeter,
        urgent=urgent,
        now=now or timezone.now(),
        exercise=exercise,
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
    # Per BIN: id, name, slug, kind, total, sms, email; every live network of the zone that the perimeter
    # touches (0 when it reaches none of its members) and every network it reaches.
    networks: list[dict] = field(default_factory=list)


def recipients_preview(
    *,
    police_zone_id: int,
    perimeter: MultiPolygon,
    urgent: bool,
    now: datetime | None = None,
    exercise: bool = False,
) -> Preview:
    """How many members a perimeter reaches, per BIN and per channel; no names. The exact counts: what the
    police are shown of them is alerts.preview's. An exercise counts those who opted in to exercises."""
    params = recipients_params(
        police_zone_id=police_zone_id,
        perimeter=perimeter,
        urgent=urgent,
        now=now or timezone.now(),
        exercise=exercise,
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
    # Every live network of the zone the perimeter touches has its row, reached or not: which rows there
    # are then follows from the map, not from where members live (alerts.preview hides the small counts).
    touched = Network.objects.live().in_police_zones([police_zone_id]).filter(boundary__intersects=perimeter)
    for nid in touched.values_list("pk", flat=True):
        per_network.setdefault(nid, {"sms": 0, "email": 0})
    networks = Network.objects.in_bulk(list(per_network))
    for nid, counts in sorted(per_network.items(), key=lambda kv: (networks[kv[0]].name, kv[0])):
        n = networks[nid]
        preview.networks.append(
            {
                "id": n.pk,
                "slug": n.slug,
                "name": n.name,
                "kind": n.kind,
                "total": sum(counts.values()),
                **counts,
            }
        )
    return preview


# --- member density ----------------------------------------------------------------------------------

# The police map shows where members live as counts per square cell, never as points. A cell of 250 m
# holds a few streets; a cell with fewer than DENSITY_MIN_COUNT members is left out, so no shown number
# stands for one or two households that a neighbour could name.
DENSITY_CELL_M = 250
DENSITY_MIN_COUNT = 3
# Six decimals of a degree are 0.11 m: finer than any square is drawn.
DENSITY_DECIMALS = 6


@dataclass(frozen=True)
class DensityGrid:
    """Members per cell of the police zone, as GeoJSON squares in EPSG:4326 with a `count` property."""

    cells: list[dict]
    cell_m: int
    min_count: int
    # Members in cells below min_count: counted in no cell, only in this total.
    hidden: int

    @property
    def shown(self) -> int:
        return sum(c["properties"]["count"] for c in self.cells)


# ST_SnapToGrid in the metric storage CRS moves each point to the nearest multiple of cell_m, the centre of
# its cell; ST_Expand by half a cell makes the square around it. Only the cells' corners leave the database.
DENSITY_SQL = f"""
    WITH cells AS (
        SELECT ST_SnapToGrid(m.point, %(cell)s) AS centre, count(*) AS n
        FROM ({reachable_sql()}) m
        GROUP BY 1
    )
    SELECT CASE WHEN n >= %(k)s
                THEN ST_AsGeoJSON(ST_Transform(ST_Expand(centre, %(half)s), 4326), %(decimals)s) END,
           n
    FROM cells
    ORDER BY ST_Y(centre) DESC, ST_X(centre)
"""


def reach_density(
    *, police_zone_id: int, cell_m: int = DENSITY_CELL_M, min_count: int = DENSITY_MIN_COUNT
) -> DensityGrid:
    """Counts of the members an alert of the zone could reach, per `cell_m` square; no member's position."""
    params = {"cell": float(cell_m), "half": cell_m / 2, "zone": police_zone_id, "k": min_count}
    with connection.cursor() as cur:
        cur.execute(DENSITY_SQL, {**params, "decimals": DENSITY_DECIMALS})
        rows = cur.fetchall()
    cells, hidden = [], 0
    for geojson, count in rows:
        if geojson is None:
            hidden += count
            continue
        cells.append({"type": "Feature", "geometry": json.loads(geojson), "properties": {"count": count}})
    return DensityGrid(cells=cells, cell_m=cell_m, min_count=min_count, hidden=hidden)
