"""The map tiles (namespace "tiles"): the caching proxy of the background tiles (BIN_TILE_PROXY,
core/tiles.py) and the networks as vector tiles. Not pages: no language prefix (project/urls.py), so their
paths stay what core/tiles.py and maps/vector_tiles.py write into the maps and what browsers cache."""

from django.urls import path

from .tiles import tile
from .views.vector_tiles import network_tile

app_name = "tiles"

urlpatterns = [
    # core.tiles.PROXY_PATH
    path("tiles/<int:z>/<int:x>/<int:y>.png", tile, name="tile"),
    # core.tiles.BASEMAP_PROXY_PATH: the other backgrounds of BIN_BASEMAPS through the proxy.
    path("tiles/<slug:key>/<int:z>/<int:x>/<int:y>.png", tile, name="basemap-tile"),
    # The networks as Mapbox vector tiles, for the maps of large zones (maps/vector_tiles.py).
    path("tiles/networks/<int:z>/<int:x>/<int:y>.mvt", network_tile, name="network-tile"),
]
