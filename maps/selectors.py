"""Reads for the maps: areas by their public key, and geometry made light enough to draw in a browser."""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import Count, F, Func, Q, QuerySet, Value
from django.db.models.fields import FloatField
from django.utils import timezone

from areas.models import Municipality, Network, PoliceZone

__all__ = [
    "COORDINATE_DECIMALS",
    "DENSITY_CELL_M",
    "DENSITY_MIN_COUNT",
    "POPUP_FIELDS",
    "VERTEX_BUDGET",
    "DensityGrid",
    "DisplayLayers",
    "alerts_in_period",
    "area_layers_for_display",
    "display_tolerance_m",
    "member_density",
    "municipality_by_key",
    "network_statistics_in_period",
    "networks_in_municipality",
    "networks_in_police_zone",
    "period_bounds",
]

# Six decimals of a degree are 0.11 m of latitude (0.07 m of longitude in Belgium): finer than any BIN
# boundary is drawn, and each coordinate costs 9 characters instead of 17.
COORDINATE_DECIMALS = 6
# The display tolerance is the area's larger side divided by this: at the zoom that fits the area in a
# ~1000 px map one pixel covers size/1000 m, so size/3000 stays below a pixel two zoom levels closer.
TOLERANCE_DIVISOR = 3000
TOLERANCE_MIN_M, TOLERANCE_MAX_M = 0.5, 50.0
# At most this many positions on one map: ~24 bytes each in the page, so ~720 kB of a 1 MB budget.
VERTEX_BUDGET = 30_000
# What a popup or a list of networks shows; nothing else is read.
POPUP_FIELDS = ("slug", "name", "kind", "status", "contact_email", "published", "source_id")


class SimplifyPreserveTopology(Func):
    """ST_SimplifyPreserveTopology: Douglas-Peucker that never makes a polygon invalid or collapse."""

    function = "ST_SimplifyPreserveTopology"
    arity = 2


def display_tolerance_m(geometry: GEOSGeometry | None) -> float:
    """A simplification tolerance in metres for drawing the whole of `geometry` (storage CRS) on one map."""
    if geometry is None or geometry.empty:
        return TOLERANCE_MIN_M
    west, south, east, north = geometry.extent
    size = max(east - west, north - south)
    return min(max(size / TOLERANCE_DIVISOR, TOLERANCE_MIN_M), TOLERANCE_MAX_M)


def _display_geojson(field: str, tolerance_m: float) -> AsGeoJSON:
    # Simplify in the metric storage CRS, where the tolerance means metres; only then go to EPSG:4326.
    # Each polygon is simplified on its own, so neighbouring BINs may show slivers up to the tolerance
    # at their shared border; that is a display artefact, the stored geometry is untouched.
    geometry = F(field)
    if tolerance_m and tolerance_m > 0:
        geometry = SimplifyPreserveTopology(
            geometry,
            Value(float(tolerance_m), output_field=FloatField()),
            output_field=GeometryField(srid=settings.BIN_STORAGE_SRID),
        )
    return AsGeoJSON(Transform(geometry, 4326), precision=COORDINATE_DECIMALS)


def _network_features(*, networks: QuerySet[Network], tolerance_m: float) -> tuple[list[dict], bool]:
    rows = (
        # networks_visible() joins the municipality and zone: their boundaries would come along, per row.
        networks.select_related(None)
        .only(*POPUP_FIELDS)
        .annotate(display_geojson=_display_geojson("boundary", tolerance_m))
        .order_by("kind", "name", "pk")
    )
    features, demo = [], False
    for network in rows:
        demo = demo or bool(network.source_id and network.source_id.startswith("demo:"))
        features.append(
            {
                "type": "Feature",
                "id": network.slug,
                "geometry": json.loads(network.display_geojson),
                "properties": {
                    "slug": network.slug,
                    "name": network.name,
                    "kind": network.kind,
                    "kind_label": str(network.get_kind_display()),
                    "status": network.status,
                    "status_label": str(network.get_status_display()),
                    "contact_email": network.contact_email,
                    "published": network.published,
                },
            }
        )
    return features, demo


def _boundary(*, area: Municipality | PoliceZone, tolerance_m: float) -> dict | None:
    if area.boundary is None:
        return None
    text = (
        type(area)
        .objects.filter(pk=area.pk)
        .values_list(_display_geojson("boundary", tolerance_m), flat=True)
        .get()
    )
    return json.loads(text)


def vertex_count(geometry: dict | None) -> int:
    """The number of positions in a GeoJSON geometry."""
    if not geometry:
        return 0

    def count(coords) -> int:
        if coords and isinstance(coords[0], int | float):
            return 1
        return sum(count(c) for c in coords)

    return count(geometry["coordinates"])


@dataclass(frozen=True)
class DisplayLayers:
    """What an area map draws, in EPSG:4326: the area's outline and its networks as GeoJSON features."""

    boundary: dict | None
    features: list[dict]
    tolerance_m: float
    vertices: int
    # Some network comes from the demo fixtures (drawn from neighbourhoods, not a real BIN area).
    demo: bool


def area_layers_for_display(
    *, area: Municipality | PoliceZone, networks: QuerySet[Network], tolerance_m: float | None = None
) -> DisplayLayers:
    """The area's outline and networks simplified by the database for display.

    tolerance_m None: start from the area's size (display_tolerance_m) and double it while the drawing
    has more than VERTEX_BUDGET positions, so that a page stays light whatever was imported. A number
    (0: the stored geometry) is used as it is.
    """
    tolerance = display_tolerance_m(area.boundary) if tolerance_m is None else tolerance_m
    while True:
        boundary = _boundary(area=area, tolerance_m=tolerance)
        features, demo = _network_features(networks=networks, tolerance_m=tolerance)
        vertices = vertex_count(boundary) + sum(vertex_count(f["geometry"]) for f in features)
        if tolerance_m is not None or vertices <= VERTEX_BUDGET or tolerance >= TOLERANCE_MAX_M:
            return DisplayLayers(boundary, features, tolerance, vertices, demo)
        tolerance = min(tolerance * 2, TOLERANCE_MAX_M)


def networks_in_municipality(*, municipality: Municipality, networks: QuerySet[Network]) -> QuerySet[Network]:
    return networks.filter(municipality=municipality)


def networks_in_police_zone(*, police_zone: PoliceZone, networks: QuerySet[Network]) -> QuerySet[Network]:
    # A network names its zone itself; older imports only have it through their municipality. (Both are
    # foreign keys, so the OR cannot repeat a row: no DISTINCT, which would sort the big geometry column.)
    return networks.filter(Q(police_zone=police_zone) | Q(municipality__police_zone=police_zone))


def municipality_by_key(key: str) -> Municipality | None:
    """A municipality by NIS code (`23027`) or by the slug of one of its names (`halle`, `bruxelles`)."""
    key = key.strip().lower()
    if key.isdigit():
        return Municipality.objects.filter(nis_code=key).first()
    words = key.replace("-", " ")
    # bin_normalise (streets migration 0002) folds case and accents and turns other characters into
    # spaces: "Sint-Pieters-Leeuw" -> "sint pieters leeuw", the same words slugify() joins with dashes.
    matches = Q()
    for field in ("name_nl", "name_fr", "name_de"):
        matches |= Q(**{f"{field}_norm": words})
    return (
        Municipality.objects.annotate(
            **{f"{f}_norm": Func(F(f), function="bin_normalise") for f in ("name_nl", "name_fr", "name_de")}
        )
        .filter(matches)
        .order_by("nis_code")
        .first()
    )


# --- member density ----------------------------------------------------------------------------------

# The police map shows where members live as counts per square cell, never as points. A cell of 250 m
# holds a few streets; a cell with fewer than DENSITY_MIN_COUNT members is left out, so no shown number
# stands for one or two households that a neighbour could name.
DENSITY_CELL_M = 250
DENSITY_MIN_COUNT = 3


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


def member_density(
    *, police_zone: PoliceZone, cell_m: int = DENSITY_CELL_M, min_count: int = DENSITY_MIN_COUNT
) -> DensityGrid:
    """Counts of the members an alert of the zone could reach, per `cell_m` square; no member's position.

    The members are those the alerts reach: an approved membership in a live network of the zone
    (alerts.selectors.RECIPIENTS). Aggregated in PostGIS; only the cells' corners leave the database.
    """
    # ST_SnapToGrid in the metric storage CRS moves each point to the nearest multiple of cell_m, the
    # centre of its cell; ST_Expand by half a cell makes the square around it.
    sql = """
        WITH cells AS (
            SELECT ST_SnapToGrid(m.point, %(cell)s) AS centre, count(*) AS n
            FROM members_member m
            WHERE EXISTS (
                SELECT 1 FROM members_membership ms JOIN areas_network n ON n.id = ms.network_id
                WHERE ms.member_id = m.id AND ms.status = 'approved' AND n.police_zone_id = %(zone)s
                  AND n.status NOT IN ('suspended', 'dissolved'))
            GROUP BY 1
        )
        SELECT CASE WHEN n >= %(k)s
                    THEN ST_AsGeoJSON(ST_Transform(ST_Expand(centre, %(half)s), 4326), %(decimals)s) END,
               n
        FROM cells
        ORDER BY ST_Y(centre) DESC, ST_X(centre)
    """
    params = {"cell": float(cell_m), "half": cell_m / 2, "zone": police_zone.pk, "k": min_count}
    with connection.cursor() as cur:
        cur.execute(sql, {**params, "decimals": COORDINATE_DECIMALS})
        rows = cur.fetchall()
    cells, hidden = [], 0
    for geojson, count in rows:
        if geojson is None:
            hidden += count
            continue
        cells.append({"type": "Feature", "geometry": json.loads(geojson), "properties": {"count": count}})
    return DensityGrid(cells=cells, cell_m=cell_m, min_count=min_count, hidden=hidden)


# --- alerts of a period --------------------------------------------------------------------------------


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the service's time zone: both days are included."""
    tz = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def alerts_in_period(*, police_zone: PoliceZone, start: date, end: date) -> list[dict]:
    """The alerts the zone sent between two days (follow-ups not apart), with what came of each."""
    from alerts.models import Alert

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
            seen=Count("reactions", filter=Q(reactions__kind="seen")),
            observations=Count("reactions", filter=Q(reactions__kind="observation")),
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


def network_statistics_in_period(
    *, police_zone: PoliceZone, start: date | None = None, end: date | None = None
) -> list[dict]:
    """Per BIN, the statistics of alerts.selectors.alert_statistics()["networks"], for the alerts sent
    in a period (with their follow-ups, whenever those went out). No period: every alert of the zone.

    alert_statistics has no period; this is its per-network part with one more condition, and a test
    keeps the two equal when no period is given.
    """
    since, until = period_bounds(start, end) if start and end else (None, None)
    params = {"zone": police_zone.pk, "since": since, "until": until}
    # The threads (original alerts) of the period; a delivery or reaction belongs to its thread's root.
    roots = """
        SELECT id FROM alerts_alert
        WHERE police_zone_id = %(zone)s AND msg_type = 'alert' AND status <> 'draft'
          AND (%(since)s::timestamptz IS NULL OR sent_at >= %(since)s)
          AND (%(until)s::timestamptz IS NULL OR sent_at < %(until)s)
    """
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT nid,
                   count(DISTINCT d.alert_id) FILTER (WHERE a.msg_type = 'alert'),
                   count(*) FILTER (WHERE a.msg_type = 'alert'),
                   count(*) FILTER (WHERE d.status = 'failed'),
                   count(*) FILTER (WHERE d.status = 'sent')
            FROM alerts_delivery d
            JOIN alerts_alert a ON a.id = d.alert_id
            CROSS JOIN unnest(d.network_ids) AS nid
            WHERE coalesce(a.references_id, a.id) IN ({roots})
            GROUP BY nid
            """,
            params,
        )
        rows = {
            nid: {"alerts": al, "recipients": rc, "failed": fl, "sent": st, "outcomes": []}
            for nid, al, rc, fl, st in cur.fetchall()
        }
        reactions: dict[int, dict[str, int]] = {}
        cur.execute(
            f"""
            SELECT nid, r.kind, count(*)
            FROM alerts_reaction r CROSS JOIN unnest(r.network_ids) AS nid
            WHERE r.alert_id IN ({roots})
            GROUP BY 1, 2
            """,
            params,
        )
        for nid, kind, count in cur.fetchall():
            reactions.setdefault(nid, {})[kind] = count
            rows.setdefault(nid, {"alerts": 0, "recipients": 0, "failed": 0, "sent": 0, "outcomes": []})
        cur.execute(
            f"""
            SELECT DISTINCT nid, a.id, a.category, a.sent_at, a.outcome
            FROM alerts_alert a
            JOIN alerts_delivery d ON d.alert_id = a.id
            CROSS JOIN unnest(d.network_ids) AS nid
            WHERE a.id IN ({roots}) AND a.outcome <> ''
            ORDER BY a.sent_at
            """,
            params,
        )
        for nid, alert_id, category, sent_at, outcome in cur.fetchall():
            rows[nid]["outcomes"].append(
                {"alert": alert_id, "category": category, "sent_at": sent_at, "outcome": outcome}
            )
    networks = Network.objects.only("slug", "name").in_bulk(list(rows))
    return [
        {
            "id": nid,
            "slug": networks[nid].slug,
            "name": networks[nid].name,
            **row,
            "reactions": {
                "seen": reactions.get(nid, {}).get("seen", 0),
                "observation": reactions.get(nid, {}).get("observation", 0),
            },
        }
        for nid, row in sorted(rows.items(), key=lambda kv: networks[kv[0]].name if kv[0] in networks else "")
        if nid in networks
    ]
