"""Postal names: which postcodes a place name means ("Lembeek" → 1502), and keeping the names up to date."""

import re
from collections.abc import Iterable
from pathlib import Path

from django.db import connection, transaction

from .models import PostalName

__all__ = [
    "POSTCODES_SQL",
    "PostalFileError",
    "postal_name_variants",
    "postal_names_import",
    "postal_names_replace",
    "postcodes_named",
]

# bin_normalise() as in the street search; the expression index of migration 0005 serves the comparison.
POSTCODES_SQL = """
SELECT DISTINCT postcode FROM streets_postalname WHERE bin_normalise(name) = bin_normalise(%(name)s)
ORDER BY postcode
"""


def postcodes_named(*, name: str) -> list[str]:
    """The postcodes one of whose names is `name`, ignoring case and accents."""
    with connection.cursor() as cur:
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


def postal_names_replace(names: dict[str, Iterable[str]]) -> int:
    """Make each postcode's names these (and their variants), leaving other postcodes alone; how many rows."""
    rows = {(pc, v) for pc, given in names.items() for n in given for v in postal_name_variants(n)}
    with transaction.atomic():
        PostalName.objects.filter(postcode__in=list(names)).delete()
        PostalName.objects.bulk_create([PostalName(postcode=pc, name=n) for pc, n in sorted(rows)])
    return len(rows)


class PostalFileError(ValueError):
    """A postal names file that cannot be read; the message names the file and line."""


def postal_names_import(path: Path) -> tuple[int, int]:
    """Read BeST's postals.csv (identifier;postcode;nameNL;nameFR;nameDE, no header) and replace the names
    of the postcodes it lists. All or nothing: a bad line stops the import. Returns (postcodes, names)."""
    names: dict[str, list[str]] = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PostalFileError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        values = line.split(";")
        if len(values) != 5:
            raise PostalFileError(
                f"{path.name} line {line_number}: expected 5 fields separated by ';', found {len(values)}"
            )
        _identifier, postcode, *given = (v.strip() for v in values)
        if not (postcode.isdigit() and len(postcode) == 4):
            raise PostalFileError(f"{path.name} line {line_number}: {postcode!r} is not a Belgian postcode")
        names.setdefault(postcode, []).extend(n for n in given if n)
    if not names:
        raise PostalFileError(f"{path.name}: no postcodes in the file")
    # A postcode listed without names (the register's Walloon rows) keeps the names it has.
    named = {pc: given for pc, given in names.items() if given}
    return len(named), postal_names_replace(named)
