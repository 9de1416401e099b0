"""The public area maps' rendered parts, cached per page, language and data version.

With the networks' display shapes stored (areas.NetworkDisplayShape) a police-zone page of 200 detailed BINs
still took ~0.5 s warm, most of it decoding the shapes and rendering the folium map (0.13 s cached)
(scripts/bench_map_render.py). The parts map_parts() returns (header, map <div>, script) are the same for
every visitor who sees only published networks, so they are cached (CACHES default: local memory in
development, Redis in production). They hold no nonce: the template puts the response's own CSP nonce on
the <script> element around them, so a cached script is never blocked.

The key carries a data version computed from what the map draws: the visible networks' popup fields and the
ids of their stored display shapes (the trigger writes new rows, so new ids, whenever a boundary changes,
whoever changes it), the area's names and outline, the language, the background maps and the vector-tile
threshold. A change to any of them is a new key; nothing is ever invalidated by hand, and old entries
expire (MAP_CACHE_SECONDS).
Maps for users who see unpublished networks are never cached.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, QuerySet
from django.utils.translation import get_language

from areas.models import Municipality, Network, PoliceZone
from core.tiles import basemaps

from .selectors import COORDINATE_DECIMALS, DISPLAY_TOLERANCES, POPUP_FIELDS, VERTEX_BUDGET

__all__ = ["MAP_CACHE_SECONDS", "cached_map_parts", "map_data_version"]

# A day: an entry whose data changed is never read again (its key is gone), so this only bounds memory.
MAP_CACHE_SECONDS = 24 * 3600


def map_data_version(*, area: Municipality | PoliceZone, networks: QuerySet[Network]) -> str:
    """A digest of everything an area map draws; it changes whenever any of it does."""
    digest = hashlib.sha256()
    rows = (
        networks.select_related(None)
        .order_by("pk")
        .values_list("pk", *POPUP_FIELDS)
        .annotate(shapes=Max("display_shapes__id"))
    )
    for row in rows:
        digest.update(repr(row).encode())
    names = [getattr(area, f, "") for f in ("name", "name_nl", "name_fr", "name_de", "number", "nis_code")]
    digest.update(repr(names).encode())
    digest.update(area.boundary.ewkb if area.boundary is not None else b"-")
    settings_part = (
        basemaps(site_url=""),
        settings.BIN_VECTOR_TILES_MIN_NETWORKS,
        DISPLAY_TOLERANCES,
        COORDINATE_DECIMALS,
    )
    digest.update(repr((settings_part, VERTEX_BUDGET)).encode())
    return digest.hexdigest()[:32]


def cached_map_parts(*, page: str, version: str, build: Callable[[], dict]) -> dict:
    """map_parts of the public map `page` in the active language: from the cache, else built and stored."""
    key = f"maps:parts:{page}:{get_language() or '-'}:{version}"
    parts = cache.get(key)
    if parts is None:
        parts = build()
        cache.set(key, parts, MAP_CACHE_SECONDS)
    return parts
