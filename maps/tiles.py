"""The caching tile proxy (BIN_TILE_PROXY): /tiles/<z>/<x>/<y>.png from a disk cache, filled from the
upstream server (BIN_TILE_URL) when a tile is missing or older than BIN_TILE_CACHE_SECONDS; the other
backgrounds of BIN_BASEMAPS likewise at /tiles/<key>/<z>/<x>/<y>.png (core.tiles.basemaps).

Residents' browsers then talk to this service only (core/tiles.py). The proxy serves the tiles that show
the service area (BIN_SERVICE_BBOX) and nothing else, so that it cannot be used to download the world
through it; it sends the upstream server a User-Agent that says who asks (tile servers' usage policies
want one) and serves a stale copy when the upstream cannot be reached.
"""

import logging
import math
import os
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse

from core.tiles import DEFAULT_BASEMAP, basemap

__all__ = ["tile", "tile_bounds", "tile_in_service_area"]

logger = logging.getLogger(__name__)

MAX_TILE_BYTES = 1_000_000  # an OSM tile is 5-50 kB; anything near this is not a tile
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of the web-mercator tile z/x/y."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def tile_in_service_area(z: int, x: int, y: int) -> bool:
    if not 0 <= z <= settings.BIN_TILE_MAX_ZOOM:  # before 2**z: z comes from the URL
        return False
    n = 2**z
    if not (0 <= x < n and 0 <= y < n):
        return False
    west, south, east, north = tile_bounds(z, x, y)
    w, s, e, n_ = settings.BIN_SERVICE_BBOX
    return west <= e and east >= w and south <= n_ and north >= s


def _cache_path(key: str, z: int, x: int, y: int) -> Path:
    # The default background keeps the cache's original layout; the others get a folder each.
    root = Path(settings.BIN_TILE_CACHE_DIR)
    if key != DEFAULT_BASEMAP:
        root = root / key
    return root / str(z) / str(x) / f"{y}.png"


def _fetch(url: str, z: int, x: int, y: int) -> bytes | None:
    for key, value in (("{s}", "a"), ("{r}", ""), ("{z}", str(z)), ("{x}", str(x)), ("{y}", str(y))):
        url = url.replace(key, value)
    request = urllib.request.Request(url, headers={"User-Agent": settings.BIN_TILE_USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=settings.BIN_TILE_TIMEOUT) as response:
            body = response.read(MAX_TILE_BYTES + 1)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        logger.warning("tile %s/%s/%s: upstream failed: %s", z, x, y, exc)
        return None
    if len(body) > MAX_TILE_BYTES or not body.startswith(PNG_SIGNATURE):
        logger.warning("tile %s/%s/%s: upstream answered something that is not a PNG tile", z, x, y)
        return None
    return body


def _store(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed: a reader never sees half a tile, two writers never mix theirs.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(body)
    os.replace(tmp, path)


def _answer(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={settings.BIN_TILE_CACHE_SECONDS}"
    return response


def tile(request, z: int, x: int, y: int, key: str = DEFAULT_BASEMAP):
    """One tile of the background `key` (core.tiles.basemaps) from the cache, fetched upstream when missing
    or stale (and BIN_TILE_PROXY_FETCH allows)."""
    layer = basemap(key)
    if not settings.BIN_TILE_PROXY or layer is None or not tile_in_service_area(z, x, y):
        raise Http404("No such tile.")
    if z > layer["max_zoom"]:
        raise Http404("No such tile.")
    path = _cache_path(key, z, x, y)
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        age = None
    if age is not None and age < settings.BIN_TILE_CACHE_SECONDS:
        return _answer(path.read_bytes())
    body = _fetch(layer["url"], z, x, y) if settings.BIN_TILE_PROXY_FETCH else None
    if body is not None:
        _store(path, body)
        return _answer(body)
    if age is not None:  # stale, but better than a hole in the map
        return _answer(path.read_bytes())
    response = HttpResponse("The tile could not be fetched.", status=502, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response
