"""Where the maps' background tiles come from, in one place for the map builders, the pages' scripts and the
Content-Security-Policy.

By default the browser fetches them from the tile server of BIN_TILE_URL (OpenStreetMap's); that server
then learns each visitor's address and which area they look at (a resident's street, a perimeter the
police are drawing). With BIN_TILE_PROXY the service serves them itself at /tiles/<z>/<x>/<y>.png from a
disk cache it fills from BIN_TILE_URL (maps/tiles.py), and the policy allows images from this site only.
"""

from urllib.parse import urlsplit

from django.conf import settings

__all__ = ["PROXY_PATH", "tile_attribution", "tile_image_sources", "tile_url"]

# The proxy's URL, as maps/urls.py routes it; {z}/{x}/{y} as Leaflet fills them in.
PROXY_PATH = "/tiles/{z}/{x}/{y}.png"


def tile_url(*, site_url: str | None = "") -> str:
    """The tile URL template for Leaflet.

    site_url: with the proxy, the prefix of its path ("" for pages of this site, an absolute URL for a file
    published elsewhere, None when the service's address is unknown: then the upstream server).
    """
    if settings.BIN_TILE_PROXY and site_url is not None:
        return site_url.rstrip("/") + PROXY_PATH
    return settings.BIN_TILE_URL


def tile_attribution() -> str:
    """The tile credit (HTML, from the settings: Leaflet shows it as markup)."""
    return settings.BIN_TILE_ATTRIBUTION


def tile_image_sources() -> list[str]:
    """What the Content-Security-Policy's img-src must allow besides 'self' for the tiles."""
    if settings.BIN_TILE_PROXY:
        return []
    parts = urlsplit(settings.BIN_TILE_URL)
    host = parts.hostname or ""
    if not parts.scheme or not host:  # a path on this site
        return []
    # Leaflet's {s} picks a subdomain (a.tile…, b.tile…).
    host = host.replace("{s}", "*")
    port = f":{parts.port}" if parts.port else ""
    return [f"{parts.scheme}://{host}{port}"]
