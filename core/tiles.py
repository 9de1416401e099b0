"""Where the maps' background tiles come from, in one place for the map builders, the pages' scripts and the
Content-Security-Policy.

By default the browser fetches them from the tile server of BIN_TILE_URL (OpenStreetMap's); that server
then learns each visitor's address and which area they look at (a resident's street, a perimeter the
police are drawing). With BIN_TILE_PROXY the service serves them itself at /tiles/<z>/<x>/<y>.png from a
disk cache it fills from BIN_TILE_URL (maps/tiles.py), and the policy allows images from this site only.

Besides that background ("osm", always offered and shown first), BIN_BASEMAPS may offer others in the
maps' layer control (basemaps()): the Belgian ones of BASEMAP_CATALOGUE or any of BIN_BASEMAP_LAYERS, each
with its credit, each through the proxy (/tiles/<key>/<z>/<x>/<y>.png) when it is on.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _

__all__ = [
    "BASEMAP_CATALOGUE",
    "PROXY_PATH",
    "basemap",
    "basemaps",
    "tile_attribution",
    "tile_image_sources",
    "tile_url",
]

# The proxy's URL, as maps/urls.py routes it; {z}/{x}/{y} as Leaflet fills them in.
PROXY_PATH = "/tiles/{z}/{x}/{y}.png"
# The proxy's URL of another background than the default one (BIN_BASEMAPS).
BASEMAP_PROXY_PATH = "/tiles/{key}/{z}/{x}/{y}.png"
DEFAULT_BASEMAP = "osm"

# Belgian backgrounds in web mercator (EPSG:3857) that BIN_BASEMAPS may name. Their WMTS services are asked
# with KVP GetTile requests in the services' 3857 tile matrix sets; written from the services' documented
# layouts, not checked against the live servers from here (no internet): BIN_BASEMAP_LAYERS can correct one.
BASEMAP_CATALOGUE = {
    "ngi-cartoweb": {
        "name": "CartoWeb.be (NGI-IGN)",
        "url": "https://cartoweb.wmts.ngi.be/1.0.0/topo/default/3857/{z}/{y}/{x}.png",
        "attribution": '&copy; <a href="https://www.ngi.be/">NGI-IGN</a>',
        "max_zoom": 17,
    },
    "grb": {
        "name": "GRB (Digitaal Vlaanderen)",
        "url": (
            "https://geo.api.vlaanderen.be/GRB/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=grb_bsk"
            "&STYLE=&FORMAT=image/png&TILEMATRIXSET=GoogleMapsVL&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
        ),
        "attribution": (
            '&copy; <a href="https://www.vlaanderen.be/digitaal-vlaanderen">Digitaal Vlaanderen</a> (GRB)'
        ),
        "max_zoom": 19,
    },
    "urbis": {
        "name": "UrbIS (Brussels)",
        "url": (
            "https://geoservices-urbis.irisnet.be/geoserver/gwc/service/wmts?SERVICE=WMTS&REQUEST=GetTile"
            "&VERSION=1.0.0&LAYER=urbisFR&STYLE=&FORMAT=image/png&TILEMATRIXSET=EPSG:3857"
            "&TILEMATRIX=EPSG:3857:{z}&TILEROW={y}&TILECOL={x}"
        ),
        "attribution": "Realized by means of Brussels UrbIS &copy; &reg;",
        "max_zoom": 19,
    },
}


def basemap(key: str) -> dict | None:
    """The upstream background `key` ("osm" or one of BIN_BASEMAPS): name, url, attribution, max_zoom; None
    if it is not offered."""
    if key == DEFAULT_BASEMAP:
        return {
            "name": "OpenStreetMap",
            "url": settings.BIN_TILE_URL,
            "attribution": tile_attribution(),
            "max_zoom": settings.BIN_TILE_MAX_ZOOM,
        }
    if key not in settings.BIN_BASEMAPS:
        return None
    layer = {**BASEMAP_CATALOGUE.get(key, {}), **settings.BIN_BASEMAP_LAYERS.get(key, {})}
    if not layer.get("url"):
        return None
    name = str(layer.get("name") or key)
    return {
        "name": name,
        "url": layer["url"],
        # Every background is credited (Leaflet shows the credit as HTML: a bare name is escaped).
        "attribution": layer.get("attribution") or escape(name),
        "max_zoom": min(int(layer.get("max_zoom", settings.BIN_TILE_MAX_ZOOM)), settings.BIN_TILE_MAX_ZOOM),
    }


def basemaps(*, site_url: str | None = "") -> list[dict]:
    """The backgrounds to offer, BIN_TILE_URL's ("osm") first and shown first: key, name, url (for Leaflet;
    the proxy's when it is on, as tile_url), attribution (HTML from the settings) and max_zoom."""
    out = []
    for key in dict.fromkeys([DEFAULT_BASEMAP, *settings.BIN_BASEMAPS]):
        layer = basemap(key)
        if layer is None:
            continue
        if settings.BIN_TILE_PROXY and site_url is not None:
            path = PROXY_PATH if key == DEFAULT_BASEMAP else BASEMAP_PROXY_PATH.replace("{key}", key)
            layer["url"] = site_url.rstrip("/") + path
        out.append({"key": key, **layer})
    return out


def tile_url(*, site_url: str | None = "") -> str:
    """The tile URL template for Leaflet.

    site_url: with the proxy, the prefix of its path ("" for pages of this site, an absolute URL for a file
    published elsewhere, None when the service's address is unknown: then the upstream server).
    """
    if settings.BIN_TILE_PROXY and site_url is not None:
        return site_url.rstrip("/") + PROXY_PATH
    return settings.BIN_TILE_URL


# OpenStreetMap's credit as its licence asks for it; the words around the name in the page's language.
_OSM_LINK = '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


def tile_attribution() -> str:
    """The tile credit (HTML: Leaflet shows it as markup): BIN_TILE_ATTRIBUTION when set, else
    OpenStreetMap's in the active language ("© OpenStreetMap-bijdragers", "© les contributeurs d'…")."""
    if settings.BIN_TILE_ATTRIBUTION:
        return settings.BIN_TILE_ATTRIBUTION
    # Translators: %(osm)s is the link "OpenStreetMap"; the credit reads "© OpenStreetMap contributors".
    return "&copy; " + _("%(osm)s contributors") % {"osm": _OSM_LINK}


def tile_image_sources() -> list[str]:
    """What the Content-Security-Policy's img-src must allow besides 'self' for the tiles."""
    if settings.BIN_TILE_PROXY:
        return []
    sources = []
    for layer in basemaps(site_url=None):
        parts = urlsplit(layer["url"])
        host = parts.hostname or ""
        if not parts.scheme or not host:  # a path on this site
            continue
        # Leaflet's {s} picks a subdomain (a.tile…, b.tile…).
        host = host.replace("{s}", "*")
        port = f":{parts.port}" if parts.port else ""
        sources.append(f"{parts.scheme}://{host}{port}")
    return list(dict.fromkeys(sources))
