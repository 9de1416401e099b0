"""The network form's upload: "replace the area with the polygon(s) of this file".

A GIS officer keeps a BIN's area in QGIS and brings it in as a file: GeoJSON, GeoPackage or a zipped
Shapefile, in whatever CRS the file states (its .prj, its "crs"). The file is read as the importers read
theirs (areas.importers.vector: CRS detection, the service-area check, a valid MultiPolygon in the storage
CRS); every polygon of the file becomes part of the one area. A file of several areas (features with
different names) is refused, naming them: one upload, one network.
"""

import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import ImportAborted, RecordProblem

from .importers.records import text
from .importers.vector import open_vector

__all__ = ["BoundaryUploadForm", "boundary_from_upload"]

# What GDAL opens directly; a .zip is unpacked first (a Shapefile is several files).
DIRECT_SUFFIXES = {".geojson", ".json", ".gpkg", ".kml", ".gml"}
ZIP_MAX_BYTES = 50 * 1024 * 1024
NAME_FIELDS = ("name", "naam", "nom", "label")


def _unzip(archive: Path, into: Path) -> Path:
    """The one vector file inside `archive` (a .shp with its companions, or a .gpkg/.geojson)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            if sum(m.file_size for m in members) > ZIP_MAX_BYTES:
                raise ValidationError(_("The zip file unpacks to more than 50 MB."))
            for member in members:
                # Flattened to their base names: no path from the archive reaches the file system.
                name = Path(member.filename).name
                if name and not name.startswith("."):
                    (into / name).write_bytes(zf.read(member))
    except zipfile.BadZipFile:
        raise ValidationError(_("The file is not a readable zip archive.")) from None
    found = sorted(p for p in into.iterdir() if p.suffix.lower() in {".shp", *DIRECT_SUFFIXES})
    if len(found) != 1:
        raise ValidationError(
            _(
                "The zip file must hold exactly one Shapefile (.shp with .shx, .dbf and .prj); it "
                "holds: %(files)s."
            )
            % {"files": ", ".join(p.name for p in found) or _("none")}
        )
    return found[0]


def _read(path: Path, shown: str) -> MultiPolygon:
    try:
        source = open_vector(path, None, None)
    except ImportAborted as exc:
        raise ValidationError(str(exc).replace(str(path), shown)) from None
    name_field = next((f for f in source.layer.fields if f.lower() in NAME_FIELDS), None)
    parts, names = [], {}
    for position, feature in source.records(progress=False):
        try:
            area = source.geometry(feature)
        except RecordProblem as exc:
            raise ValidationError(
                _("%(file)s, %(position)s: %(problem)s")
                % {"file": shown, "position": position, "problem": exc}
            ) from None
        parts.append(area)
        if name_field:
            names.setdefault(text(feature.get(name_field)), position)
    if not parts:
        raise ValidationError(_("%(file)s holds no polygon.") % {"file": shown})
    names.pop("", None)
    if len(names) > 1:
        raise ValidationError(
            _(
                "%(file)s holds several areas: %(names)s. Upload a file with the polygons of this network "
                "only."
            )
            % {"file": shown, "names": ", ".join(f"“{n}” ({p})" for n, p in names.items())}
        )
    if len(parts) == 1:
        return parts[0]
    joined = MultiPolygon(*[polygon for area in parts for polygon in area], srid=parts[0].srid)
    if not joined.valid:
        # Polygons that overlap or share sides: one area, dissolved.
        union = joined.unary_union
        joined = union if isinstance(union, MultiPolygon) else MultiPolygon(union, srid=union.srid)
    return joined


def boundary_from_upload(*, upload) -> MultiPolygon:
    """The polygons of an uploaded GeoJSON, GeoPackage or zipped Shapefile as one MultiPolygon in the
    storage CRS, or ValidationError saying what is wrong with the file."""
    shown = Path(upload.name).name
    suffix = Path(shown).suffix.lower()
    if suffix not in {".zip", *DIRECT_SUFFIXES}:
        raise ValidationError(
            _("%(file)s: upload a GeoJSON (.geojson), a GeoPackage (.gpkg) or a zipped Shapefile (.zip).")
            % {"file": shown}
        )
    with tempfile.TemporaryDirectory(prefix="bin-upload-") as tmp:
        folder = Path(tmp)
        path = folder / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        if suffix == ".zip":
            unpacked = folder / "unpacked"
            unpacked.mkdir()
            path = _unzip(path, unpacked)
        return _read(path, shown)


class BoundaryUploadForm(forms.Form):
    """Mixed into a network model form (before ModelForm): a file whose polygons replace the area."""

    boundary_file = forms.FileField(
        required=False,
        label=gettext_lazy("Replace the area with the polygon(s) of this file"),
        help_text=gettext_lazy(
            "GeoJSON, GeoPackage or a zipped Shapefile (.shp, .shx, .dbf and .prj), in the coordinate "
            "reference system the file states. All its polygons become this network's area."
        ),
    )

    def clean(self):
        upload = self.cleaned_data.get("boundary_file")
        if upload:
            try:
                self.cleaned_data["boundary"] = boundary_from_upload(upload=upload)
            except ValidationError as exc:
                self.add_error("boundary_file", exc)
            else:
                # What the map sent is replaced, mistakes and all.
                self._errors.pop("boundary", None)
        return super().clean()
