"""The admin's map editor for boundaries (networks, proposals, municipalities, police zones, streets).

Django's own widget loaded OpenLayers from a CDN (a blank box with no internet: "ol is not defined") and
sent the geometry through web mercator and back: every save moved a boundary by about 0.4 mm, whether
anyone had touched the map or not, until BIN Lembeek-Centrum's stored 0.75 m² overlap with a neighbour
grew past the 1 m² tolerance and it could not be saved at all. This editor:

- runs on the vendored Leaflet and Leaflet-Geoman (maps/static/maps/vendor), tiles from core.tiles, and
  shows the areas around the edited one (areas.boundary_context), read-only, for snapping;
- speaks GeoJSON in EPSG:4326 with every digit of a double (repr), transformed once on the server;
- keeps a geometry nobody edited byte for byte: the submitted text equal to the rendered one is the
  stored geometry itself (BoundaryFormField.to_python);
- puts each submitted vertex that lies within SNAP_BACK_M of a stored vertex (the edited area's own or a
  context layer's) exactly on it: a vertex nobody moved comes back unchanged, one snapped to a neighbour
  lies exactly on the neighbour's vertex.
"""

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django import forms
from django.conf import settings
from django.contrib.gis import forms as gis_forms
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import (
    GeometryCollection,
    GEOSException,
    GEOSGeometry,
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.geometry import transformed
from core.tiles import tile_attribution, tile_url

from .boundary_context import ContextLayer, boundary_context

__all__ = [
    "BoundaryAdminMixin",
    "BoundaryFormField",
    "BoundaryFormMixin",
    "BoundaryWidget",
    "editor_json",
    "snapped_back",
]

EDITOR_SRID = 4326
# A vertex the browser sends back within this distance of a stored one is that vertex. The transform
# 31370 -> 4326 -> 31370 alone moves an untouched vertex by up to 0.41 mm (the demo's 801 vertices: PROJ's
# way back from WGS 84 to BD72 is not the exact inverse of the way there), the 0.4 mm every save of the
# old widget added; nobody places a vertex on purpose 1 cm from another.
SNAP_BACK_M = 0.01
# Where the map opens when there is nothing to show (Halle, the demo municipality).
DEFAULT_CENTER = (50.73, 4.24)
DEFAULT_ZOOM = 13
VENDOR = "maps/vendor"


def _geojson(geom: GEOSGeometry) -> dict:
    if type(geom) is GeometryCollection:  # not its subclasses MultiPoint, MultiPolygon…
        return {"type": "GeometryCollection", "geometries": [_geojson(g) for g in geom]}
    return {"type": geom.geom_type, "coordinates": geom.coords}


def editor_json(geom: GEOSGeometry) -> str:
    """`geom` as GeoJSON in EPSG:4326 with full precision (json writes a float's shortest exact repr)."""
    return json.dumps(_geojson(transformed(geom, EDITOR_SRID)), separators=(",", ":"))


# --- putting untouched vertices back ------------------------------------------------------------------


def _vertices(geom: GEOSGeometry) -> Iterator[tuple[float, float]]:
    if isinstance(geom, Point):
        yield geom.coords[:2]
    elif isinstance(geom, LineString):
        for xy in geom.coords:
            yield xy[:2]
    else:  # polygons (their rings) and collections
        for part in geom:
            yield from _vertices(part)


class _VertexIndex:
    """The stored vertices on a grid of SNAP_BACK_M cells: a lookup checks the 3 by 3 cells around a point."""

    def __init__(self, geoms: Iterable[GEOSGeometry], tolerance: float):
        self.tolerance = tolerance
        self.cells: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
        for geom in geoms:
            for x, y in _vertices(geom):
                self.cells[self._cell(x, y)].append((x, y))

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        return math.floor(x / self.tolerance), math.floor(y / self.tolerance)

    def snap(self, x: float, y: float) -> tuple[float, float]:
        cx, cy = self._cell(x, y)
        best, best_d2 = (x, y), self.tolerance**2
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for ox, oy in self.cells.get((cx + dx, cy + dy), ()):
                    d2 = (ox - x) ** 2 + (oy - y) ** 2
                    if d2 <= best_d2:
                        best, best_d2 = (ox, oy), d2
        return best


def _rebuilt(geom: GEOSGeometry, index: _VertexIndex) -> GEOSGeometry:
    if isinstance(geom, Point):
        return Point(index.snap(*geom.coords[:2]), srid=geom.srid)
    if isinstance(geom, LinearRing | LineString):
        coords = [index.snap(*xy[:2]) for xy in geom.coords]
        return (LinearRing if isinstance(geom, LinearRing) else LineString)(coords, srid=geom.srid)
    if isinstance(geom, Polygon):
        return Polygon(*[_rebuilt(ring, index) for ring in geom], srid=geom.srid)
    return type(geom)(*[_rebuilt(part, index) for part in geom], srid=geom.srid)


def snapped_back(geom: GEOSGeometry, *, stored: Iterable[GEOSGeometry]) -> GEOSGeometry:
    """`geom` (storage CRS) with each vertex within SNAP_BACK_M of a vertex of `stored` put exactly on it."""
    return _rebuilt(geom, _VertexIndex(stored, SNAP_BACK_M))


# --- widget and form field -----------------------------------------------------------------------------


class BoundaryWidget(forms.Widget):
    """A Leaflet map that edits one geometry, with the areas around it as read-only, snappable context."""

    template_name = "areas/widgets/boundary.html"

    class Media:
        css = {
            "all": (
                f"{VENDOR}/leaflet-1.9.4/leaflet.css",
                f"{VENDOR}/leaflet-geoman-2.20.2/leaflet-geoman.css",
                "areas/boundary_editor.css",
            )
        }
        js = (
            f"{VENDOR}/leaflet-1.9.4/leaflet.js",
            f"{VENDOR}/leaflet-geoman-2.20.2/leaflet-geoman.min.js",
            "areas/boundary_editor.js",
        )

    def __init__(self, attrs=None, geom_type: str = "GEOMETRY"):
        super().__init__(attrs)
        self.geom_type = geom_type
        self.context_layers: list[ContextLayer] = []

    def format_value(self, value):
        if value is None or value == "":
            return ""
        if isinstance(value, GEOSGeometry):
            return editor_json(value)
        return str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["config_id"] = f"{widget_id}_editor"
        context["widget"]["config"] = {
            "geomType": self.geom_type,
            "language": (get_language() or settings.LANGUAGE_CODE)[:2],
            "center": DEFAULT_CENTER,
            "zoom": DEFAULT_ZOOM,
            "tiles": {"url": tile_url(site_url=""), "attribution": tile_attribution()},
            "labels": {
                "vertex": _("Vertex: drag to move it, right-click to remove it"),
                "middle": _("Middle of a side: drag to add a vertex"),
                "tool": _("Map tool"),
            },
            "context": [
                {"role": layer.role, "name": layer.name, "geometry": json.loads(editor_json(layer.geometry))}
                for layer in self.context_layers
            ],
        }
        return context


class BoundaryFormField(gis_forms.GeometryField):
    """A geometry from the editor (GeoJSON, EPSG:4326) or typed (WKT, EWKT: the storage CRS unless it
    says otherwise), in the storage CRS; the stored geometry itself when nothing was edited."""

    widget = BoundaryWidget

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.geom_type = self.geom_type
        self.original: GEOSGeometry | None = None  # the stored value (BoundaryFormMixin)
        self.snap_to: list[GEOSGeometry] = []  # the context layers' geometries

    def _parse(self, value: str) -> GEOSGeometry:
        try:
            if value.lstrip().startswith("{"):
                data = json.loads(value)
                if not isinstance(data, dict):
                    raise ValueError("not a GeoJSON object")
                data.pop("crs", None)  # RFC 7946: always EPSG:4326
                return GEOSGeometry(json.dumps(data), srid=EDITOR_SRID)
            geom = GEOSGeometry(value)
        except (GEOSException, GDALException, ValueError, TypeError):
            raise ValidationError(self.error_messages["invalid_geom"], code="invalid_geom") from None
        if not geom.srid:
            geom.srid = self.srid or settings.BIN_STORAGE_SRID
        return geom

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, GEOSGeometry):
            return value
        if self.original is not None and value == editor_json(self.original):
            # Nobody edited it: the stored geometry, not a copy that went through two transformations.
            return self.original.clone()
        geom = self._parse(value)
        multi = {"POLYGON": MultiPolygon, "LINESTRING": MultiLineString, "POINT": MultiPoint}
        wanted = self.geom_type.upper()
        if wanted.startswith("MULTI") and geom.geom_type.upper() == wanted[5:]:
            geom = multi[wanted[5:]](geom, srid=geom.srid)
        target = self.srid or settings.BIN_STORAGE_SRID
        if geom.srid != target:
            try:
                geom = transformed(geom, target)
            except (GDALException, GEOSException):
                raise ValidationError(
                    self.error_messages["transform_error"], code="transform_error"
                ) from None
        stored = [g for g in (self.original, *self.snap_to) if g is not None]
        geom = snapped_back(geom, stored=stored) if stored else geom
        if not geom.valid:
            # GEOS says what and where, e.g. "Self-intersection[150123.4 160456.7]" (storage CRS).
            raise ValidationError(
                _("The polygon is not valid: %(reason)s.") % {"reason": geom.valid_reason},
                code="invalid_geom",
            )
        return geom

    def has_changed(self, initial, data):
        if isinstance(data, str) and isinstance(initial, GEOSGeometry):
            return data != editor_json(initial)
        return super().has_changed(initial, data)


class BoundaryFormMixin:
    """For a model form: gives each BoundaryFormField its stored value and the areas around the object
    (as `boundary_viewer`, the user the admin shows the form to, may see them)."""

    boundary_viewer = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {name: f for name, f in self.fields.items() if isinstance(f, BoundaryFormField)}
        if not fields:
            return
        layers = boundary_context(instance=self.instance, user=self.boundary_viewer)
        for name, field in fields.items():
            field.original = getattr(self.instance, name, None) if self.instance.pk else None
            field.snap_to = [layer.geometry for layer in layers]
            field.widget.context_layers = layers


class BoundaryAdminMixin:
    """For a ModelAdmin (before GISModelAdmin): geometry fields get this editor and its form field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, GeometryField) and db_field.dim < 3:
            kwargs.update(widget=BoundaryWidget, form_class=BoundaryFormField)
            return db_field.formfield(**kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        bases = (form,) if issubclass(form, BoundaryFormMixin) else (BoundaryFormMixin, form)
        attrs = {"__module__": form.__module__, "boundary_viewer": request.user}
        return type(form)(form.__name__, bases, attrs)
