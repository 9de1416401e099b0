"""Reads of the admin's boundary editor: the areas drawn around the one being edited, as read-only context.

A GIS officer draws a network against its municipality's boundary and its neighbours (the networks of the
same municipality and those touching it from the next one), and snaps its vertices to theirs, so that two
BINs share a border instead of leaving slivers between them. The editor shows these layers and the form
puts a vertex snapped to one of them exactly on its stored coordinates (areas.boundary_editor).
"""

from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry
from django.db.models import Q

from .models import Municipality, Network, PoliceZone

__all__ = ["ContextLayer", "boundary_context"]

# The neighbours of one network (a municipality has a few dozen BINs at most); a cap keeps a
# misconfigured area from putting thousands of polygons into one admin page.
MAX_NEIGHBOURS = 200
# "Touching": within this many metres, so that a neighbour across a digitising gap still shows.
TOUCHING_M = 1.0


@dataclass(frozen=True)
class ContextLayer:
    """One read-only area around the edited one: its role (municipality, network, police_zone), name and
    geometry in the storage CRS."""

    role: str
    name: str
    geometry: GEOSGeometry


def _municipality(municipality: Municipality | None) -> list[ContextLayer]:
    if municipality is None or municipality.boundary is None:
        return []
    return [ContextLayer("municipality", str(municipality), municipality.boundary)]


def _networks_around(*, municipality_id: int | None, boundary, exclude_pk, user) -> list[ContextLayer]:
    near = Q(municipality_id=municipality_id) if municipality_id else Q(pk__in=[])
    if boundary is not None:
        # Another municipality's networks: those `user` sees anywhere (the public ones, or all for staff).
        near |= Q(boundary__dwithin=(boundary, TOUCHING_M), pk__in=Network.objects.visible(user).values("pk"))
    networks = (
        Network.objects.existing()
        .filter(near)
        .exclude(pk=exclude_pk)
        .only("name", "kind", "boundary")
        .order_by("name", "pk")[:MAX_NEIGHBOURS]
    )
    return [ContextLayer("network", str(n), n.boundary) for n in networks]


def boundary_context(*, instance, user=None) -> list[ContextLayer]:
    """The areas to show `user` around `instance` (a network, network proposal, municipality or police
    zone): its municipality's networks, as the admin shows them, and the networks touching it that `user`
    may see (areas.rules: NetworkQuerySet.visible)."""
    boundary = getattr(instance, "boundary", None)
    if isinstance(instance, PoliceZone):
        if instance.pk is None:
            return []
        municipalities = instance.municipalities.filter(boundary__isnull=False)
        return [ContextLayer("municipality", str(m), m.boundary) for m in municipalities]
    if isinstance(instance, Municipality):
        if boundary is None:
            return []
        others = Municipality.objects.filter(boundary__dwithin=(boundary, TOUCHING_M)).exclude(pk=instance.pk)
        return [ContextLayer("municipality", str(m), m.boundary) for m in others.order_by("nis_code")]
    municipality_id = getattr(instance, "municipality_id", None)
    if municipality_id is None and boundary is None:
        return []
    municipality = Municipality.objects.filter(pk=municipality_id).first() if municipality_id else None
    exclude_pk = instance.pk if isinstance(instance, Network) else None
    # A proposal that became a network: the network is the proposal's own area, not a neighbour.
    exclude_pk = exclude_pk or getattr(instance, "network_id", None)
    return _municipality(municipality) + _networks_around(
        municipality_id=municipality_id, boundary=boundary, exclude_pk=exclude_pk, user=user
    )
