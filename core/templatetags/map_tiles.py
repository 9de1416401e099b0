"""`{% map_tiles %}`: the background tiles of a page's own Leaflet map (core/tiles.py) as a JavaScript object
literal, for a script that draws one without folium:

<script nonce="{{ request.csp_nonce }}">const tiles = {% map_tiles %};
  L.tileLayer(tiles.url, {attribution: tiles.attribution, maxZoom: tiles.maxZoom}).addTo(map);</script>
"""

import json

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from core.tiles import tile_attribution, tile_url

__all__ = ["map_tiles"]

register = template.Library()


@register.simple_tag
def map_tiles() -> str:
    options = {"url": tile_url(), "attribution": tile_attribution(), "maxZoom": settings.BIN_TILE_MAX_ZOOM}
    # As json_script does: no "<", ">" or "&" that could end the <script> element.
    text = json.dumps(options).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)
