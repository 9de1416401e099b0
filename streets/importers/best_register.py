"""The BeST Address register's own layout: a directory of `;`-separated files without header."""

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from core.geometry import projected_extent
from core.importing import ImportRun, say

from ..postal import postal_names_replace
from .best_checks import (
    ADDRESS_COLUMNS,
    ADDRESS_FIELDS,
    MUNICIPALITY_COLUMNS,
    MUNICIPALITY_FIELDS,
    POSTAL_FIELDS,
    RETIRED,
    STREET_COLUMNS,
    STREET_FIELDS,
    check_box,
    check_names,
    check_nis,
    check_position,
    check_postcode,
    note_retired,
    object_id,
    parse_wkb_point,
)
from .common import LAMBERT72, parse_house_number, separated_rows
from .staging import Staging, merge_all

__all__ = ["RegisterImport"]


class RegisterImport:
    """The four files of one download: read and checked, staged, merged."""

    def __init__(self, staging: Staging, run: ImportRun, files: dict[str, Path], *, progress, prefix):
        self.staging = staging
        self.run = run
        self.files = files
        self.progress = progress
        self.prefix = prefix
        self.extent = projected_extent(tuple(settings.BIN_SERVICE_BBOX), LAMBERT72)
        self.postal_names: dict[str, set[str]] = {}

    def rows(self, kind: str, fields: int) -> Iterator[tuple[str, int, list[str]]]:
        """(position, line, fields) of each well-formed line of one file; the others are bad records."""
        return separated_rows(self.files[kind], fields, self.run, progress=self.progress)

    def execute(self) -> None:
        municipalities = self.read_municipalities()
        postcodes = self.read_postals()
        streets, rejected = self.read_streets(municipalities)
        used, retired = self.stage_addresses(streets, rejected, postcodes)
        self.stage_streets(streets, used, municipalities)
        say(self.progress, _("merging into the database"))
        name = self.files["addresses"].name
        merge_all(self.staging, self.run, srid=LAMBERT72, position=lambda line, _id: f"{name} line {line}")
        note_retired(self.staging, self.run.report, retired)
        postal_names_replace({pc: names for pc, names in self.postal_names.items() if names})

    def read_municipalities(self) -> dict[str, tuple[str, str, str, str]]:
        found = {}
        for position, _line, (identifier, nis, nl, fr, de) in self.rows(
            "municipalities", MUNICIPALITY_FIELDS
        ):
            try:
                key = object_id(identifier, "")
                found.setdefault(key, (check_nis(nis), *check_names(nl, fr, de, required=False)))
            except ValueError as exc:
                self.run.problem(position, str(exc))
        return found

    def read_postals(self) -> dict[str, str]:
        found = {}
        for position, _line, (identifier, postcode, *names) in self.rows("postals", POSTAL_FIELDS):
            try:
                postcode = check_postcode(postcode)
                found.setdefault(object_id(identifier, ""), postcode)
            except ValueError as exc:
                self.run.problem(position, str(exc))
                continue
            self.postal_names.setdefault(postcode, set()).update(n.strip() for n in names if n.strip())
        return found

    def read_streets(self, municipalities):
        streets, rejected = {}, {}
        for position, line, values in self.rows("streets", STREET_FIELDS):
            identifier, m_identifier, nl, fr, de, _homonym, _type, status = values[:8]
            try:
                source_id = object_id(identifier, self.prefix)
            except ValueError as exc:
                self.run.problem(position, str(exc))
                continue
            try:
                if source_id in streets:
                    raise ValueError(
                        _("duplicate street id %(id)s (first at line %(line)s); the first one is kept")
                        % {"id": source_id, "line": streets[source_id][0]}
                    )
                municipality = municipalities.get(object_id(m_identifier, ""))
                if municipality is None:
                    raise ValueError(
                        _("unknown municipality %(identifier)s") % {"identifier": repr(m_identifier)}
                    )
                names = check_names(nl, fr, de)
            except ValueError as exc:
                rejected.setdefault(source_id, position)
                self.run.problem(position, str(exc))
                continue
            streets[source_id] = (line, municipality[0], *names, status.strip() == RETIRED)
        return streets, rejected

    def stage_addresses(self, streets, rejected, postcodes) -> tuple[set[str], list[str]]:
        used, retired = set(), []
        extent, prefix = self.extent, self.prefix
        with self.staging.copy(self.staging.address, ADDRESS_COLUMNS) as write:
            for position, line, values in self.rows("addresses", ADDRESS_FIELDS):
                try:
                    source_id = object_id(values[0], prefix)
                    if values[8].strip() == RETIRED:
                        retired.append(source_id)
                        continue
                    street = object_id(values[3], prefix)
                    if street in rejected:
                        raise ValueError(
                            _("street %(street)s was not imported (see %(position)s)")
                            % {"street": values[3], "position": rejected[street]}
                        )
                    postal = values[4].strip()
                    postcode = postcodes.get(object_id(postal, "")) if postal else ""
                    if postcode is None:
                        raise ValueError(_("unknown postal code id %(id)s") % {"id": repr(postal)})
                    house_number, number = parse_house_number(values[5])
                    box = check_box(values[6])
                    x, y = parse_wkb_point(values[13].strip())
                    check_position(x, y, extent)
                except ValueError as exc:
                    self.run.problem(position, str(exc))
                    continue
                used.add(street)
                write((line, source_id, street, house_number, number, box, postcode, x, y))
        return used, retired

    def stage_streets(self, streets, used, municipalities) -> None:
        needed = set()
        with self.staging.copy(self.staging.street, STREET_COLUMNS) as write:
            for source_id, (line, nis, nl, fr, de, is_retired) in streets.items():
                if not is_retired or source_id in used:
                    needed.add(nis)
                    write((line, source_id, nis, nl, fr, de))
        by_nis = {}
        for nis, nl, fr, de in municipalities.values():
            if nis in needed:
                by_nis.setdefault(nis, (nis, nl, fr, de))
        with self.staging.copy(self.staging.municipality, MUNICIPALITY_COLUMNS) as write:
            for row in by_nis.values():
                write(row)
