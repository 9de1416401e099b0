"""Which networks cover a street: per network, the house-number runs on each side; and the streets of a
network. The border rule between BINs is the lookup's (areas.rules.border_rule)."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from areas.models import Network
from areas.rules import border_rule
from areas.selectors import network_join_sql
from core.replica import read_connection

from .models import Street

__all__ = ["NumberRange", "StreetCoverage", "network_streets", "streets_coverage"]

# Per numbered address of the streets: the networks among %(networks)s that cover it, by id, with their
# kind and whether the address lies inside (not on the edge).
COVERAGE_SQL = f"""
SELECT a.street_id, a.number, a.house_number,
       COALESCE(array_agg(n.id ORDER BY n.id) FILTER (WHERE n.id IS NOT NULL), '{{}}') AS network_ids,
       COALESCE(array_agg(n.kind ORDER BY n.id) FILTER (WHERE n.id IS NOT NULL), '{{}}') AS kinds,
       COALESCE(array_agg(ST_Contains(n.boundary, a.point) ORDER BY n.id) FILTER (WHERE n.id IS NOT NULL),
                '{{}}') AS inside
FROM streets_address a
{network_join_sql(on="n.id = ANY(%(networks)s) AND ST_Intersects(n.boundary, a.point)", outer=True)}
WHERE a.street_id = ANY(%(streets)s) AND a.number IS NOT NULL
GROUP BY a.id
ORDER BY a.street_id, a.number %% 2, a.number, a.house_number
"""


class _Hit(NamedTuple):
    id: int
    kind: str


@dataclass
class NumberRange:
    side: str  # "odd" or "even"
    first: str
    last: str
    count: int


@dataclass
class StreetCoverage:
    """How the networks divide one street: per network, the house-number ranges it covers on each side."""

    street_id: int
    total: int = 0
    ranges: dict[int | None, list[NumberRange]] = field(default_factory=lambda: defaultdict(list))

    def count(self, network_id: int | None) -> int:
        return sum(r.count for r in self.ranges.get(network_id, []))

    def kind(self, network_id: int) -> str:
        """'whole' when the network covers every numbered address of the street, else 'part'."""
        return "whole" if self.count(network_id) == self.total else "part"

    @property
    def network_ids(self) -> list[int]:
        return [nid for nid in self.ranges if nid is not None]

    @property
    def split(self) -> bool:
        return len(self.ranges) > 1


def streets_coverage(*, street_ids: list[int], network_ids: list[int]) -> dict[int, StreetCoverage]:
    """Per street, the runs of consecutive house numbers (per side) that each network covers.

    An address on the shared border of two residential BINs counts for the oldest one (the border rule);
    BIN-Z and other kinds overlap residential BINs and get runs of their own. Addresses covered by no network
    form runs under the key None. One query; the runs are cut in Python over the sorted numbers.
    """
    with read_connection(Street).cursor() as cur:
        cur.execute(COVERAGE_SQL, {"streets": street_ids, "networks": network_ids})
        rows = cur.fetchall()
    result: dict[int, StreetCoverage] = {}
    open_runs: dict[int | None, NumberRange] = {}
    previous: tuple[int, int] | None = None
    for street_id, number, house_number, ids, kinds, inside in rows:
        cov = result.setdefault(street_id, StreetCoverage(street_id))
        cov.total += 1
        side = number % 2
        if previous != (street_id, side):
            open_runs = {}
            previous = (street_id, side)
        hits = [(_Hit(i, k), flag) for i, k, flag in zip(ids, kinds, inside, strict=True)]
        covering = {hit.id for hit, _on_border, _others in border_rule(hits)} or {None}
        for key in list(open_runs):
            if key not in covering:
                del open_runs[key]
        for nid in covering:
            run = open_runs.get(nid)
            if run is None:
                run = NumberRange("odd" if side else "even", house_number, house_number, 0)
                cov.ranges[nid].append(run)
                open_runs[nid] = run
            run.last = house_number
            run.count += 1
    return result


def network_streets(*, network: Network, networks) -> list[dict]:
    """The streets of `network` with the house-number runs it covers on each side, by name.

    `networks`: the networks that take part in the border rule (all the municipality's that the reader may
    see), so that an address on the border with another BIN counts for the right one.
    """
    street_ids = list(
        Street.objects.filter(addresses__point__intersects=network.boundary)
        .values_list("pk", flat=True)
        .distinct()
    )
    others = networks.filter(municipality_id=network.municipality_id)
    coverage = streets_coverage(street_ids=street_ids, network_ids=list(others.values_list("pk", flat=True)))
    streets = {s.pk: s for s in Street.objects.filter(pk__in=street_ids).select_related("municipality")}
    rows = []
    for street_id, cov in coverage.items():
        ranges = cov.ranges.get(network.pk)
        if not ranges:
            continue
        street = streets[street_id]
        rows.append(
            {
                "street_id": street.pk,
                "street": str(street),
                "name_nl": street.name_nl,
                "name_fr": street.name_fr,
                "name_de": street.name_de,
                "postcode": street.postcode,
                "coverage": cov.kind(network.pk),
                "ranges": [{"side": r.side, "from": r.first, "to": r.last, "count": r.count} for r in ranges],
            }
        )
    rows.sort(key=lambda r: (r["street"].lower(), r["street_id"]))
    return rows
