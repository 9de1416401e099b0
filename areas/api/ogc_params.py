"""The query parameters of the OGC API - Features (areas.api.ogc): the CRSs it speaks (Part 2, CRS by
reference), `bbox` and `bbox-crs`, `limit` and `offset`, `datetime`; each error a 400 with a message."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

__all__ = [
    "CRS84",
    "CRSS",
    "ITEMS_PARAMETERS",
    "ITEM_PARAMETERS",
    "LIMIT_DEFAULT",
    "LIMIT_MAX",
    "Crs",
    "ItemsQuery",
    "OgcError",
    "crs_of",
    "items_query",
]

LIMIT_DEFAULT, LIMIT_MAX = 100, 1000
ITEMS_PARAMETERS = frozenset({"f", "bbox", "bbox-crs", "limit", "offset", "crs", "datetime"})
ITEM_PARAMETERS = frozenset({"f", "crs"})
FORMATS = ("json", "geojson")


class OgcError(Exception):
    """An answer other than 200, as the OGC exception JSON: {"code": …, "description": …}."""

    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


@dataclass(frozen=True)
class Crs:
    """A CRS of the API: its URI, EPSG code, whether its first axis is latitude, and the decimals written
    (8 in degrees and 3 in metres are both 1 mm)."""

    uri: str
    srid: int
    lat_first: bool = False

    @property
    def geographic(self) -> bool:
        return self.srid == 4326

    @property
    def decimals(self) -> int:
        return 8 if self.geographic else 3


# CRS84 is lon/lat, the default of the API and of GeoJSON. EPSG:4326 is the same datum with OGC's axis
# order, latitude first: a client that asks for it gets [lat, lon] and sends its bbox as lat,lon.
# EPSG:31370 (Lambert 72) is east, north, as stored.
CRS84 = Crs("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326)
CRSS = {
    c.uri: c
    for c in (
        CRS84,
        Crs("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, lat_first=True),
        Crs("http://www.opengis.net/def/crs/EPSG/0/31370", 31370),
    )
}
# Safe CURIEs (OGC 19-072 and Part 2) name the same CRSs.
_CURIES = {
    "[OGC:CRS84]": CRS84.uri,
    "[EPSG:4326]": "http://www.opengis.net/def/crs/EPSG/0/4326",
    "[EPSG:31370]": "http://www.opengis.net/def/crs/EPSG/0/31370",
}


def crs_of(text: str | None, *, parameter: str = "crs") -> Crs:
    """The CRS a parameter names; CRS84 when it is absent."""
    if text is None:
        return CRS84
    crs = CRSS.get(_CURIES.get(text, text))
    if crs is None:
        raise OgcError(
            400,
            "InvalidParameterValue",
            _("%(parameter)s: use one of %(crss)s.") % {"parameter": parameter, "crss": ", ".join(CRSS)},
        )
    return crs


@dataclass(frozen=True)
class ItemsQuery:
    crs: Crs
    limit: int
    offset: int
    # The box in the CRS of bbox-crs (x/y order, as PostGIS wants it), cut to the service area; None: no box.
    bbox: Polygon | None
    # [start, end] of datetime, either end None when open; None: no datetime.
    period: tuple[datetime | None, datetime | None] | None


def items_query(params, *, allowed=ITEMS_PARAMETERS) -> ItemsQuery:
    """The parameters of an items request (a QueryDict), checked; unknown ones are refused (OGC 17-069
    /req/core/query-param-unknown)."""
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise OgcError(
            400,
            "InvalidParameterValue",
            _("Unknown parameter: %(names)s. Known: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(sorted(allowed))},
        )
    fmt = params.get("f")
    if fmt is not None and fmt not in FORMATS:
        raise OgcError(400, "InvalidParameterValue", _("f: this service writes JSON only (f=json)."))
    bbox_crs = crs_of(params.get("bbox-crs"), parameter="bbox-crs")
    return ItemsQuery(
        crs=crs_of(params.get("crs")),
        limit=min(_integer(params, "limit", LIMIT_DEFAULT, minimum=1), LIMIT_MAX),
        offset=_integer(params, "offset", 0, minimum=0),
        bbox=_bbox(params.get("bbox"), bbox_crs),
        period=_period(params.get("datetime")),
    )


def _integer(params, name: str, default: int, *, minimum: int) -> int:
    text = params.get(name)
    if text is None:
        return default
    # More than 9 digits is no limit or offset of this service; int() of thousands of digits raises.
    if not (0 < len(text) <= 9 and text.isascii() and text.isdigit()) or int(text) < minimum:
        raise OgcError(
            400,
            "InvalidParameterValue",
            _("%(name)s: a whole number from %(minimum)s.") % {"name": name, "minimum": minimum},
        )
    # A limit above the maximum is no error: the maximum applies (OGC 17-069 /req/core/fc-limit-response-1).
    return int(text)


def _bbox(text: str | None, crs: Crs) -> Polygon | None:
    if text is None:
        return None
    try:
        numbers = [float(n) for n in text.split(",")]
    except ValueError:
        numbers = []
    # Six numbers carry heights, which these flat areas do not have: the 2D corners are used.
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise OgcError(400, "InvalidParameterValue", _("bbox: four numbers, minx,miny,maxx,maxy."))
    if crs.lat_first:
        numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
    x1, y1, x2, y2 = numbers
    if x1 > x2 or y1 > y2:
        raise OgcError(400, "InvalidParameterValue", _("bbox: the lower corner comes first."))
    if crs.geographic and not (-180 <= x1 <= x2 <= 180 and -90 <= y1 <= y2 <= 90):
        raise OgcError(
            400,
            "InvalidParameterValue",
            _("bbox: longitudes lie between -180 and 180, latitudes between -90 and 90."),
        )
    # Cut to the service area: no area lies beyond it, and a box reaching far beyond it (a pole, 1e16 m)
    # cannot be projected to the storage CRS.
    w, s, e, n = _service_box(crs.srid)
    x1, y1, x2, y2 = max(x1, w), max(y1, s), min(x2, e), min(y2, n)
    if x1 > x2 or y1 > y2:
        x1, y1, x2, y2 = w, s, w, s  # a point in a corner of the service area: nothing lies there
    return _densified(x1, y1, x2, y2, crs.srid)


def _service_box(srid: int) -> tuple[float, float, float, float]:
    box = _densified(*settings.BIN_SERVICE_BBOX, 4326)
    if srid != 4326:
        box.transform(srid)
    return box.extent


def _densified(x1: float, y1: float, x2: float, y2: float, srid: int, steps: int = 16) -> Polygon:
    """The box with points along its edges: an edge of a box in one CRS is a curve in another, and
    PostGIS transforms a polygon's vertices only."""
    xs = [x1 + (x2 - x1) * i / steps for i in range(steps + 1)]
    ys = [y1 + (y2 - y1) * i / steps for i in range(steps + 1)]
    ring = (
        [(x, y1) for x in xs]
        + [(x2, y) for y in ys[1:]]
        + [(x, y2) for x in xs[-2::-1]]
        + [(x1, y) for y in ys[-2::-1]]
    )
    return Polygon(ring, srid=srid)


def _period(text: str | None) -> tuple[datetime | None, datetime | None] | None:
    """datetime= as [start, end]: an instant (a day is all of it) or an interval start/end, where ".." or
    nothing is open."""
    if text is None:
        return None
    parts = text.split("/")
    if len(parts) == 1:
        start, end = _instant(parts[0], end=False), _instant(parts[0], end=True)
        if start is None:
            raise _bad_datetime()
        return start, end
    if len(parts) != 2:
        raise _bad_datetime()
    start = None if parts[0] in ("", "..") else _instant(parts[0], end=False)
    end = None if parts[1] in ("", "..") else _instant(parts[1], end=True)
    if (start is None and parts[0] not in ("", "..")) or (end is None and parts[1] not in ("", "..")):
        raise _bad_datetime()
    if start and end and start > end:
        raise OgcError(400, "InvalidParameterValue", _("datetime: the start comes before the end."))
    return start, end


def _bad_datetime() -> OgcError:
    return OgcError(400, "InvalidParameterValue", _("datetime: a date or time (RFC 3339), or an interval."))


def _instant(text: str, *, end: bool) -> datetime | None:
    # A date first: Python reads "2020-05-01" as a datetime too, its midnight.
    try:
        day = parse_date(text)
        moment = None if day else parse_datetime(text)
    except ValueError:
        return None
    if day is not None:
        # A day stands for all of it, in UTC.
        moment = datetime.combine(day, time.min, tzinfo=UTC)
        return moment + timedelta(days=1) - timedelta(microseconds=1) if end else moment
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment
