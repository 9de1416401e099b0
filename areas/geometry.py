"""Geometry checks and conversions shared by the importers, the admin and the API."""

from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["to_storage_multipolygon"]


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
        geom = geom.transform(
            CoordTransform(SpatialReference(source_srid), SpatialReference(settings.BIN_STORAGE_SRID)),
            clone=True,
        )
        if not geom.valid:
            raise ValidationError(
                _("The polygon is not valid after projection to EPSG:%(srid)s: %(reason)s.")
                % {"srid": settings.BIN_STORAGE_SRID, "reason": geom.valid_reason}
            )
    return geom
