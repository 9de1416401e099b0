"""Import municipalities and police zones from the polygons of a vector file, and link the two by a table."""

from pathlib import Path
from typing import Any, Unpack

from django.utils.translation import gettext as _

from core.importing import (
    ImportReport,
    Outcome,
    RecordProblem,
    check_on_error,
    csv_rows,
    import_records,
    run_import,
)

from ..models import Municipality, PoliceZone
from .records import apply_values, csv_table, once, outcome, police_zone, text, updated_line
from .vector import VectorImport, vector_import

__all__ = ["import_municipalities", "import_police_zones", "link_police_zones"]


def import_municipalities(
    *,
    nis_field: str,
    name_nl_field: str | None = None,
    name_fr_field: str | None = None,
    name_de_field: str | None = None,
    police_zone_field: str | None = None,
    police_zone_table: str | Path | None = None,
    **file: Unpack[VectorImport],
) -> ImportReport:
    """Create or update one municipality (by NIS code) per polygon feature of a vector file."""
    # The police zone is the code (ipz32) or number in `police_zone_field`, else the one the CSV
    # `police_zone_table` gives the NIS code (columns gemeente, politiezone, as link_police_zones reads),
    # else the current one.
    source, run = vector_import(**file)
    nis_field = source.field(nis_field, "NIS code field")
    name_fields = {
        f"name_{lang}": source.field(field, f"{lang.upper()} name field")
        for lang, field in (("nl", name_nl_field), ("fr", name_fr_field), ("de", name_de_field))
    }
    police_zone_field = source.field(police_zone_field, "police zone field")
    table = csv_table(police_zone_table, "gemeente", "politiezone") if police_zone_table else {}
    current = {municipality.nis_code: municipality for municipality in Municipality.objects.all()}
    seen: dict[str, str] = {}

    def handle(position: str, feature) -> Outcome:
        nis = text(feature.get(nis_field))
        if not nis:
            raise RecordProblem(_("The NIS code (field %(field)s) is empty.") % {"field": nis_field})
        once(seen, nis, position, _("NIS code “%s”") % nis)
        boundary = source.geometry(feature)
        values: dict[str, Any] = {key: text(feature.get(f)) for key, f in name_fields.items() if f}
        code = (text(feature.get(police_zone_field)) if police_zone_field else "") or table.get(nis, "")
        if code:
            values["police_zone"] = police_zone(code)
            if values["police_zone"] is None:
                raise RecordProblem(
                    _("Unknown police zone “%(code)s” (import the police zones first).") % {"code": code}
                )
        existing = current.get(nis)
        municipality = existing or Municipality(nis_code=nis)
        changed = apply_values(municipality, values, boundary)
        return outcome(municipality, existing is not None, changed, f"{nis} {municipality.name}".strip())

    return source.import_features(handle, **run)


def import_police_zones(
    *,
    code_field: str,
    name_field: str | None = None,
    number_field: str | None = None,
    names_table: str | Path | None = None,
    **file: Unpack[VectorImport],
) -> ImportReport:
    """Create or update one police zone (by source code) per polygon feature of a vector file."""
    # The name is `name_field`'s value, else the one the CSV `names_table` gives the code (columns
    # "geoitem code" and "name", as in politiezone_names.csv), else the current name, else the code.
    source, run = vector_import(**file)
    code_field = source.field(code_field, "code field")
    name_field = source.field(name_field, "name field")
    number_field = source.field(number_field, "number field")
    names = csv_table(names_table, "geoitem code", "name") if names_table else {}
    current = {zone.code: zone for zone in PoliceZone.objects.all()}
    seen: dict[str, str] = {}

    def handle(position: str, feature) -> Outcome:
        code = text(feature.get(code_field))
        if not code:
            raise RecordProblem(_("The code (field %(field)s) is empty.") % {"field": code_field})
        once(seen, code, position, _("code “%s”") % code)
        boundary = source.geometry(feature)
        existing = current.get(code)
        values: dict[str, Any] = {}
        name = (text(feature.get(name_field)) if name_field else "") or names.get(code, "")
        if name or existing is None:
            values["name"] = name or code
        if number_field:
            number = text(feature.get(number_field))
            if number and not number.isdigit():
                raise RecordProblem(_("The zone number “%(number)s” is not a number.") % {"number": number})
            values["number"] = int(number) if number else None
        zone = existing or PoliceZone(code=code)
        changed = apply_values(zone, values, boundary)
        return outcome(zone, existing is not None, changed, f"{code} {zone.name}")

    return source.import_features(handle, **run)


def link_police_zones(
    *,
    csv_path: str | Path,
    nis_column: str = "gemeente",
    police_zone_column: str = "politiezone",
    dry_run: bool = False,
    on_error: str = "skip",
) -> ImportReport:
    """Set each municipality's police zone from a CSV table of NIS codes and police zone codes."""
    check_on_error(on_error)
    rows = list(csv_rows(csv_path, [nis_column, police_zone_column]))

    def handle(position: str, row: dict[str, str]) -> Outcome:
        nis, code = row[nis_column], row[police_zone_column]
        municipality = Municipality.objects.filter(nis_code=nis).first()
        if municipality is None:
            raise RecordProblem(_("Unknown municipality NIS code “%(nis)s”.") % {"nis": nis})
        zone = police_zone(code)
        if zone is None:
            raise RecordProblem(_("Unknown police zone “%(code)s”.") % {"code": code})
        if municipality.police_zone_id == zone.pk:
            return "unchanged", None, None
        municipality.police_zone = zone
        return (
            "updated",
            updated_line(f"{nis} {municipality.name}", ["police_zone"]),
            lambda: municipality.save(update_fields=["police_zone"]),
        )

    return run_import(
        source=str(csv_path),
        dry_run=dry_run,
        on_error=on_error,
        work=lambda run: import_records(run, rows, handle),
    )
