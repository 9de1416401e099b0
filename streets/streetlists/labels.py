"""Which network each address of a municipality belongs to under its street lists, and the rows that cannot
hold: overlapping ranges of two networks, ranges without addresses, one position (a block of flats) split
between networks, listed addresses inside a drawn BIN."""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import connection
from django.utils.translation import gettext as _

from areas.choices import AreaSource
from areas.models import Municipality
from areas.rules import exclusive_sql, existing_sql

from .rows import Range

__all__ = ["municipality_addresses", "ranges_checked"]

# (address id, street id, number or None, x, y, "street house number") of every address of one municipality.
Address = tuple[int, int, int | None, float, float, str]

# The listed addresses that no derived polygon can give their network: inside a drawn residential BIN that
# stays (not one the file turns into a street list). One on its edge is left to the lookup's border rule.
BLOCKED_SQL = f"""
SELECT a.id, n.name
FROM streets_address a
JOIN areas_network n ON ST_Contains(n.boundary, a.point)
WHERE a.id = ANY(%(ids)s) AND n.municipality_id = %(municipality)s AND {exclusive_sql("n")}
  AND {existing_sql("n")} AND n.boundary_source = %(drawn)s AND NOT (n.id = ANY(%(converted)s))
"""


def municipality_addresses(*, municipality: Municipality) -> list[Address]:
    with connection.cursor() as cur:
        cur.execute(
            """SELECT a.id, a.street_id, a.number, ST_X(a.point), ST_Y(a.point),
                      concat_ws(' ', COALESCE(NULLIF(s.name_nl, ''), NULLIF(s.name_fr, ''), s.name_de),
                                a.house_number)
            FROM streets_address a JOIN streets_street s ON s.id = a.street_id
            WHERE s.municipality_id = %s ORDER BY a.id""",
            [municipality.pk],
        )
        return cur.fetchall()


def _match(ranges: list[Range], addresses: list[Address]) -> None:
    by_street: dict[int, list[Address]] = defaultdict(list)
    for address in addresses:
        by_street[address[1]].append(address)
    for r in ranges:
        r.address_ids = [a[0] for a in by_street[r.street.pk] if r.takes(a[2])]


def _overlaps(ranges: list[Range]) -> Iterable[tuple[Range, str]]:
    """Ranges of two networks that share house numbers: the later one (stored lists count as earlier)."""
    kept: list[Range] = []
    for r in ranges:
        other = next((o for o in kept if o.key != r.key and r.overlaps(o)), None)
        if other is None:
            kept.append(r)
            continue
        yield (
            r,
            _("%(range)s of “%(network)s” overlaps %(other)s of “%(other_network)s” (%(position)s).")
            % {
                "range": r.describe(),
                "network": r.network,
                "other": other.describe(),
                "other_network": other.network,
                "position": other.position,
            },
        )


def _split_positions(ranges: list[Range], addresses: list[Address]) -> Iterable[tuple[Range, str]]:
    """Addresses at one position (flats, a corner house) that the lists give to different networks, or to a
    network and to none: one Voronoi site cannot be split. The later range is refused."""
    owner: dict[int, Range] = {}
    for r in ranges:
        for address_id in r.address_ids:
            owner.setdefault(address_id, r)
    at: dict[tuple[float, float], list[Address]] = defaultdict(list)
    for address in addresses:
        at[address[3], address[4]].append(address)
    refused: dict[int, str] = {}
    for group in at.values():
        owners = {id(owner.get(a[0])): owner.get(a[0]) for a in group}
        if len(owners) < 2 or len({o.key if o else None for o in owners.values()}) < 2:
            continue
        listed = sorted((o for o in owners.values() if o is not None), key=ranges.index)
        later = listed[-1]
        numbers = ", ".join(sorted({a[5] for a in group}))
        refused.setdefault(
            id(later),
            _(
                "%(range)s: the addresses %(numbers)s share one position but would belong to different "
                "networks (%(networks)s)."
            )
            % {
                "range": later.describe(),
                "numbers": numbers,
                "networks": ", ".join(o.network if o else _("none") for o in owners.values()),
            },
        )
    return [(r, refused[id(r)]) for r in ranges if id(r) in refused]


def _blocked(
    ranges: list[Range], municipality: Municipality, converted: list[int]
) -> list[tuple[Range, str]]:
    ids = [i for r in ranges for i in r.address_ids]
    with connection.cursor() as cur:
        cur.execute(
            BLOCKED_SQL,
            {
                "ids": ids,
                "municipality": municipality.pk,
                "drawn": AreaSource.DRAWN,
                "converted": converted,
            },
        )
        blocked = dict(cur.fetchall())
    found = []
    for r in ranges:
        reasons = {blocked[i] for i in r.address_ids if i in blocked}
        if reasons:
            found.append(
                (
                    r,
                    _("%(range)s: addresses lie in the drawn BIN “%(network)s”.")
                    % {"range": r.describe(), "network": ", ".join(sorted(reasons))},
                )
            )
    return found


def ranges_checked(
    *,
    ranges: list[Range],
    municipality: Municipality,
    converted: list[int],
    refuse: Callable[[Range, str], None],
) -> list[Range]:
    """The ranges of one municipality (stored lists first, then the file's rows) that can be used together,
    with their addresses; `refuse(range, reason)` hears of each of the others (the file's; a stored range is
    never refused, the row that contradicts it is). `converted`: the networks the file turns from drawn
    into street lists."""
    addresses = municipality_addresses(municipality=municipality)
    _match(ranges, addresses)
    kept = list(ranges)

    def without_addresses():
        return [(r, _("%(range)s: no address of the register has these numbers.") % {"range": r.describe()})
                for r in kept if not r.address_ids]  # fmt: skip

    checks = (
        without_addresses,
        lambda: list(_overlaps(kept)),
        lambda: list(_split_positions(kept, addresses)),
        lambda: _blocked(kept, municipality, converted),
    )
    # Refusing a range can change what the others say (a position no longer split): after each refusal
    # the checks start again, until none refuses anything.
    while True:
        problems = next((found for check in checks if (found := [p for p in check() if not p[0].stored])), [])
        if not problems:
            return kept
        for r, why in problems:
            refuse(r, why)
            kept.remove(r)
