"""Escalation to neighbouring BINs: the networks next to those an alert's perimeter covers, with their reach,
and the perimeter grown by the ones the officer adds.

"The perimeter's BINs" are the networks of the zone that take alerts (areas.rules: live, of the police
zone) whose interior the perimeter enters; a perimeter that only runs along a BIN's edge does not make it
one. Their neighbours are the other such networks whose area touches theirs, or lies within `distance_m`
of it. Adding a neighbour adds its whole area to the perimeter, so that the outbox (alerts.recipients)
reaches its members by the one rule every alert follows.

The reach of the neighbours follows the preview's rules (alerts.preview): counts below
BIN_PREVIEW_MIN_COUNT are "<k", and the area previewed is logged. It is not counted against the officer's
preview limits: it is a union of whole networks, which cannot be narrowed down to a house.
"""

import json

from django.conf import settings
from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from areas.models import Network
from core.geometry import to_wgs84

from .models import Alert, AlertPreviewLog
from .perimeter import Perimeter
from .recipients import recipients_preview

__all__ = ["NEIGHBOUR_DISTANCE_MAX_M", "neighbours_preview", "perimeter_with_networks"]

NEIGHBOUR_DISTANCE_MAX_M = 2000


def _alerted_networks(police_zone_id: int):
    """The networks an alert of the zone reaches (areas.rules: of the zone, live)."""
    return Network.objects.in_police_zones([police_zone_id]).live()


def _as_multipolygon(geom) -> MultiPolygon:
    if geom.geom_type == "MultiPolygon":
        return geom
    if geom.geom_type == "Polygon":
        return MultiPolygon(geom, srid=geom.srid)
    # A union of polygons that touch along a line may come back as a collection: keep its polygons.
    polygons = [g for g in geom if g.geom_type == "Polygon"]
    polygons += [p for g in geom if g.geom_type == "MultiPolygon" for p in g]
    return MultiPolygon(polygons, srid=geom.srid)


def perimeter_with_networks(*, perimeter: Perimeter, police_zone_id: int, network_ids) -> Perimeter:
    """`perimeter` with the areas of the networks `network_ids` added (each must be one an alert of the zone
    reaches); ValidationError under "add_networks" otherwise. The result is a polygon perimeter."""
    ids = {int(n) for n in network_ids}
    if not ids:
        return perimeter
    found = _alerted_networks(police_zone_id).filter(pk__in=ids)
    missing = ids - set(found.values_list("pk", flat=True))
    if missing:
        raise ValidationError(
            {
                "add_networks": _("No BIN with id %(ids)s takes alerts of this police zone.")
                % {"ids": ", ".join(str(i) for i in sorted(missing))}
            }
        )
    added = found.aggregate(u=Union("boundary"))["u"]
    grown = _as_multipolygon(perimeter.geom.union(added))
    return Perimeter(geom=grown, kind=Alert.PerimeterKind.POLYGON)


def _neighbours(*, perimeter: MultiPolygon, police_zone_id: int, distance_m: float) -> tuple[list, list]:
    """(the perimeter's networks, their neighbours), each a list of Network, by id."""
    networks = _alerted_networks(police_zone_id)
    inside = list(networks.overlapping(perimeter).order_by("pk"))
    if not inside:
        return [], []
    core = networks.filter(pk__in=[n.pk for n in inside]).aggregate(u=Union("boundary"))["u"]
    # The storage CRS is metric: the distance is in metres. dwithin 0 takes the networks that touch.
    near = networks.exclude(pk__in=[n.pk for n in inside]).filter(boundary__dwithin=(core, distance_m))
    return inside, list(near.order_by("name", "pk"))


def neighbours_preview(*, user, prepared, distance_m: float = 0, added=()) -> dict:
    """The networks next to those the prepared alert's perimeter covers, with their reach as the police
    may see it: {"distance_m", "of": [the perimeter's networks], "networks": [{id, slug, name, kind,
    total, added, geometry}]}. `added`: the ids the officer already added (those are still listed, marked)."""
    if isinstance(distance_m, bool) or not 0 <= distance_m <= NEIGHBOUR_DISTANCE_MAX_M:
        raise ValidationError(
            {
                "neighbour_distance_m": _("The distance is a number of metres from 0 to %(max)s.")
                % {"max": NEIGHBOUR_DISTANCE_MAX_M}
            }
        )
    added = {int(n) for n in added}
    # The perimeter as drawn, before the added networks: their neighbours are not offered in turn.
    base = getattr(prepared, "drawn_perimeter", None) or prepared.perimeter.geom
    inside, near = _neighbours(perimeter=base, police_zone_id=prepared.police_zone.pk, distance_m=distance_m)
    result = {
        "distance_m": distance_m,
        "of": [{"id": n.pk, "slug": n.slug, "name": n.name} for n in inside],
        "networks": [],
    }
    if not near:
        return result
    area = _as_multipolygon(
        Network.objects.filter(pk__in=[n.pk for n in near]).aggregate(u=Union("boundary"))["u"]
    )
    preview = recipients_preview(
        police_zone_id=prepared.police_zone.pk,
        perimeter=area,
        urgent=prepared.urgency == Alert.Urgency.URGENT,
        # An exercise counts only the members who opted in (helper "approval", alerts.recipients).
        exercise=getattr(prepared, "exercise", False),
    )
    # Each neighbour's count on its own, below k as "<k" (0 included). No total or other part is shown
    # beside them, so none can be worked out by subtraction as in a perimeter's preview
    # (alerts.preview.parts_shown); the number of members of a whole network is what the zone's police
    # see on their maps anyway (access.permissions.can_see_member_counts).
    k = settings.BIN_PREVIEW_MIN_COUNT
    totals = {n["id"]: n["total"] for n in preview.networks}

    def shown(n: int) -> int | str:
        return n if n >= k or k <= 1 else f"<{k}"

    def reach_text(n: int) -> str:
        if n < k and k > 1:
            return _("fewer than %(k)s members") % {"k": k}
        return ngettext("%(n)s member", "%(n)s members", n) % {"n": n}

    result["networks"] = [
        {
            "id": n.pk,
            "slug": n.slug,
            "name": n.name,
            "kind": n.kind,
            # A neighbour the preview lists no row for reaches nobody: shown as the preview shows 0.
            "total": shown(totals.get(n.pk, 0)),
            "reach_text": reach_text(totals.get(n.pk, 0)),
            "added": n.pk in added,
            # Its outline for the map (EPSG:4326, simplified by 2 m: a drawing, not a boundary to clip to).
            "geometry": json.loads(to_wgs84(n.boundary.simplify(2, preserve_topology=True)).geojson),
        }
        for n in near
    ]
    AlertPreviewLog.objects.create(
        user=user,
        username=user.get_username(),
        police_zone=prepared.police_zone,
        perimeter=area,
        area_m2=area.area,
        urgency=prepared.urgency,
        shown={"neighbours": [[n["id"], n["total"]] for n in result["networks"]]},
        counted=False,
    )
    return result
