"""Geometry checks and conversions shared by every app: the storage CRS, EPSG:4326 at the edges, and the
service area (settings.BIN_SERVICE_BBOX) that every input is checked against."""

import ctypes
import threading
from functools import lru_cache

from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, GDALException, SpatialReference
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = [
    "coord_transform",
    "in_service_area",
    "position_to_storage",
    "projected_extent",
    "service_area_polygon",
    "to_storage",
    "to_storage_multipolygon",
    "to_wgs84",
    "transformed",
]

_local = threading.local()


def coord_transform(source: int, target: int) -> CoordTransform:
    """The transformation between two EPSG codes, built once per thread.

    `geom.transform(4326)` builds a new one on every call, and building one makes PROJ read its database:
    11 ms of a 12 ms point lookup. GDAL transformations must not be shared between threads.
    """
    cache = getattr(_local, "transforms", None)
    if cache is None:
        cache = _local.transforms = {}
    ct = cache.get((source, target))
    if ct is None:
        ct = cache[(source, target)] = CoordTransform(SpatialReference(source), SpatialReference(target))
    return ct


def transformed(geom: GEOSGeometry, srid: int) -> GEOSGeometry:
    """A copy of `geom` in EPSG:`srid` (`geom` must have its SRID set)."""
    if geom.srid is None:
        raise ValueError("the geometry has no SRID")
    if geom.srid == srid:
        return geom.clone()
    out = geom.transform(coord_transform(geom.srid, srid), clone=True)
    out.srid = srid
    return out


# OCTTransform on plain coordinates: what OGRGeometry.transform does inside, without the round trip of a
# point through GEOS, WKB and OGR (some thirty library calls, each releasing and taking back the GIL, for
# a point lookup that otherwise takes twenty microseconds).
_oct_transform = lgdal.OCTTransform
_oct_transform.argtypes = [
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.POINTER(ctypes.c_double),
    ctypes.POINTER(ctypes.c_double),
    ctypes.POINTER(ctypes.c_double),
]
_oct_transform.restype = ctypes.c_int


def position_to_storage(lon: float, lat: float) -> tuple[float, float]:
    """A position in EPSG:4326 degrees as (x, y) in the storage CRS: the same numbers as
    to_storage(Point(lon, lat, srid=4326)) (the same PROJ transformation, coord_transform's)."""
    ct = coord_transform(4326, settings.BIN_STORAGE_SRID)
    x, y, z = ctypes.c_double(lon), ctypes.c_double(lat), ctypes.c_double(0.0)
    if not _oct_transform(ct.ptr, 1, ctypes.byref(x), ctypes.byref(y), ctypes.byref(z)):
        raise GDALException(f"cannot transform ({lon}, {lat}) to EPSG:{settings.BIN_STORAGE_SRID}")
    return x.value, y.value


def to_wgs84(geom: GEOSGeometry) -> GEOSGeometry:
    """A copy of `geom` in EPSG:4326, what the API speaks."""
    return transformed(geom, 4326)


def to_storage(geom: GEOSGeometry) -> GEOSGeometry:
    """A copy of `geom` in the storage CRS (BIN_STORAGE_SRID)."""
    return transformed(geom, settings.BIN_STORAGE_SRID)


def to_storage_multipolygon(geom: GEOSGeometry, *, srid: int | None = None) -> MultiPolygon:
    """Return `geom` as a valid MultiPolygon in the storage CRS, or raise ValidationError saying why."""
    if geom is None or geom.empty:
        raise ValidationError(_("The geometry is empty."))
    source_srid = geom.srid or srid
    if not source_srid:
        raise ValidationError(_("The geometry has no coordinate reference system."))
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom, srid=source_srid)
    if not isinstance(geom, MultiPolygon):
        raise ValidationError(
            _("Expected a polygon or multipolygon, got a %(type)s.") % {"type": geom.geom_type}
        )
    geom.srid = source_srid
    if not geom.valid:
        # GEOS says what is wrong and where, e.g. "Self-intersection[4.25 50.73]".
        raise ValidationError(
            _("The polygon is not valid: %(reason)s (coordinates in EPSG:%(srid)s).")
            % {"reason": geom.valid_reason, "srid": source_srid}
        )
    if source_srid != settings.BIN_STORAGE_SRID:
        geom = transformed(geom, settings.BIN_STORAGE_SRID)
        if not geom.valid:
            raise ValidationError(
                _("The polygon is not valid after projection to EPSG:%(srid)s: %(reason)s.")
                % {"srid": settings.BIN_STORAGE_SRID, "reason": geom.valid_reason}
            )
    return geom


# --- the service area -------------------------------------------------------------------------------------


def in_service_area(lon: float, lat: float) -> bool:
    """Whether a position in EPSG:4326 degrees lies in the service area (settings.BIN_SERVICE_BBOX)."""
    west, south, east, north = settings.BIN_SERVICE_BBOX
    return west <= lon <= east and south <= lat <= north


def service_area_polygon(srid: int | None = None) -> Polygon:
    """The service area as a polygon in EPSG:`srid` (default: the storage CRS)."""
    area = Polygon.from_bbox(settings.BIN_SERVICE_BBOX)
    area.srid = 4326
    return transformed(area, srid or settings.BIN_STORAGE_SRID)


@lru_cache(maxsize=4)
def projected_extent(bbox: tuple[float, float, float, float], srid: int) -> tuple[float, float, float, float]:
    """The envelope in EPSG:`srid` of a lon/lat box such as settings.BIN_SERVICE_BBOX."""
    west, south, east, north = bbox
    steps = 20
    ring = (
        [(west + (east - west) * i / steps, south) for i in range(steps)]
        + [(east, south + (north - south) * i / steps) for i in range(steps)]
        + [(east - (east - west) * i / steps, north) for i in range(steps)]
        + [(west, north - (north - south) * i / steps) for i in range(steps + 1)]
    )
    # The box's edges curve in a projected CRS: densify them before taking the envelope.
    line = LineString(ring, srid=4326)
    line.transform(CoordTransform(SpatialReference(4326), SpatialReference(srid)))
    return line.extent
