"""Postal names: which postcodes a place name means ("Lembeek" → 1502), and keeping the names up to date."""

import re
from collections.abc import Iterable

from django.db import transaction

from core.replica import read_connection

from .models import PostalName

__all__ = [
    "POSTCODES_SQL",
    "postal_name_rows",
    "postal_name_variants",
    "postal_names_replace",
    "postal_names_stored",
    "postcodes_named",
]

# bin_normalise() as in the street search; the expression index of migration 0005 serves the comparison.
POSTCODES_SQL = """
SELECT DISTINCT postcode FROM streets_postalname WHERE bin_normalise(name) = bin_normalise(%(name)s)
ORDER BY postcode
"""


def postcodes_named(*, name: str) -> list[str]:
    """The postcodes one of whose names is `name`, ignoring case and accents."""
    with read_connection(PostalName).cursor() as cur:
        cur.execute(POSTCODES_SQL, {"name": name})
        return [row[0] for row in cur.fetchall()]


def postal_name_variants(name: str) -> list[str]:
    """The ways a register name is written: "Galmaarden/Tollembeek/Vollezele" gives the three villages;
    "Brussel (Haren)" gives itself, "Brussel" and "Haren"; "Berg (Limb.)" gives itself and "Berg"."""
    out = []
    for part in name.split("/"):
        part = " ".join(part.split())
        if not part:
            continue
        out.append(part)
        bracket = re.fullmatch(r"(.+?)\s*\((.+)\)", part)
        if bracket:
            out += [p.strip() for p in bracket.groups() if "." not in p and p.strip()]
    return list(dict.fromkeys(out))


def postal_name_rows(names: dict[str, Iterable[str]]) -> set[tuple[str, str]]:
    """(postcode, name) of each name and each of its variants."""
    return {(pc, v) for pc, given in names.items() for n in given for v in postal_name_variants(n)}


def postal_names_replace(names: dict[str, Iterable[str]]) -> int:
    """Make each postcode's names these (and their variants), leaving other postcodes alone; how many rows."""
    rows = postal_name_rows(names)
    with transaction.atomic():
        PostalName.objects.filter(postcode__in=list(names)).delete()
        PostalName.objects.bulk_create([PostalName(postcode=pc, name=n) for pc, n in sorted(rows)])
    return len(rows)


def postal_names_stored(*, postcodes: Iterable[str]) -> dict[str, set[str]]:
    """The stored names of these postcodes (those without names are left out)."""
    stored: dict[str, set[str]] = {}
    for postcode, name in PostalName.objects.filter(postcode__in=list(postcodes)).values_list(
        "postcode", "name"
    ):
        stored.setdefault(postcode, set()).add(name)
    return stored
