"""Reads on members, memberships, counts and proposals; who may see which networks' members."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import connection
from django.db.models import Count, Q, QuerySet

from areas.geometry import to_wgs84
from areas.models import Municipality, Network

from .models import AccessLog, Member, Membership, NetworkProposal
from .permissions import coordinated_network_ids, municipality_ids, police_zone_ids

__all__ = [
    "DerivedArea",
    "area_from_streets",
    "member_export_data",
    "memberships_pending",
    "network_member_counts",
    "network_members",
    "networks_coordinated",
    "networks_with_counts",
    "proposals_visible",
]

# A derived area: a corridor of AREA_MARGIN_M around each street (the concave hull of its address points, or
# its line when it has no addresses), the corridors merged with a closing of AREA_CLOSE_M (grow, then shrink)
# so that neighbouring streets join, and the blocks the streets enclose filled in (holes dropped).
AREA_MARGIN_M = 30
AREA_CLOSE_M = 25
AREA_MIN_PIECE_M2 = 200


def networks_coordinated(*, user) -> QuerySet[Network]:
    """The networks whose members `user` manages: their own, or all of them for an administrator."""
    qs = Network.objects.select_related("municipality")
    if user.is_superuser:
        return qs
    return qs.filter(pk__in=coordinated_network_ids(user))


def memberships_pending(*, user) -> QuerySet[Membership]:
    """Requests waiting for `user`'s decision, oldest first."""
    return (
        Membership.objects.filter(
            network__in=networks_coordinated(user=user), status=Membership.Status.PENDING
        )
        .select_related("member", "member__address", "network")
        .order_by("requested_at", "pk")
    )


def network_members(*, network: Network, statuses: list[str] | None = None) -> QuerySet[Membership]:
    """The memberships of one network with their members, by name; all statuses unless given."""
    qs = Membership.objects.filter(network=network).select_related("member", "member__address")
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("member__name", "pk")


def networks_with_counts(*, user) -> QuerySet[Network]:
    """Networks whose member counts `user` may see: coordinated, of their police zone or municipality."""
    qs = Network.objects.select_related("municipality", "police_zone").order_by(
        "municipality__name_nl", "name"
    )
    if user.is_superuser:
        return qs
    zones = police_zone_ids(user)
    return qs.filter(
        Q(pk__in=coordinated_network_ids(user))
        | Q(police_zone_id__in=zones)
        | Q(police_zone__isnull=True, municipality__police_zone_id__in=zones)
        | Q(municipality_id__in=municipality_ids(user))
    )


def network_member_counts(*, networks) -> dict[int, dict]:
    """Per network id: approved and pending members, and approved members per channel. One query."""
    approved = Q(status=Membership.Status.APPROVED)
    rows = (
        Membership.objects.filter(network__in=networks)
        .values("network_id")
        .annotate(
            approved=Count("pk", filter=approved),
            pending=Count("pk", filter=Q(status=Membership.Status.PENDING)),
            sms=Count("pk", filter=approved & ~Q(member__mobile="")),
            email=Count("pk", filter=approved & ~Q(member__email="")),
            voice=Count("pk", filter=approved & ~Q(member__landline="")),
        )
    )
    empty = {"approved": 0, "pending": 0, "channels": {"sms": 0, "email": 0, "voice": 0}}
    counts = {
        n.pk if isinstance(n, Network) else n: {**empty, "channels": {**empty["channels"]}} for n in networks
    }
    for row in rows:
        counts[row["network_id"]] = {
            "approved": row["approved"],
            "pending": row["pending"],
            "channels": {"sms": row["sms"], "email": row["email"], "voice": row["voice"]},
        }
    return counts


def proposals_visible(*, user) -> QuerySet[NetworkProposal]:
    """Proposals for new BINs that `user` may see: their municipality's, their police zone's, or all."""
    qs = NetworkProposal.objects.select_related("municipality", "network").prefetch_related("streets")
    qs = qs.order_by("-created")
    if user.is_superuser:
        return qs
    return qs.filter(
        Q(municipality_id__in=municipality_ids(user))
        | Q(municipality__police_zone_id__in=police_zone_ids(user))
    )


def _iso(value):
    return value.isoformat() if value else None


def member_export_data(*, member: Member) -> dict:
    """Everything stored about a member, as JSON-ready data (the GDPR right of access)."""
    point = to_wgs84(member.point)
    memberships = member.memberships.select_related("network").order_by("pk")
    log = AccessLog.objects.filter(member_id=member.pk).select_related("user").order_by("at", "pk")
    networks = dict(
        Network.objects.filter(pk__in={e.network_id for e in log if e.network_id}).values_list("pk", "name")
    )
    return {
        "member": {
            "id": str(member.public_id),
            "kind": member.kind,
            "name": member.name,
            "business_name": member.business_name,
            "business_type": member.business_type,
            "contact_person": member.contact_person,
            "address": member.address_text,
            "register_address": str(member.address) if member.address_id else None,
            "register_address_id": member.address.source_id if member.address_id else None,
            "position": {"type": "Point", "coordinates": [round(point.x, 7), round(point.y, 7)]},
            "address_unverified": member.address_unverified,
            "mobile": member.mobile,
            "email": member.email,
            "pending_email": member.pending_email,
            "landline": member.landline,
            "language": member.language,
            "quiet_hours": {
                "from": member.quiet_hours_start.isoformat() if member.quiet_hours_start else None,
                "until": member.quiet_hours_end.isoformat() if member.quiet_hours_end else None,
            },
            "email_confirmed_at": _iso(member.email_confirmed_at),
            "consent": {"at": _iso(member.consent_at), "version": member.consent_version},
            "registered_by_coordinator": member.registered_by_id is not None,
            "created": _iso(member.created),
            "updated": _iso(member.updated),
        },
        "memberships": [
            {
                "network": m.network.name,
                "network_slug": m.network.slug,
                "status": m.status,
                "requested_at": _iso(m.requested_at),
                "decided_at": _iso(m.decided_at),
                "reason": m.reason,
            }
            for m in memberships
        ],
        "access_log": [
            {
                "at": _iso(e.at),
                "action": e.action,
                "by": (e.user.get_full_name() or e.user.username) if e.user else None,
                "network": networks.get(e.network_id),
                "members_in_view": e.count,
                "reason": e.reason,
            }
            for e in log
        ],
    }


@dataclass
class DerivedArea:
    """An area derived from streets, and the existing BINs whose parts were left out of it."""

    boundary: MultiPolygon | None
    left_out: list[str] = field(default_factory=list)


AREA_SQL = """
WITH corridors AS (
    SELECT ST_Buffer(ST_ConcaveHull(ST_Collect(a.point), 0.8), %(margin)s) AS g
    FROM streets_address a WHERE a.street_id = ANY(%(streets)s) GROUP BY a.street_id
    UNION ALL
    SELECT ST_Buffer(s.geometry, %(margin)s) FROM streets_street s
    WHERE s.id = ANY(%(streets)s) AND s.geometry IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM streets_address a WHERE a.street_id = s.id)
),
merged AS (
    SELECT ST_Buffer(ST_Buffer(ST_Union(g), %(close)s), -%(close)s) AS g FROM corridors HAVING count(*) > 0
),
filled AS (
    SELECT ST_Union(ST_MakePolygon(ST_ExteriorRing(d.geom))) AS g
    FROM merged, ST_Dump(ST_CollectionExtract(merged.g, 3)) AS d
),
limited AS (
    SELECT CASE WHEN m.boundary IS NULL THEN filled.g ELSE ST_Intersection(filled.g, m.boundary) END AS g
    FROM filled LEFT JOIN areas_municipality m ON m.id = %(municipality)s
    WHERE filled.g IS NOT NULL
),
taken AS (
    -- Every overlapping BIN is cut out; only those that took a real piece are named.
    SELECT ST_Union(n.boundary) AS g,
           array_agg(n.name ORDER BY n.name)
               FILTER (WHERE ST_Area(ST_Intersection(n.boundary, limited.g)) > %(min_piece)s) AS names
    FROM areas_network n, limited
    WHERE %(clip)s AND n.kind = ANY(%(kinds)s) AND n.status <> 'dissolved'
      AND n.municipality_id = %(municipality)s AND ST_Intersects(n.boundary, limited.g)
),
clipped AS (
    SELECT CASE WHEN taken.g IS NULL THEN limited.g ELSE ST_Difference(limited.g, taken.g) END AS g
    FROM limited, taken
)
SELECT ST_AsEWKB(ST_Multi(ST_Union(d.geom))), (SELECT names FROM taken)
FROM clipped, ST_Dump(ST_CollectionExtract(clipped.g, 3)) AS d
WHERE ST_Area(d.geom) > %(min_piece)s
"""


def area_from_streets(*, street_ids: list[int], municipality: Municipality, kind: str) -> DerivedArea:
    """The area around the address points of the streets, in the municipality, without existing BINs.

    For a residential BIN the parts already inside another (non-dissolved) residential BIN of the
    municipality are cut out, since two never overlap; a BIN-Z may overlap and keeps them.
    """
    with connection.cursor() as cur:
        cur.execute(
            AREA_SQL,
            {
                "streets": street_ids,
                "margin": AREA_MARGIN_M,
                "close": AREA_CLOSE_M,
                "municipality": municipality.pk,
                "clip": kind in Network.EXCLUSIVE_KINDS,
                "kinds": list(Network.EXCLUSIVE_KINDS),
                "min_piece": AREA_MIN_PIECE_M2,
            },
        )
        row = cur.fetchone()
    if row is None:
        return DerivedArea(None)
    ewkb, names = row
    boundary = GEOSGeometry(memoryview(bytes(ewkb))) if ewkb is not None else None
    if boundary is not None:
        boundary.srid = settings.BIN_STORAGE_SRID
    return DerivedArea(boundary, list(names or []))
