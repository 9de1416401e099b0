"""The networks as Mapbox vector tiles: /tiles/networks/<z>/<x>/<y>.mvt (maps/vector_tiles.py builds them).

Anonymous visitors get the published networks, in tiles any cache may keep for a few minutes; staff who
see unpublished networks (access.permissions) get theirs in tiles that no shared cache keeps.
"""

import hashlib

from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from access.permissions import sees_unpublished_networks
from areas.selectors import networks_visible

from ..tiles import tile_in_service_area
from ..vector_tiles import MIN_TILE_ZOOM, network_tile_mvt

__all__ = ["MVT_CONTENT_TYPE", "network_tile"]

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
# Browsers and shared caches may keep a public tile this long: a changed boundary shows within minutes.
PUBLIC_TILE_SECONDS = 300


@require_safe
def network_tile(request, z: int, x: int, y: int):
    # Only tiles of the service area, at the zooms the maps use: nobody tiles the world through this.
    if z < MIN_TILE_ZOOM or not tile_in_service_area(z, x, y):
        raise Http404("No such tile.")
    staff = sees_unpublished_networks(request.user)
    body = network_tile_mvt(networks=networks_visible(user=request.user if staff else None), z=z, x=x, y=y)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=MVT_CONTENT_TYPE)
    response["ETag"] = etag
    if staff:
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = f"public, max-age={PUBLIC_TILE_SECONDS}"
    # The same URL answers staff with more: a shared cache must tell the two apart by the session.
    patch_vary_headers(response, ["Cookie"])
    return response
