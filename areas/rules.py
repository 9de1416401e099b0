"""The rules about networks, each with one name: which networks are public, visible to a user, live,
exclusive, in a police zone, covering a point, overlapping an area. Every caller uses these, SQL included.

Each rule has an ORM form (a NetworkQuerySet method: `Network.objects.live()`) and, where hand-written SQL
needs it, an SQL form here beside it (`live_sql("n")`), built from the same constants;
tests/areas/test_rules.py holds the two forms to the same rows.
"""

from typing import TypeVar

from django.db import models
from django.db.models import Q

from access.permissions import Scope, sees_unpublished_networks

from .choices import CLOSED_STATUSES, EXCLUSIVE_KINDS, NetworkStatus

__all__ = [
    "NetworkQuerySet",
    "border_rule",
    "exclusive_sql",
    "existing_sql",
    "in_police_zone_sql",
    "live_networks_of_zone_sql",
    "live_sql",
    "public_sql",
    "visible_sql",
]


T = TypeVar("T")


def _in(values) -> str:
    # The values are the service's own constants (TextChoices), never user input.
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _in_zones(zone_ids) -> Q:
    zone_ids = list(zone_ids)
    return Q(police_zone_id__in=zone_ids) | Q(
        police_zone__isnull=True, municipality__police_zone_id__in=zone_ids
    )


class NetworkQuerySet(models.QuerySet):
    """Networks, filtered by the rules that have a name."""

    def existing(self):
        """Not dissolved: what overlap checks compare with, and what the police maps show."""
        return self.exclude(status=NetworkStatus.DISSOLVED)

    def public(self):
        """What anonymous users and members see: published and not dissolved."""
        return self.existing().filter(published=True)

    def visible(self, user):
        """What `user` sees: everything for staff (access.permissions), the public networks for others."""
        return self if sees_unpublished_networks(user) else self.public()

    def live(self):
        """Takes members and receives alerts: neither suspended nor dissolved."""
        return self.exclude(status__in=CLOSED_STATUSES)

    def exclusive(self):
        """Residential kinds (BIN): two of one municipality never overlap, an address lies in one."""
        return self.filter(kind__in=EXCLUSIVE_KINDS)

    def in_police_zones(self, zone_ids):
        """Networks of these police zones: a network's own zone, else its municipality's."""
        zone_ids = list(zone_ids)
        return self.filter(
            Q(police_zone_id__in=zone_ids)
            | Q(police_zone__isnull=True, municipality__police_zone_id__in=zone_ids)
        )

    def in_scope(self, scope: Scope):
        """The networks an access.permissions Scope reaches: by network, by police zone, by municipality."""
        if scope.everything:
            return self
        zones = list(scope.police_zones)
        return self.filter(
            Q(pk__in=list(scope.networks))
            | Q(police_zone_id__in=zones)
            | Q(police_zone__isnull=True, municipality__police_zone_id__in=zones)
            | Q(municipality_id__in=list(scope.municipalities))
        )

    def covering(self, point):
        """Networks whose area contains `point` or has it on its edge (storage CRS)."""
        return self.filter(boundary__intersects=point)

    def overlapping(self, boundary):
        """Networks whose interior meets the interior of `boundary`: touching edges or corners do not count.

        relate 'T********' = the interiors intersect.
        """
        return self.filter(boundary__relate=(boundary, "T********"))


def border_rule(found: list[tuple[T, bool]]) -> list[tuple[T, bool, tuple[T, ...]]]:
    """The networks a point belongs to, from the networks that cover it: (network, inside), by id.

    A point inside a residential BIN belongs to it alone. A point exactly on the shared border of several
    residential BINs (inside none) belongs to the oldest of them (lowest id), and the others are named as
    its `border_with`. BIN-Z and other kinds are listed whenever they cover the point, after the
    residential BIN. Returns (network, on_border, border_with); each network needs only `.kind`.
    """
    inside = [n for n, is_inside in found if is_inside]
    border = [n for n, is_inside in found if not is_inside]
    residential = [n for n in inside if n.kind in EXCLUSIVE_KINDS]
    border_residential = [n for n in border if n.kind in EXCLUSIVE_KINDS]
    result: list[tuple[T, bool, tuple[T, ...]]] = []
    if residential:
        result.append((residential[0], False, ()))
    elif border_residential:
        owner, *others = border_residential
        result.append((owner, True, tuple(others)))
    result += [(n, False, ()) for n in inside if n.kind not in EXCLUSIVE_KINDS]
    result += [(n, True, ()) for n in border if n.kind not in EXCLUSIVE_KINDS]
    return result


# --- the same rules for hand-written SQL; `n` is the alias of areas_network in the statement --------------


def existing_sql(n: str = "n") -> str:
    return f"{n}.status <> '{NetworkStatus.DISSOLVED}'"


def public_sql(n: str = "n") -> str:
    return f"({n}.published AND {existing_sql(n)})"


def visible_sql(n: str = "n", *, everything: str = "%(everything)s") -> str:
    """`everything` is the parameter that says the user sees unpublished networks (covering_params)."""
    return f"({everything} OR {public_sql(n)})"


def live_sql(n: str = "n") -> str:
    return f"{n}.status NOT IN {_in(CLOSED_STATUSES)}"


def exclusive_sql(n: str = "n") -> str:
    return f"{n}.kind IN {_in(EXCLUSIVE_KINDS)}"


def in_police_zone_sql(n: str = "n", *, zone: str = "%(zone)s") -> str:
    """The network belongs to the police zone `zone` (a parameter): its own zone, else its municipality's."""
    return (
        f"({n}.police_zone_id = {zone} OR ({n}.police_zone_id IS NULL AND {n}.municipality_id IN "
        f"(SELECT id FROM areas_municipality WHERE police_zone_id = {zone})))"
    )


def live_networks_of_zone_sql(*, zone: str = "%(zone)s") -> str:
    """SELECT the ids of the live networks of the police zone `zone` (a parameter)."""
    return f"SELECT n.id FROM areas_network n WHERE {in_police_zone_sql('n', zone=zone)} AND {live_sql('n')}"
