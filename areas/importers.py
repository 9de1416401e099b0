"""Import police zones, municipalities and networks from GeoJSON, GeoPackage or Shapefile files in any CRS."""

import contextlib
import csv
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, DataSource, GDALException, SpatialReference, SRSException
from django.contrib.gis.gdal.layer import Layer
from django.contrib.gis.geos import GEOSException, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from core.geometry import to_storage_multipolygon
from core.importing import ImportAborted, ImportReport, RecordError

from .models import Municipality, Network, PoliceZone
from .services import network_save, networks_overlapping

__all__ = [
    "GEOMETRY_TOLERANCE_M",
    "NETWORK_DEFAULT_FIELDS",
    "import_municipalities",
    "import_networks",
    "import_police_zones",
    "link_police_zones",
]

# Two boundaries closer than this (Hausdorff distance, storage CRS metres) are the same boundary. The same
# polygons written in EPSG:4326 with 7 decimals (GDAL's RFC 7946 default) come back up to ~7 mm away from
# the EPSG:31370 originals; with 6 decimals, up to ~7 cm: those count as moved.
GEOMETRY_TOLERANCE_M = 0.01
# Network fields that `defaults` may set when the file does not have them.
NETWORK_DEFAULT_FIELDS = ("kind", "status", "published", "municipality", "police_zone", "description")
ON_ERROR = ("skip", "stop")
# Below this many features a progress bar is only noise.
PROGRESS_MIN_FEATURES = 200


class _RecordProblem(Exception):
    """Why one record cannot be imported; becomes a RecordError with the record's position."""


# "created" / "updated" / "unchanged", the line for report.changes, what writes the record (None: nothing)
_Outcome = tuple[str, str | None, Callable[[], None] | None]


# --- reading the file --------------------------------------------------------------------------------


@dataclass
class _Source:
    """An opened layer and how to bring its geometries into the storage CRS."""

    path: Path
    datasource: DataSource  # keeps the layer's GDAL handle alive
    layer: Layer
    srid: int | None  # EPSG code of the coordinates; None for a CRS that has none (then `transform`)
    transform: CoordTransform | None
    service_area: Polygon

    @property
    def label(self) -> str:
        return f"{self.path} (layer {self.layer.name})"

    def records(self, progress: bool) -> Iterator[tuple[str, Any]]:
        total = len(self.layer)
        features = tqdm(
            self.layer,
            total=total,
            desc=self.layer.name,
            unit=" features",
            file=sys.stderr,
            disable=not progress or total < PROGRESS_MIN_FEATURES,
        )
        for n, feature in enumerate(features, start=1):
            yield f"feature {n} (layer {self.layer.name})", feature

    def field(self, name: str | None, option: str) -> str | None:
        """The layer's field called `name` (exact, else the one case-insensitive match), or ImportAborted."""
        if name is None:
            return None
        fields = self.layer.fields
        if name in fields:
            return name
        matches = [f for f in fields if f.lower() == name.lower()]
        if len(matches) == 1:
            return matches[0]
        raise ImportAborted(
            _("%(source)s has no field “%(name)s” (%(option)s); its fields are: %(fields)s.")
            % {"source": self.label, "name": name, "option": option, "fields": ", ".join(fields) or "none"}
        )

    def values(self, field: str) -> set[str]:
        """Every value of one field, as text."""
        return {_text(feature.get(field)) for feature in self.layer}

    def geometry(self, feature) -> MultiPolygon:
        """The feature's geometry as a valid MultiPolygon in the storage CRS, or _RecordProblem."""
        try:
            ogr = feature.geom
        except GDALException:
            raise _RecordProblem(_("The feature has no geometry.")) from None
        try:
            # Z and M values are dropped: the boundary columns are 2D.
            if ogr.is_3d:
                ogr.set_3d(False)
            if ogr.is_measured:
                ogr.set_measured(False)
            if self.transform is not None:
                ogr.transform(self.transform)
            geom = ogr.geos
        except (GDALException, GEOSException) as exc:
            raise _RecordProblem(
                _("Cannot read the %(type)s geometry: %(error)s.") % {"type": ogr.geom_name, "error": exc}
            ) from None
        geom.srid = self.srid or settings.BIN_STORAGE_SRID
        try:
            boundary = to_storage_multipolygon(geom)
        except ValidationError as exc:
            raise _RecordProblem(" ".join(exc.messages)) from None
        except GDALException as exc:
            raise _RecordProblem(
                _("Cannot project the geometry from EPSG:%(srid)s: %(error)s.")
                % {"srid": geom.srid, "error": exc}
            ) from None
        if not self.service_area.contains(boundary):
            raise _RecordProblem(
                _(
                    "The area lies (partly) outside the service area %(bbox)s: are the coordinates really in "
                    "EPSG:%(srid)s, and not swapped?"
                )
                % {"bbox": settings.BIN_SERVICE_BBOX, "srid": geom.srid}
            )
        return boundary


def _open(path: str | Path, layer: str | int | None, source_srid: int | None) -> _Source:
    """Open the layer of a vector file GDAL can read, and find the CRS of its coordinates."""
    path = Path(path)
    if not path.exists():
        raise ImportAborted(_("%(path)s: no such file.") % {"path": path})
    try:
        datasource = DataSource(str(path))
    except GDALException:
        raise ImportAborted(
            _(
                "%(path)s: GDAL cannot read this file as GeoJSON, GeoPackage, Shapefile or another "
                "vector format."
            )
            % {"path": path}
        ) from None
    names = [lyr.name for lyr in datasource]
    if not names:
        raise ImportAborted(_("%(path)s has no layers.") % {"path": path})
    if layer is None:
        index = 0
    elif str(layer) in names:
        index = names.index(str(layer))
    elif str(layer).isdigit() and int(layer) < len(names):
        index = int(layer)
    else:
        raise ImportAborted(
            _("%(path)s has no layer “%(layer)s”; its layers are: %(names)s.")
            % {"path": path, "layer": layer, "names": ", ".join(names)}
        )
    lyr = datasource[index]
    if lyr.geom_type.name == "None":
        raise ImportAborted(
            _("%(path)s: layer %(layer)s has no geometries.") % {"path": path, "layer": lyr.name}
        )

    srid, transform, srs = source_srid, None, lyr.srs
    if srid is not None:
        # An explicit source_srid wins over what the file says, as ogr2ogr's -s_srs does.
        try:
            srs = SpatialReference(int(srid))
        except (GDALException, SRSException, ValueError, TypeError):
            raise ImportAborted(_("EPSG:%(srid)s is not a known CRS.") % {"srid": srid}) from None
        srid = int(srid)
    elif srs is None:
        raise ImportAborted(
            _(
                "%(path)s: layer %(layer)s does not say its coordinate reference system (a Shapefile "
                "without its .prj?). Give the EPSG code of its coordinates with source_srid (--srid), "
                "e.g. 31370 for Belgian Lambert 72 or 4326 for longitude/latitude."
            )
            % {"path": path, "layer": lyr.name}
        )
    else:
        if srs.auth_name(None) != "EPSG":
            with contextlib.suppress(SRSException):  # no EPSG code matches
                srs.identify_epsg()
        if srs.auth_name(None) == "EPSG":
            srid = srs.srid
        else:
            transform = CoordTransform(srs, SpatialReference(settings.BIN_STORAGE_SRID))

    if len(lyr) and srs.geographic:
        # GeoJSON without a "crs" member is always read as WGS 84 (RFC 7946), whatever its numbers are.
        xmin, ymin, xmax, ymax = lyr.extent.tuple
        if not (-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90):
            raise ImportAborted(
                _(
                    "%(path)s: the coordinates (%(x).0f, %(y).0f …) are not longitude/latitude, yet the file "
                    "says EPSG:%(srid)s (GeoJSON without a “crs” member always does). Give the EPSG code of "
                    "the coordinates with source_srid (--srid), e.g. 31370."
                )
                % {"path": path, "x": xmin, "y": ymin, "srid": srid or srs.name}
            )
    service_area = Polygon.from_bbox(settings.BIN_SERVICE_BBOX)
    service_area.srid = 4326
    service_area.transform(settings.BIN_STORAGE_SRID)
    return _Source(path, datasource, lyr, srid, transform, service_area)


def _csv_rows(path: str | Path, columns: Iterable[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield ("line N (file)", row) for a CSV table with a header, after checking it has `columns`."""
    path = Path(path)
    if not path.is_file():
        raise ImportAborted(_("%(path)s: no such file.") % {"path": path})
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        try:
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportAborted(
                    _("%(path)s has no column %(missing)s; its columns are: %(columns)s.")
                    % {
                        "path": path,
                        "missing": ", ".join(f"“{c}”" for c in missing),
                        "columns": ", ".join(reader.fieldnames or []),
                    }
                )
            for row in reader:
                values = {k: (v or "").strip() for k, v in row.items() if k}
                yield f"line {reader.line_num} ({path.name})", values
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ImportAborted(
                _("%(path)s is not a UTF-8 CSV table: %(error)s.") % {"path": path, "error": exc}
            ) from None


def _table(path: str | Path, key_column: str, value_column: str) -> dict[str, str]:
    return {row[key_column]: row[value_column] for _pos, row in _csv_rows(path, [key_column, value_column])}


# --- the import loop ---------------------------------------------------------------------------------


def _run(
    *,
    report: ImportReport,
    records: Iterable[tuple[str, Any]],
    handle: Callable[[str, Any], _Outcome],
    on_error: str,
    dry_run: bool,
    finish: Callable[[], None] | None = None,
) -> ImportReport:
    # One transaction for the whole file: on_error="stop" and dry runs leave nothing behind. Each write
    # gets a savepoint so that a refused record does not spoil the others, and later records are validated
    # against the earlier ones of the same file (overlaps between two features are caught). Unchanged
    # records cost no write and no savepoint.
    position = ""
    try:
        with transaction.atomic():
            for position, record in records:
                try:
                    outcome, change, write = handle(position, record)
                    if write is not None:
                        try:
                            with transaction.atomic():
                                write()
                        except DatabaseError as exc:  # rolled back to the savepoint: the rest can go on
                            raise _RecordProblem(
                                _("The database refused the record: %(error)s") % {"error": exc}
                            ) from exc
                except _RecordProblem as exc:
                    error = RecordError(position=position, reason=str(exc))
                    report.errors.append(error)
                    if on_error == "stop":
                        raise ImportAborted(
                            _(
                                "%(error)s Stopped at the first bad record (on_error=stop): "
                                "nothing was written."
                            )
                            % {"error": error},
                            report,
                        ) from None
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
                if change:
                    report.changes.append(change)
            if finish is not None:
                finish()  # may raise ImportAborted: the whole file is rolled back
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as exc:  # while reading: the transaction is spoilt
        raise ImportAborted(
            _("%(position)s: the database failed: %(error)s. Nothing was written.")
            % {"position": position, "error": exc},
            report,
        ) from exc
    return report


def _check_on_error(on_error: str) -> None:
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {ON_ERROR}, not {on_error!r}")


def _text(value: Any) -> str:
    """A field value as text: numbers without a spurious '.0' (NIS codes in Real columns), None as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


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


def _apply(instance: models.Model, values: dict[str, Any], boundary: MultiPolygon) -> list[str]:
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
        text = " ".join(messages)
        parts.append(text if field in ("boundary", "__all__") else f"{field}: {text}")
    return " ".join(parts)


def _outcome(
    instance: models.Model,
    existed: bool,
    changed: list[str],
    label: str,
    save: Callable[[], Any] | None = None,
) -> _Outcome:
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
            raise _RecordProblem(_reason(exc)) from None

    if not existed:
        return "created", f"create {label}", write
    return "updated", f"update {label}: {', '.join(changed)}", write


def _once(seen: dict, key: Any, position: str, what: str) -> None:
    if key in seen:
        raise _RecordProblem(_("Same %(what)s as %(other)s.") % {"what": what, "other": seen[key]})
    seen[key] = position


def _police_zone(value: Any) -> PoliceZone | None:
    """The police zone with this source code (ipz32) or federal number (5412)."""
    if isinstance(value, PoliceZone):
        return value
    text = _text(value)
    zone = PoliceZone.objects.filter(code=text).first()
    if zone is None and text.isdigit():
        zone = PoliceZone.objects.filter(number=int(text)).first()
    return zone


def _choice(choices: type[models.TextChoices], value: Any) -> str | None:
    text = _text(value).lower()
    return next((c for c in choices.values if c.lower() == text), None)


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}.get(
        _text(value).lower()
    )


# --- networks ----------------------------------------------------------------------------------------


def _network_defaults(defaults: dict[str, Any]) -> dict[str, Any]:
    """Check and resolve the `defaults` of import_networks, or raise ImportAborted."""
    unknown = sorted(set(defaults) - set(NETWORK_DEFAULT_FIELDS))
    if unknown:
        raise ImportAborted(
            _("Unknown defaults: %(unknown)s; allowed: %(allowed)s.")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(NETWORK_DEFAULT_FIELDS)}
        )
    resolved: dict[str, Any] = {}
    for key, value in defaults.items():
        if value is None:
            continue
        if key == "kind":
            resolved[key] = _choice(Network.Kind, value)
        elif key == "status":
            resolved[key] = _choice(Network.Status, value)
        elif key == "published":
            resolved[key] = _boolean(value)
        elif key == "municipality":
            resolved[key] = (
                value
                if isinstance(value, Municipality)
                else Municipality.objects.select_related("police_zone").filter(nis_code=_text(value)).first()
            )
        elif key == "police_zone":
            resolved[key] = _police_zone(value)
        else:
            resolved[key] = str(value)
        if resolved[key] is None:
            allowed = {"kind": Network.Kind.values, "status": Network.Status.values}.get(key)
            hint = _(" (one of %(values)s)") % {"values": ", ".join(allowed)} if allowed else ""
            raise ImportAborted(
                _("Default %(key)s: “%(value)s” is not known%(hint)s.")
                % {"key": key, "value": value, "hint": hint}
            )
    return resolved


class _Municipalities:
    """Municipalities by NIS code or by location, remembered for the length of one import."""

    def __init__(self):
        self._by_nis: dict[str, Municipality | None] = {}
        self._found: list[tuple[Municipality, tuple, Any]] = []

    def by_nis(self, nis: str) -> Municipality | None:
        if nis not in self._by_nis:
            self._by_nis[nis] = (
                Municipality.objects.select_related("police_zone").filter(nis_code=nis).first()
            )
        return self._by_nis[nis]

    def containing(self, boundary: MultiPolygon) -> Municipality | None:
        # The point on surface lies inside the area even for a U-shaped one, unlike the centroid.
        point = boundary.point_on_surface
        # Networks come in clusters per municipality: ask the ones found before (in memory, most recent
        # first) before the database, so a file of thousands makes one query per municipality.
        for i, (municipality, (xmin, ymin, xmax, ymax), prepared) in enumerate(self._found):
            if xmin <= point.x <= xmax and ymin <= point.y <= ymax and prepared.contains(point):
                self._found.insert(0, self._found.pop(i))
                return municipality
        municipality = (
            Municipality.objects.select_related("police_zone")
            .filter(boundary__contains=point)
            .order_by("nis_code")
            .first()
        )
        if municipality is not None:
            self._found.insert(
                0, (municipality, municipality.boundary.extent, municipality.boundary.prepared)
            )
        return municipality


def import_networks(
    *,
    path: str | Path,
    layer: str | int | None = None,
    source_srid: int | None = None,
    name_field: str = "name",
    id_field: str | None = None,
    id_prefix: str = "",
    kind_field: str | None = None,
    municipality_field: str | None = None,
    defaults: dict[str, Any] | None = None,
    dry_run: bool = False,
    on_error: str = "skip",
    progress: bool = False,
) -> ImportReport:
    """Create or update one network per polygon feature of a vector file; see the comment inside."""
    # Which network a feature is: with `id_field`, the one whose source_id is `id_prefix` + the id value as
    # written in the file (ggw7's geoitem "23027W05" stays "23027W05"; give a prefix such as "ggw7:" when
    # ids of two sources could collide); without it, the one with the same name in the same municipality.
    # The municipality is the NIS code in `municipality_field`, else defaults["municipality"], else the
    # one whose boundary contains the area's point on surface. The police zone is defaults["police_zone"],
    # else the municipality's (on creation, or when the municipality changes). Fields neither mapped nor
    # in `defaults` keep the model default on creation and their current value on update, so a re-import
    # does not undo the status or publication staff set in the admin.
    _check_on_error(on_error)
    source = _open(path, layer, source_srid)
    name_field = source.field(name_field, "name field")
    id_field = source.field(id_field, "id field")
    kind_field = source.field(kind_field, "kind field")
    municipality_field = source.field(municipality_field, "municipality field")
    fixed = _network_defaults(defaults or {})
    municipalities = _Municipalities()
    seen: dict[Any, str] = {}
    # The networks the file may update, in one query rather than one per feature.
    if id_field:
        ids = {f"{id_prefix}{value}" for value in source.values(id_field)}
        by_id = Network.objects.filter(source_id__in=ids).in_bulk(field_name="source_id")
        not_yet = {n.pk for n in by_id.values()}
    else:
        by_name: dict[tuple[str, int], list[Network]] = {}
        for network in Network.objects.filter(name__in=source.values(name_field)):
            by_name.setdefault((network.name, network.municipality_id), []).append(network)
        not_yet = {n.pk for group in by_name.values() for n in group}
    # A new edition moves shared borders: while a feature is checked, the networks of the features still
    # to come keep their old boundaries, which the new one may overlap. Those are left out of its check;
    # when all features are in, every network saved that way is checked against all the others (a first
    # import leaves nothing out and needs no second check).
    moved: set[int] = set()

    def handle(position: str, feature) -> _Outcome:
        name = _text(feature.get(name_field))
        if not name:
            raise _RecordProblem(_("The name (field %(field)s) is empty.") % {"field": name_field})
        boundary = source.geometry(feature)
        values: dict[str, Any] = {"name": name}
        if kind_field and _text(feature.get(kind_field)):
            values["kind"] = _choice(Network.Kind, feature.get(kind_field))
            if values["kind"] is None:
                raise _RecordProblem(
                    _("Unknown kind “%(kind)s” (one of %(kinds)s).")
                    % {"kind": _text(feature.get(kind_field)), "kinds": ", ".join(Network.Kind.values)}
                )
        elif "kind" in fixed:
            values["kind"] = fixed["kind"]
        nis = _text(feature.get(municipality_field)) if municipality_field else ""
        if nis:
            municipality = municipalities.by_nis(nis)
            if municipality is None:
                raise _RecordProblem(_("Unknown municipality NIS code “%(nis)s”.") % {"nis": nis})
        elif "municipality" in fixed:
            municipality = fixed["municipality"]
        else:
            municipality = municipalities.containing(boundary)
            if municipality is None:
                raise _RecordProblem(
                    _(
                        "No municipality contains this area (import the municipalities first, or give the "
                        "municipality's NIS code in a field or as a default)."
                    )
                )
        values["municipality"] = municipality

        if id_field:
            raw_id = _text(feature.get(id_field))
            if not raw_id:
                raise _RecordProblem(_("The identifier (field %(field)s) is empty.") % {"field": id_field})
            values["source_id"] = f"{id_prefix}{raw_id}"
            _once(seen, values["source_id"], position, _("identifier “%s”") % raw_id)
            existing = by_id.get(values["source_id"])
        else:
            _once(seen, (name, municipality.pk), position, _("name “%s”") % name)
            matches = by_name.get((name, municipality.pk), [])
            if len(matches) > 1:
                raise _RecordProblem(
                    _("Several networks are called “%(name)s” in %(municipality)s; give an id field.")
                    % {"name": name, "municipality": municipality}
                )
            existing = matches[0] if matches else None

        for key in ("status", "published", "description"):
            if key in fixed:
                values[key] = fixed[key]
        if "police_zone" in fixed:
            values["police_zone"] = fixed["police_zone"]
        elif (
            existing is None or existing.municipality_id != municipality.pk or existing.police_zone_id is None
        ):
            values["police_zone"] = municipality.police_zone

        network = existing or Network()
        not_yet.discard(network.pk)
        changed = _apply(network, values, boundary)

        def save():
            # The same checks as the admin: field validation, validity, overlap with residential BINs.
            left_out = not_yet - {network.pk}
            network_save(network=network, also_moving=left_out)
            if left_out:  # checked against fewer boundaries than there are: checked again at the end
                moved.add(network.pk)

        return _outcome(network, existing is not None, changed, name, save)

    def finish():
        overlaps = networks_overlapping(network_ids=moved)
        if overlaps:
            raise ImportAborted(
                _(
                    "After this import %(errors)s: a feature that would have moved the shared border too "
                    "was refused. Nothing was written."
                )
                % {"errors": "; ".join(f"{network.name}: {error}" for network, error in overlaps)},
                report,
            )

    report = ImportReport(source=source.label, dry_run=dry_run)
    return _run(
        report=report,
        records=source.records(progress),
        handle=handle,
        on_error=on_error,
        dry_run=dry_run,
        finish=finish,
    )


# --- municipalities and police zones -----------------------------------------------------------------


def import_municipalities(
    *,
    path: str | Path,
    layer: str | int | None = None,
    source_srid: int | None = None,
    nis_field: str,
    name_nl_field: str | None = None,
    name_fr_field: str | None = None,
    name_de_field: str | None = None,
    police_zone_field: str | None = None,
    police_zone_table: str | Path | None = None,
    dry_run: bool = False,
    on_error: str = "skip",
    progress: bool = False,
) -> ImportReport:
    """Create or update one municipality (by NIS code) per polygon feature of a vector file."""
    # The police zone is the code (ipz32) or number in `police_zone_field`, else the one the CSV
    # `police_zone_table` gives the NIS code (columns gemeente, politiezone, as link_police_zones reads),
    # else the current one.
    _check_on_error(on_error)
    source = _open(path, layer, source_srid)
    nis_field = source.field(nis_field, "NIS code field")
    name_fields = {
        f"name_{lang}": source.field(field, f"{lang.upper()} name field")
        for lang, field in (("nl", name_nl_field), ("fr", name_fr_field), ("de", name_de_field))
    }
    police_zone_field = source.field(police_zone_field, "police zone field")
    table = _table(police_zone_table, "gemeente", "politiezone") if police_zone_table else {}
    current = {municipality.nis_code: municipality for municipality in Municipality.objects.all()}
    seen: dict[str, str] = {}

    def handle(position: str, feature) -> _Outcome:
        nis = _text(feature.get(nis_field))
        if not nis:
            raise _RecordProblem(_("The NIS code (field %(field)s) is empty.") % {"field": nis_field})
        _once(seen, nis, position, _("NIS code “%s”") % nis)
        boundary = source.geometry(feature)
        values: dict[str, Any] = {key: _text(feature.get(f)) for key, f in name_fields.items() if f}
        code = (_text(feature.get(police_zone_field)) if police_zone_field else "") or table.get(nis, "")
        if code:
            values["police_zone"] = _police_zone(code)
            if values["police_zone"] is None:
                raise _RecordProblem(
                    _("Unknown police zone “%(code)s” (import the police zones first).") % {"code": code}
                )
        existing = current.get(nis)
        municipality = existing or Municipality(nis_code=nis)
        changed = _apply(municipality, values, boundary)
        return _outcome(municipality, existing is not None, changed, f"{nis} {municipality.name}".strip())

    report = ImportReport(source=source.label, dry_run=dry_run)
    return _run(
        report=report, records=source.records(progress), handle=handle, on_error=on_error, dry_run=dry_run
    )


def import_police_zones(
    *,
    path: str | Path,
    layer: str | int | None = None,
    source_srid: int | None = None,
    code_field: str,
    name_field: str | None = None,
    number_field: str | None = None,
    names_table: str | Path | None = None,
    dry_run: bool = False,
    on_error: str = "skip",
    progress: bool = False,
) -> ImportReport:
    """Create or update one police zone (by source code) per polygon feature of a vector file."""
    # The name is `name_field`'s value, else the one the CSV `names_table` gives the code (columns
    # "geoitem code" and "name", as in politiezone_names.csv), else the current name, else the code.
    _check_on_error(on_error)
    source = _open(path, layer, source_srid)
    code_field = source.field(code_field, "code field")
    name_field = source.field(name_field, "name field")
    number_field = source.field(number_field, "number field")
    names = _table(names_table, "geoitem code", "name") if names_table else {}
    current = {zone.code: zone for zone in PoliceZone.objects.all()}
    seen: dict[str, str] = {}

    def handle(position: str, feature) -> _Outcome:
        code = _text(feature.get(code_field))
        if not code:
            raise _RecordProblem(_("The code (field %(field)s) is empty.") % {"field": code_field})
        _once(seen, code, position, _("code “%s”") % code)
        boundary = source.geometry(feature)
        existing = current.get(code)
        values: dict[str, Any] = {}
        name = (_text(feature.get(name_field)) if name_field else "") or names.get(code, "")
        if name or existing is None:
            values["name"] = name or code
        if number_field:
            number = _text(feature.get(number_field))
            if number and not number.isdigit():
                raise _RecordProblem(_("The zone number “%(number)s” is not a number.") % {"number": number})
            values["number"] = int(number) if number else None
        zone = existing or PoliceZone(code=code)
        changed = _apply(zone, values, boundary)
        return _outcome(zone, existing is not None, changed, f"{code} {zone.name}")

    report = ImportReport(source=source.label, dry_run=dry_run)
    return _run(
        report=report, records=source.records(progress), handle=handle, on_error=on_error, dry_run=dry_run
    )


def link_police_zones(
    *,
    csv_path: str | Path,
    nis_column: str = "gemeente",
    police_zone_column: str = "politiezone",
    dry_run: bool = False,
    on_error: str = "skip",
) -> ImportReport:
    """Set each municipality's police zone from a CSV table of NIS codes and police zone codes."""
    _check_on_error(on_error)
    rows = list(_csv_rows(csv_path, [nis_column, police_zone_column]))

    def handle(position: str, row: dict[str, str]) -> _Outcome:
        nis, code = row[nis_column], row[police_zone_column]
        municipality = Municipality.objects.filter(nis_code=nis).first()
        if municipality is None:
            raise _RecordProblem(_("Unknown municipality NIS code “%(nis)s”.") % {"nis": nis})
        zone = _police_zone(code)
        if zone is None:
            raise _RecordProblem(_("Unknown police zone “%(code)s”.") % {"code": code})
        if municipality.police_zone_id == zone.pk:
            return "unchanged", None, None
        municipality.police_zone = zone
        return (
            "updated",
            f"update {nis} {municipality.name}: police_zone",
            lambda: municipality.save(update_fields=["police_zone"]),
        )

    report = ImportReport(source=str(csv_path), dry_run=dry_run)
    return _run(report=report, records=rows, handle=handle, on_error=on_error, dry_run=dry_run)
