"""A municipality's coverage report: its addresses in no BIN (how many, by street with their house-number
runs, and as points for a map), the overlaps between its networks, and the networks without a coordinator
or a police contact. One function, coverage_report, serves the page, its CSV and JSON, and the command
`coverage_report <nis>`.

An address counts as covered when a live residential BIN of its municipality covers it (areas.rules:
`live`, `exclusive`, `covering`), on its edge included: the border rule gives such an address to one of
the BINs it lies on, never to none. A BIN-Z covers no address here: it overlaps BINs and takes only the
self-employed. The house-number runs are streets.coverage's, cut by the same border rule.
"""

from dataclasses import dataclass, field

from areas.coverage import NetworkOverlap, networks_missing_contacts, networks_overlapping
from areas.models import Municipality, Network
from areas.selectors import network_join_sql
from core.replica import read_connection

from .coverage import NumberRange, streets_coverage
from .models import Address, Street

__all__ = [
    "ADDRESSES_SQL",
    "UNCOVERED_SQL",
    "CoverageReport",
    "UncoveredAddress",
    "UncoveredStreet",
    "coverage_networks",
    "coverage_report",
    "coverage_runs",
]

ADDRESSES_SQL = """
SELECT count(*) FROM streets_address a JOIN streets_street s ON s.id = a.street_id
WHERE s.municipality_id = %(municipality)s
"""

# The municipality's addresses that none of %(networks)s covers (the anti-join keeps the rows the LEFT JOIN
# found no network for), with their position in EPSG:4326 for the map and the CSV.
UNCOVERED_SQL = f"""
SELECT a.street_id, a.house_number, a.box_number, a.number, a.postcode, ST_X(w.geom), ST_Y(w.geom)
FROM streets_address a
JOIN streets_street s ON s.id = a.street_id
{network_join_sql(on="n.id = ANY(%(networks)s) AND ST_Intersects(n.boundary, a.point)", outer=True)}
CROSS JOIN LATERAL ST_Transform(a.point, 4326) AS w(geom)
WHERE s.municipality_id = %(municipality)s AND n.id IS NULL
ORDER BY a.street_id, a.number %% 2, a.number, a.house_number, a.box_number
"""


@dataclass
class UncoveredAddress:
    """An address in no BIN: a register entry, so each box of a building is one."""

    street_id: int
    house_number: str
    box_number: str
    number: int | None
    postcode: str
    lon: float
    lat: float


@dataclass
class UncoveredStreet:
    """A street's addresses in no BIN: how many, their runs of house numbers per side (streets.coverage;
    coverage_runs fills them in) and the house numbers without a numeric part, which no run holds."""

    street: Street
    count: int = 0
    ranges: list[NumberRange] = field(default_factory=list)
    unnumbered: list[str] = field(default_factory=list)


@dataclass
class CoverageReport:
    """What coverage_report found for one municipality."""

    municipality: Municipality
    addresses: int
    uncovered: list[UncoveredAddress]
    streets: list[UncoveredStreet]
    overlaps: list[NetworkOverlap]
    missing_contacts: list[Network]
    covering_ids: list[int]

    @property
    def uncovered_count(self) -> int:
        return len(self.uncovered)

    @property
    def share(self) -> float | None:
        """The uncovered part of the municipality's addresses (0 to 1); None when it has none."""
        return self.uncovered_count / self.addresses if self.addresses else None


def coverage_networks(*, municipality: Municipality):
    """The networks that cover the municipality's addresses: its live residential BINs (areas.rules)."""
    return Network.objects.live().exclusive().filter(municipality=municipality)


def _street_rows(uncovered: list[UncoveredAddress]) -> list[UncoveredStreet]:
    by_street: dict[int, UncoveredStreet] = {}
    streets = Street.objects.in_bulk(list(dict.fromkeys(a.street_id for a in uncovered)))
    for address in uncovered:
        row = by_street.setdefault(address.street_id, UncoveredStreet(streets[address.street_id]))
        row.count += 1
        if address.number is None:
            row.unnumbered.append(address.house_number)
    rows = list(by_street.values())
    rows.sort(key=lambda r: (str(r.street).lower(), r.street.postcode, r.street.pk))
    return rows


def coverage_runs(*, report: CoverageReport, rows: list[UncoveredStreet]) -> None:
    """Fill in the house-number runs of `rows` (streets of `report`): streets.coverage reads every numbered
    address of those streets, so a page asks only for the streets it shows (50,000 addresses, 500 streets:
    2.5 s for all of them, scripts/bench_coverage_report.py)."""
    numbered = [row for row in rows if row.count > len(row.unnumbered)]
    runs = streets_coverage(street_ids=[row.street.pk for row in numbered], network_ids=report.covering_ids)
    for row in numbered:
        row.ranges = runs[row.street.pk].ranges.get(None, [])


def coverage_report(*, municipality: Municipality, runs: bool = True) -> CoverageReport:
    """The coverage report of `municipality` (the module's docstring says what covers an address); without
    `runs`, the streets come without their house-number runs (coverage_runs adds them)."""
    covering_ids = list(coverage_networks(municipality=municipality).values_list("pk", flat=True))
    params = {"municipality": municipality.pk, "networks": covering_ids}
    with read_connection(Address).cursor() as cur:
        cur.execute(ADDRESSES_SQL, params)
        (addresses,) = cur.fetchone()
        cur.execute(UNCOVERED_SQL, params)
        uncovered = [UncoveredAddress(*row) for row in cur.fetchall()]
    streets = _street_rows(uncovered)
    order = {row.street.pk: i for i, row in enumerate(streets)}
    # Python's sort is stable: within a street the statement's order (side, number) stays.
    uncovered.sort(key=lambda a: order[a.street_id])
    report = CoverageReport(
        municipality=municipality,
        addresses=addresses,
        uncovered=uncovered,
        streets=streets,
        overlaps=networks_overlapping(municipality=municipality),
        missing_contacts=networks_missing_contacts(municipality=municipality),
        covering_ids=covering_ids,
    )
    if runs:
        coverage_runs(report=report, rows=streets)
    return report
