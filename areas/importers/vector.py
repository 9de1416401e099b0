"""The files of the area importers: a layer of any vector file GDAL reads, its CRS and its geometries."""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Required, TypedDict, Unpack

from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, DataSource, GDALException, SpatialReference, SRSException
from django.contrib.gis.gdal.layer import Layer
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.geometry import to_storage_multipolygon
from core.importing import (
    ImportAborted,
    ImportReport,
    ImportRun,
    Outcome,
    RecordProblem,
    check_on_error,
    import_records,
    progress_iter,
    run_import,
)

from .records import text
from .repair import geos_notices, repeated_rings, with_notices

__all__ = ["VectorImport", "VectorSource", "open_vector", "vector_import"]

# Takes a geometry in the file's CRS; gives it back, or its repair with a note of what changed.
Repair = Callable[[GEOSGeometry], tuple[GEOSGeometry, str | None]]

# Below this many features a progress bar is only noise.
PROGRESS_MIN_FEATURES = 200


class VectorImport(TypedDict, total=False):
    """What every polygon importer takes besides its own fields: the file (path; layer name or index, default
    the first; source_srid, the EPSG code of the coordinates when the file does not say or says wrong) and
    how to run (dry_run, on_error "skip" or "stop", progress)."""

    path: Required[str | Path]
    layer: str | int | None
    source_srid: int | None
    dry_run: bool
    on_error: str
    progress: bool


@dataclass
class VectorSource:
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
        """(position, feature) of each feature of the layer."""
        features = progress_iter(
            self.layer,
            total=len(self.layer),
            desc=self.layer.name,
            unit=" features",
            progress=progress,
            min_total=PROGRESS_MIN_FEATURES,
        )
        for n, feature in enumerate(features, start=1):
            yield f"feature {n} (layer {self.layer.name})", feature

    def import_features(
        self,
        handle: Callable[[str, Any], Outcome],
        *,
        dry_run: bool,
        on_error: str,
        progress: bool,
        finish: Callable[[ImportReport], None] | None = None,
    ) -> ImportReport:
        """Run `handle` on each feature in one import; then `finish`, which may still abort it."""

        def work(run: ImportRun) -> None:
            import_records(run, self.records(progress), handle)
            if finish is not None:
                finish(run.report)

        return run_import(source=self.label, dry_run=dry_run, on_error=on_error, work=work)

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
        return {text(feature.get(field)) for feature in self.layer}

    def geometry(self, feature) -> MultiPolygon:
        """The feature's geometry as a valid MultiPolygon in the storage CRS, or RecordProblem."""
        return self.checked_geometry(feature)[0]

    def checked_geometry(
        self, feature, *, repair: Repair | None = None, invalid_hint: str = ""
    ) -> tuple[MultiPolygon, str | None]:
        """geometry(), with `repair` given a chance at an invalid polygon: (boundary, what it changed).

        What GEOS says about a broken polygon becomes part of the record's message (once), not lines on
        stderr; `invalid_hint` follows the message of an invalid polygon (say how to have it repaired).
        """
        with geos_notices() as notices:
            try:
                boundary, note = self._checked_geometry(feature, repair, invalid_hint)
            except RecordProblem as exc:
                raise RecordProblem(with_notices(str(exc), notices)) from None
        return boundary, with_notices(note, notices) if note else None

    def _checked_geometry(
        self, feature, repair: Repair | None, invalid_hint: str
    ) -> tuple[MultiPolygon, str | None]:
        try:
            ogr = feature.geom
        except GDALException:
            raise RecordProblem(_("The feature has no geometry.")) from None
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
            raise RecordProblem(
                _("Cannot read the %(type)s geometry: %(error)s.") % {"type": ogr.geom_name, "error": exc}
            ) from None
        geom.srid = self.srid or settings.BIN_STORAGE_SRID
        note = None
        try:
            if repair is not None:
                geom, note = repair(geom)
            boundary = to_storage_multipolygon(geom)
        except ValidationError as exc:
            invalid = isinstance(geom, Polygon | MultiPolygon) and not geom.valid
            said = list(exc.messages)
            repeated = repeated_rings(geom) if invalid else []
            if repeated:
                said.append(_("Cause: %(rings)s.") % {"rings": "; ".join(repeated)})
            raise RecordProblem(
                " ".join([*said, invalid_hint] if invalid_hint and invalid else said)
            ) from None
        except GDALException as exc:
            raise RecordProblem(
                _("Cannot project the geometry from EPSG:%(srid)s: %(error)s.")
                % {"srid": geom.srid, "error": exc}
            ) from None
        if not self.service_area.contains(boundary):
            raise RecordProblem(
                _(
                    "The area lies (partly) outside the service area %(bbox)s: are the coordinates really in "
                    "EPSG:%(srid)s, and not swapped?"
                )
                % {"bbox": settings.BIN_SERVICE_BBOX, "srid": geom.srid}
            )
        return boundary, note


def vector_import(**options: Unpack[VectorImport]) -> tuple["VectorSource", dict]:
    """The opened file of an import (ImportAborted when it cannot be read) and the run options for
    VectorSource.import_features."""
    run = {"dry_run": False, "on_error": "skip", "progress": False}
    run.update({key: options[key] for key in run if key in options})
    check_on_error(run["on_error"])
    return open_vector(options["path"], options.get("layer"), options.get("source_srid")), run


def open_vector(path: str | Path, layer: str | int | None, source_srid: int | None) -> VectorSource:
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
    return VectorSource(path, datasource, lyr, srid, transform, service_area)
