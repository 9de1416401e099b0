"""The JavaScript and CSS the maps load: vendored copies instead of folium's CDN links.

folium points every map at CDNs (jsdelivr, cdnjs, code.jquery.com). A map of this service must work where
those are unreachable or unwanted (an intranet, a privacy-minded municipal site, a file opened from disk),
so the builders swap each link for a file under maps/static/maps/vendor/ (see the README there), served
by Django's staticfiles, or inlined into the page for a static export.
"""

import base64
import mimetypes
import re
from pathlib import Path

import folium
from branca.element import Figure
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.html import escape
from folium.elements import JSCSSMixin

from .elements import RawHtml
from .markup import refuse_raw_markup
from .phone import add_phone_css

__all__ = ["VENDOR", "inline_assets", "standalone_html", "use_vendored_assets"]

# folium's resource name -> file under static/, or None for what these maps do not use (Bootstrap and
# the awesome-markers icon fonts: our controls are plain Leaflet). A name missing here is an error, so a
# new plugin cannot quietly fall back to a CDN.
VENDOR: dict[str, str | None] = {
    "leaflet": "maps/vendor/leaflet-1.9.4/leaflet.js",
    "leaflet_css": "maps/vendor/leaflet-1.9.4/leaflet.css",
    # folium's own Popup(html=...) and keep_in_front use jQuery.
    "jquery": "maps/vendor/jquery-3.7.1/jquery.min.js",
    "leaflet_draw_js": "maps/vendor/leaflet-draw-1.0.4/leaflet.draw.js",
    "leaflet_draw_css": "maps/vendor/leaflet-draw-1.0.4/leaflet.draw.css",
    # The evaluation map clusters the alerts of a period.
    "markerclusterjs": "maps/vendor/leaflet-markercluster-1.5.3/leaflet.markercluster.js",
    "markerclustercss": "maps/vendor/leaflet-markercluster-1.5.3/MarkerCluster.css",
    "markerclusterdefaultcss": "maps/vendor/leaflet-markercluster-1.5.3/MarkerCluster.Default.css",
    # The networks of large zone maps from vector tiles (maps.vector_elements.NetworkVectorTiles).
    "leaflet_vectorgrid": "maps/vendor/leaflet-vectorgrid-1.3.0/Leaflet.VectorGrid.bundled.min.js",
    # Not vendored but ours: the police alert map's composer (maps.police_elements.AlertComposer).
    "bin_alert_composer": "maps/alert_composer.js",
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_css": None,
    "awesome_markers_font_css": None,
    "awesome_rotate_css": None,
}


def _elements(root):
    yield root
    for child in root._children.values():
        yield from _elements(child)


def _vendored(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for name, url in links:
        if name not in VENDOR:
            raise ImproperlyConfigured(
                f"folium wants {name} from {url}: vendor it under maps/static/maps/vendor/ and name it in "
                "maps.assets.VENDOR"
            )
        if VENDOR[name] is not None:
            out.append((name, VENDOR[name]))
    return out


def _retarget(m: folium.Map, to_url) -> None:
    for element in _elements(m):
        if isinstance(element, JSCSSMixin):
            # Instance attributes: folium's class-level lists are shared by every map in the process.
            element.default_js = [(n, to_url(p)) for n, p in _vendored(element.default_js)]
            element.default_css = [(n, to_url(p)) for n, p in _vendored(element.default_css)]


def use_vendored_assets(m: folium.Map) -> folium.Map:
    """Point the map's JS/CSS links at the vendored copies served by staticfiles, and refuse elements that
    would put text into the page as markup (maps.markup). Every builder's last step."""
    _retarget(m, static)
    refuse_raw_markup(m)
    add_phone_css(m)  # every map page fits a phone (maps.phone)
    return m


def _read(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise ImproperlyConfigured(f"vendored file {path} is missing")
    return Path(found).read_text(encoding="utf-8")


def _css_with_data_urls(path: str) -> str:
    """The stylesheet with its relative images (Leaflet's layer icon, markers) as data: URLs."""
    base = path.rsplit("/", 1)[0]

    def embed(match):
        ref = match.group(2)
        if ref.startswith(("#", "data:", "http:", "https:", "/")):
            return match.group(0)
        found = finders.find(f"{base}/{ref}")
        if not found:
            return match.group(0)
        mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
        data = base64.b64encode(Path(found).read_bytes()).decode("ascii")
        return f"url(data:{mime};base64,{data})"

    return re.sub(r"""url\((['"]?)([^'")]+)\1\)""", embed, _read(path))


def inline_assets(m: folium.Map) -> folium.Map:
    """Put the vendored JS/CSS (and the images they use) into the page itself, for a file opened from disk."""
    figure = m.get_root()
    assert isinstance(figure, Figure), "add the map to a Figure first (folium.Map does it)"
    scripts, styles = {}, {}
    for element in _elements(m):
        if isinstance(element, JSCSSMixin):
            scripts.update(_vendored(element.default_js))
            styles.update(_vendored(element.default_css))
            element.default_js, element.default_css = [], []
    for name, path in scripts.items():
        code = re.sub(r"(?i)</script", r"<\\/script", _read(path))
        figure.header.add_child(RawHtml(f"<script>/* {path} */\n{code}\n</script>"), name=name)
    for name, path in styles.items():
        figure.header.add_child(
            RawHtml(f"<style>/* {path} */\n{_css_with_data_urls(path)}\n</style>"), name=name
        )
    return m


def standalone_html(m: folium.Map, *, title: str = "") -> str:
    """The whole page as one HTML file with every script, stylesheet and image inside it."""
    inline_assets(m)
    figure = m.get_root()
    if title:
        figure.title = escape(title)
    return figure.render()
