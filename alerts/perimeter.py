"""Alert perimeters from the API: a GeoJSON polygon or a circle in EPSG:4326, checked, in the storage CRS.

Every refusal says what is wrong and where, in words an officer (or the developer of the map page) can act
on: which ring is not closed, where the polygon crosses itself, that the coordinates look swapped or look
like metres, what the limits are.
"""

import json
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.geometry import in_service_area, to_storage, to_storage_multipolygon

__all__ = ["Perimeter", "perimeter_from_circle", "perimeter_from_geojson", "point_from_lonlat"]


@dataclass
class Perimeter:
    geom: MultiPolygon  # storage CRS
    kind: str  # "polygon" or "circle"
    center: Point | None = None  # storage CRS, circles only
    radius_m: float | None = None


def _bbox_text() -> str:
    w, s, e, n = settings.BIN_SERVICE_BBOX
    return _("longitude %(w)s to %(e)s, latitude %(s)s to %(n)s") % {"w": w, "e": e, "s": s, "n": n}


def _check_service_area(positions: list[tuple[float, float]], what: str) -> None:
    """Refuse coordinates outside the service area, and say when they look swapped or projected."""
    outside = [p for p in positions if not in_service_area(*p)]
    if not outside:
        return
    lon, lat = outside[0]
    where = _("%(what)s has coordinates outside the service area (%(bbox)s), e.g. [%(lon)s, %(lat)s].") % {
        "what": what,
        "bbox": _bbox_text(),
        "lon": lon,
        "lat": lat,
    }
    if all(in_service_area(lat, lon) for lon, lat in positions):
        hint = _(
            "Longitude and latitude look swapped: GeoJSON wants [longitude, latitude], "
            "e.g. [%(lat)s, %(lon)s]."
        ) % {"lat": lat, "lon": lon}
    elif any(abs(x) > 180 or abs(y) > 90 for x, y in positions):
        hint = _(
            "The coordinates look like metres of a projected CRS (e.g. Belgian Lambert 72); "
            "send degrees in WGS 84 (EPSG:4326)."
        )
    else:
        hint = _("Send WGS 84 (EPSG:4326) coordinates inside the service area.")
    raise ValidationError(f"{where} {hint}")


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(_("Coordinates must be numbers, got %(value)r.") % {"value": value})
    return float(value)


def _position(value, where: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) not in (2, 3):
        raise ValidationError(
            _("%(where)s: a position is [longitude, latitude], got %(value)s.")
            % {"where": where, "value": json.dumps(value)[:60]}
        )
    return _number(value[0]), _number(value[1])


def point_from_lonlat(value, *, what: str | None = None) -> Point:
    """[lon, lat] in EPSG:4326 → a Point in the storage CRS, refused outside the service area."""
    what = what or _("The point")
    lon, lat = _position(value, what)
    _check_service_area([(lon, lat)], what)
    return to_storage(Point(lon, lat, srid=4326))


_REASON = re.compile(r"^(?P<reason>[^\[]+)\[(?P<x>[-\d.eE+]+) (?P<y>[-\d.eE+]+)\]")


def _explain_invalid(valid_reason: str) -> str:
    """GEOS says "Self-intersection[4.25 50.73]": turn it into words with the place in lon/lat."""
    m = _REASON.match(valid_reason)
    if not m:
        return _("The polygon is not valid: %(reason)s.") % {"reason": valid_reason}
    reason, x, y = m["reason"].strip(), float(m["x"]), float(m["y"])
    if reason.lower().startswith("self-intersection") or reason.lower().startswith("ring self-intersection"):
        text = _("The polygon crosses itself near longitude %(lon).6f, latitude %(lat).6f.")
    else:
        text = _("The polygon is not valid (%(reason)s) near longitude %(lon).6f, latitude %(lat).6f.")
    return text % {"reason": reason, "lon": x, "lat": y}


def _check_crs(crs) -> None:
    """RFC 7946 dropped `crs`; an old-style named one (or a bare name) is accepted when it says WGS 84
    (CRS84 or 4326). Any other shape of the member is refused with a message, never read blindly."""
    if not crs:
        return
    if isinstance(crs, str):
        name = crs
    else:
        properties = crs.get("properties") if isinstance(crs, dict) else None
        name = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(name, str):
        raise ValidationError(
            _(
                'The perimeter\'s "crs" is not a named CRS ({"type": "name", "properties": {"name": …}}); '
                "leave it out: GeoJSON coordinates are WGS 84 longitude/latitude (RFC 7946)."
            )
        )
    if not re.search(r"(CRS84|4326)$", name):
        raise ValidationError(
            _("GeoJSON coordinates are WGS 84 longitude/latitude (RFC 7946); this one declares %(crs)s.")
            % {"crs": name[:100]}
        )


def perimeter_from_geojson(data) -> Perimeter:
    """A GeoJSON Polygon or MultiPolygon (or a Feature holding one) in EPSG:4326 → a checked Perimeter."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ValidationError(_("The perimeter is not valid JSON: %(error)s.") % {"error": exc}) from exc
        except RecursionError as exc:  # a string of JSON nested thousands deep
            raise ValidationError(_("The perimeter is nested too deeply.")) from exc
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in ("Polygon", "MultiPolygon"):
        got = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise ValidationError(
            _("The perimeter must be a GeoJSON Polygon or MultiPolygon, got %(type)s.") % {"type": got}
        )
    _check_crs(data.get("crs"))
    coords = data.get("coordinates")
    polygons = [coords] if data["type"] == "Polygon" else coords
    if (
        not isinstance(polygons, list)
        or not polygons
        or not all(isinstance(p, list) and p and all(isinstance(r, list) for r in p) for p in polygons)
    ):
        raise ValidationError(_("The perimeter has no coordinates, or they are not nested lists of rings."))
    vertices = sum(len(ring) for poly in polygons for ring in poly)
    limit = settings.BIN_ALERT_MAX_VERTICES
    if vertices > limit:
        raise ValidationError(
            _("The perimeter has %(n)s vertices; the limit is %(limit)s. Simplify the drawing.")
            % {"n": f"{vertices:,}", "limit": f"{limit:,}"}
        )
    geos_polygons, all_positions = [], []
    for pi, poly in enumerate(polygons, start=1):
        rings = []
        for ri, ring in enumerate(poly, start=1):
            label = (
                _("polygon %(p)s, ring %(r)s") % {"p": pi, "r": ri}
                if len(polygons) > 1
                else (_("ring %(r)s") % {"r": ri})
            )
            positions = [_position(v, label) for v in ring]
            if len(positions) < 4:
                raise ValidationError(
                    _("The perimeter's %(ring)s has %(n)s positions; a closed ring needs at least 4.")
                    % {"ring": label, "n": len(positions)}
                )
            if positions[0] != positions[-1]:
                raise ValidationError(
                    _(
                        "The perimeter's %(ring)s is not closed: its first position %(first)s differs "
                        "from its last %(last)s. Repeat the first position at the end."
                    )
                    % {"ring": label, "first": list(positions[0]), "last": list(positions[-1])}
                )
            rings.append(positions)
            all_positions.extend(positions)
        geos_polygons.append(Polygon(*rings, srid=4326))
    _check_service_area(all_positions, _("The perimeter"))
    geom = MultiPolygon(*geos_polygons, srid=4326)
    if not geom.valid:
        raise ValidationError(_explain_invalid(geom.valid_reason))
    return Perimeter(geom=to_storage_multipolygon(geom), kind="polygon")


def perimeter_from_circle(center, radius_m) -> Perimeter:
    """A circle of `radius_m` metres around [lon, lat] → a Perimeter (a 128-gon in the storage CRS)."""
    point = point_from_lonlat(center, what=_("The circle's centre"))
    limit = settings.BIN_ALERT_MAX_RADIUS_M
    if isinstance(radius_m, bool) or not isinstance(radius_m, int | float) or not math.isfinite(radius_m):
        raise ValidationError(_("The radius must be a number of metres."))
    if radius_m <= 0 or radius_m > limit:
        raise ValidationError(
            _("The radius must be more than 0 and at most %(limit)s m (%(km)s km); got %(r)s m.")
            % {"limit": f"{limit:,.0f}", "km": f"{limit / 1000:g}", "r": f"{radius_m:,.0f}"}
        )
    # The storage CRS is metric and conformal (Lambert 72's scale error stays below 0.02 % over Belgium),
    # so a buffer in it is a circle on the ground to well within a metre per kilometre.
    geom = point.buffer(radius_m, quadsegs=32)
    return Perimeter(
        geom=MultiPolygon(geom, srid=point.srid), kind="circle", center=point, radius_m=float(radius_m)
    )
