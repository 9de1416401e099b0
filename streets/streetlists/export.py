"""The street lists of networks, in the import's format, from the addresses each network covers.

Any network can be exported, drawn or derived: its addresses are those the lookup gives it (the border rule
between residential BINs included, streets.coverage). Per street, the numbers it covers are written as few
rows as say exactly the same: the whole street as empty from/to; one `all` row when the odd and even runs
together span a stretch with no other address; else one row per run of consecutive numbers of a side.
Importing the export gives each network the same addresses (tests/streets/test_street_lists.py).
"""

import csv
import io
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from areas.models import Network
from areas.rules import border_rule

from ..coverage import COVERAGE_SQL
from ..models import Street

__all__ = ["STREET_LIST_COLUMNS", "number_ranges", "street_list_csv", "street_list_rows"]

STREET_LIST_COLUMNS = ("network", "municipality", "street", "postcode", "from", "to", "parity")

STREETS_SQL = """
SELECT DISTINCT a.street_id FROM streets_address a
JOIN areas_network n ON ST_Intersects(n.boundary, a.point)
WHERE n.id = ANY(%(networks)s) AND a.number IS NOT NULL
"""


class _Hit:
    __slots__ = ("id", "kind")

    def __init__(self, id_: int, kind: str):
        self.id, self.kind = id_, kind


def _runs(numbers: list[int], covered: set[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = previous = None
    for n in numbers:
        if n in covered:
            start = n if start is None else start
            previous = n
        elif start is not None:
            runs.append((start, previous))
            start = None
    if start is not None:
        runs.append((start, previous))
    return runs


def number_ranges(numbers: Iterable[int], covered: set[int]) -> list[tuple[int | None, int | None, str]]:
    """The rows (from, to, parity) that take exactly the `covered` of a street's house `numbers`."""
    numbers = sorted(set(numbers))
    if covered >= set(numbers):
        return [(None, None, "all")]
    odd = _runs([n for n in numbers if n % 2], covered)
    even = _runs([n for n in numbers if not n % 2], covered)
    if len(odd) == 1 and len(even) == 1:
        low, high = min(odd[0][0], even[0][0]), max(odd[0][1], even[0][1])
        if all(n in covered for n in numbers if low <= n <= high):
            return [(low, high, "all")]
    return [(a, b, "odd") for a, b in odd] + [(a, b, "even") for a, b in even]


def street_list_rows(*, networks: Iterable[Network], context: Iterable[Network] | None = None) -> list[tuple]:
    """The rows (network, municipality NIS, street, postcode, from, to, parity) of `networks`' street
    lists, sorted. `context`: the networks that take part in the border rule (default: `networks`); pass
    all the municipality's networks the reader may see, so that a border address counts for the right one."""
    networks = {n.pk: n for n in networks}
    context_ids = sorted({*networks, *(n.pk for n in context or ())})
    with connection.cursor() as cur:
        cur.execute(STREETS_SQL, {"networks": list(networks)})
        street_ids = [row[0] for row in cur.fetchall()]
        cur.execute(COVERAGE_SQL, {"streets": street_ids, "networks": context_ids})
        coverage = cur.fetchall()
    numbers: dict[int, list[int]] = defaultdict(list)
    covered: dict[tuple[int, int], set[int]] = defaultdict(set)
    for street_id, number, _house_number, ids, kinds, inside in coverage:
        numbers[street_id].append(number)
        hits = [(_Hit(i, k), flag) for i, k, flag in zip(ids, kinds, inside, strict=True)]
        for hit, _on_border, _others in border_rule(hits):
            if hit.id in networks:
                covered[hit.id, street_id].add(number)
    streets = Street.objects.in_bulk(street_ids)
    rows = []
    for (network_id, street_id), numbers_covered in covered.items():
        network, street = networks[network_id], streets[street_id]
        for first, last, parity in number_ranges(numbers[street_id], numbers_covered):
            rows.append(
                (
                    network.name,
                    network.municipality.nis_code,
                    street.name,
                    street.postcode,
                    first,
                    last,
                    parity,
                )
            )
    rows.sort(key=lambda r: (r[0].lower(), r[1], r[2].lower(), r[3], r[6], r[4] or 0))
    return rows


def street_list_csv(*, networks: Iterable[Network], context: Iterable[Network] | None = None) -> str:
    """street_list_rows as CSV text with the import's header (UTF-8 when encoded)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STREET_LIST_COLUMNS)
    for row in street_list_rows(networks=networks, context=context):
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()
