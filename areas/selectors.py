"""Reads on networks: which networks cover a point, which are near it, which a user may see."""

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import QuerySet

from .models import Network

__all__ = ["CoveringNetwork", "networks_covering_points", "networks_near_point", "networks_visible"]


def networks_visible(*, user=None) -> QuerySet[Network]:
    """Networks `user` may see: anonymous users and members see only published, non-dissolved networks."""
    qs = Network.objects.select_related("municipality", "police_zone")
    if user is not None and user.is_authenticated and user.is_staff:
        return qs
    return qs.filter(published=True).exclude(status=Network.Status.DISSOLVED)


@dataclass(frozen=True)
class CoveringNetwork:
    network: Network
    # True when the point lies on the network's edge rather than inside it.
    on_border: bool
    # For a point on the shared border of residential BINs: the other BINs on that border.
    border_with: tuple[Network, ...] = ()


def networks_covering_points(*, points: list[Point], user=None) -> list[list[CoveringNetwork]]:
    """For each point, the networks covering it, in one query.

    The border rule: a point inside a residential BIN belongs to it alone. A point exactly on the shared
    border of several residential BINs (inside none) belongs to the oldest of them (lowest id), and the
    answer names the others in `border_with`. BIN-Z and other kinds are listed whenever they cover the
    point, after the residential BIN.
    """
    if not points:
        return []
    srid = points[0].srid
    from django.contrib.gis.geos import MultiPoint

    probe = points[0] if len(points) == 1 else MultiPoint(points, srid=srid)
    # The GiST index finds the candidates; GEOS then decides point by point.
    candidates = list(networks_visible(user=user).filter(boundary__intersects=probe).order_by("pk"))
    prepared = [(n, n.boundary.prepared) for n in candidates]
    answers = []
    for point in points:
        inside, border = [], []
        for network, prep in prepared:
            if prep.contains(point):
                inside.append(network)
            elif prep.intersects(point):
                border.append(network)
        residential = [n for n in inside if n.kind in Network.EXCLUSIVE_KINDS]
        border_residential = [n for n in border if n.kind in Network.EXCLUSIVE_KINDS]
        result = []
        if residential:
            result.append(CoveringNetwork(residential[0], on_border=False))
        elif border_residential:
            owner, *others = border_residential
            result.append(CoveringNetwork(owner, on_border=True, border_with=tuple(others)))
        for network in inside + border:
            if network.kind not in Network.EXCLUSIVE_KINDS:
                result.append(CoveringNetwork(network, on_border=network in border))
        answers.append(result)
    return answers


def networks_near_point(
    *, point: Point, user=None, within_m: float = 10_000, limit: int = 3
) -> list[Network]:
    """The nearest residential networks to `point` within `within_m` metres, each with `.distance`."""
    # dwithin on the metric storage CRS uses the GiST index; distances are in metres.
    return list(
        networks_visible(user=user)
        .filter(kind__in=Network.EXCLUSIVE_KINDS, boundary__dwithin=(point, D(m=within_m)))
        .annotate(distance=Distance("boundary", point))
        .order_by("distance", "pk")[:limit]
    )
