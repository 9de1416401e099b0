"""What the area importers share: field values as text, comparing and applying values, a record's outcome."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import shapely
from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from core.importing import Outcome, RecordProblem, csv_rows

from ..models import PoliceZone

__all__ = [
    "GEOMETRY_TOLERANCE_M",
    "apply_values",
    "boolean",
    "choice",
    "csv_table",
    "once",
    "outcome",
    "police_zone",
    "text",
    "updated_line",
]

# Two boundaries closer than this (Hausdorff distance, storage CRS metres) are the same boundary. The same
# polygons written in EPSG:4326 with 7 decimals (GDAL's RFC 7946 default) come back up to ~7 mm away from
# the EPSG:31370 originals; with 6 decimals, up to ~7 cm: those count as moved.
GEOMETRY_TOLERANCE_M = 0.01


def text(value: Any) -> str:
    """A field value as text: numbers without a spurious '.0' (NIS codes in Real columns), None as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def csv_table(path: str | Path, key_column: str, value_column: str) -> dict[str, str]:
    """Two columns of a CSV table as a dict."""
    return {row[key_column]: row[value_column] for _pos, row in csv_rows(path, [key_column, value_column])}


def _same_geometry(a: MultiPolygon | None, b: MultiPolygon | None) -> bool:
    """Whether two boundaries in the storage CRS are within GEOMETRY_TOLERANCE_M of each other."""
    if a is None or b is None:
        return a is None and b is None
    if a.equals_exact(b, GEOMETRY_TOLERANCE_M):
        return True
    # Densified, so that a long edge that bows away between two vertices is measured too.
    distance = shapely.hausdorff_distance(
        shapely.from_wkb(bytes(a.wkb)), shapely.from_wkb(bytes(b.wkb)), densify=0.25
    )
    return distance <= GEOMETRY_TOLERANCE_M


def apply_values(instance: models.Model, values: dict[str, Any], boundary: MultiPolygon) -> list[str]:
    """Set the values that differ on `instance` and return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        field = instance._meta.get_field(name)
        if field.is_relation:
            if getattr(instance, field.attname) != (value.pk if value is not None else None):
                setattr(instance, name, value)
                changed.append(name)
        elif getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    if not _same_geometry(instance.boundary, boundary):
        instance.boundary = boundary
        changed.append("boundary")
    return changed


def _reason(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for field, messages in exc.message_dict.items():
        joined = " ".join(messages)
        parts.append(joined if field in ("boundary", "__all__") else f"{field}: {joined}")
    return " ".join(parts)


def outcome(
    instance: models.Model,
    existed: bool,
    changed: list[str],
    label: str,
    save: Callable[[], Any] | None = None,
) -> Outcome:
    """What happened to a record, in words, and how to write it (validated: full_clean, or `save`)."""
    if existed and not changed:
        return "unchanged", None, None

    def write():
        try:
            if save is not None:
                save()
            else:
                instance.full_clean()
                instance.save()
        except ValidationError as exc:
            raise RecordProblem(_reason(exc)) from None

    if not existed:
        return "created", _("create %(label)s") % {"label": label}, write
    return "updated", updated_line(label, changed), write


def updated_line(label: str, changed: list[str]) -> str:
    """The line of report.changes for a record whose fields `changed`."""
    return _("update %(label)s: %(fields)s") % {"label": label, "fields": ", ".join(changed)}


def once(seen: dict, key: Any, position: str, what: str) -> None:
    """Refuse a key the file had before (RecordProblem), else remember where it was."""
    if key in seen:
        raise RecordProblem(_("Same %(what)s as %(other)s.") % {"what": what, "other": seen[key]})
    seen[key] = position


def police_zone(value: Any) -> PoliceZone | None:
    """The police zone with this source code (ipz32) or federal number (5412)."""
    if isinstance(value, PoliceZone):
        return value
    code = text(value)
    zone = PoliceZone.objects.filter(code=code).first()
    if zone is None and code.isdigit():
        zone = PoliceZone.objects.filter(number=int(code)).first()
    return zone


def choice(choices: type[models.TextChoices], value: Any) -> str | None:
    """The choice `value` names, whatever its case; None when it names none."""
    lowered = text(value).lower()
    return next((c for c in choices.values if c.lower() == lowered), None)


def boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}.get(
        text(value).lower()
    )
