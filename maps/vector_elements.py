"""MacroElements for names on the map and for networks drawn from vector tiles.

As in maps.elements, text from the database (a network's name) reaches the page as JSON and the DOM with
textContent, never as HTML.
"""

from folium.elements import JSCSSMixin, MacroElement
from folium.template import Template

from .elements import RawHtml
from .vector_tiles import MIN_TILE_ZOOM

__all__ = ["NetworkLabels", "NetworkVectorTiles"]

_LABEL_CSS = """
<style>
  .leaflet-tooltip.bin-map-label { background: rgba(255,255,255,.88); border: 0; box-shadow: none;
      padding: 0 3px; font: 600 12px/1.3 system-ui, sans-serif; color: #1d2a36; white-space: nowrap; }
  .leaflet-tooltip.bin-map-label::before { display: none; }
</style>
"""


class NetworkLabels(MacroElement):
    """Permanent name labels, shown from `min_zoom` on, or earlier for a network at least `min_pixels` wide
    on screen. `points`: dicts with slug, name, lat, lon and size_m (maps.vector_tiles.network_label_points).
    Each label's element carries data-label-slug."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var points = {{ this.points|tojson }};
            var minZoom = {{ this.min_zoom|tojson }}, minPixels = {{ this.min_pixels|tojson }};
            var labels = points.map(function (p) {
                var span = document.createElement("span");
                span.textContent = p.name;
                span.setAttribute("data-label-slug", p.slug);
                var tip = L.tooltip({permanent: true, direction: "center", interactive: false,
                                     className: "bin-map-label", opacity: 1});
                tip.setLatLng([p.lat, p.lon]).setContent(span);
                return {point: p, tooltip: tip, shown: false};
            });
            function metresPerPixel(lat) {
                return 40075016.686 * Math.cos(lat * Math.PI / 180) / Math.pow(2, map.getZoom() + 8);
            }
            function update() {
                var zoom = map.getZoom(), bounds = map.getBounds().pad(0.2);
                labels.forEach(function (l) {
                    var wide = l.point.size_m / metresPerPixel(l.point.lat) >= minPixels;
                    var show = (zoom >= minZoom || wide) && bounds.contains([l.point.lat, l.point.lon]);
                    if (show && !l.shown) { map.openTooltip(l.tooltip); }
                    if (!show && l.shown) { map.closeTooltip(l.tooltip); }
                    l.shown = show;
                });
            }
            map.on("zoomend moveend", update);
            map.whenReady(update);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, *, points: list[dict], min_zoom: int, min_pixels: int):
        super().__init__()
        self._name = "NetworkLabels"
        self.points = points
        self.min_zoom = min_zoom
        self.min_pixels = min_pixels

    def render(self, **kwargs):
        self.get_root().header.add_child(RawHtml(_LABEL_CSS), name="bin_map_labels_css")
        super().render(**kwargs)


class NetworkVectorTiles(JSCSSMixin, MacroElement):
    """The networks drawn from vector tiles (/tiles/networks/…, layer "networks") with the colours of
    maps.styles (`styles`, style_table()) and a popup built with textContent on click. `words`: the
    translated status and kind labels and the popup's texts; `join_url`: a link with "__slug__" in it, or
    None. Added to a FeatureGroup, which the layer control switches."""

    # maps.assets.VENDOR names the file.
    default_js = [("leaflet_vectorgrid", "leaflet_vectorgrid")]

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            var styles = {{ this.styles|tojson }};
            var words = {{ this.words|tojson }};
            var joinUrl = {{ this.join_url|tojson }};
            function style(p) {
                var colour = styles.status[p.status] || styles.grey;
                var line = styles.kind[p.kind] || styles.kind.OTHER;
                var s = {color: colour, fillColor: colour, fill: true, opacity: 1,
                         weight: line.weight, fillOpacity: line.fillOpacity};
                if (!p.published) {
                    s.dashArray = styles.unpublished_dash;
                    s.fillOpacity = Math.min(s.fillOpacity, 0.05);
                }
                return s;
            }
            function add(tag, parent, content) {
                var node = document.createElement(tag);
                if (content !== undefined) { node.textContent = content; }
                parent.appendChild(node);
                return node;
            }
            function popup(p) {
                var root = document.createElement("div");
                root.className = "bin-map-popup";
                root.setAttribute("data-network-slug", p.slug);
                add("strong", root, p.name);
                add("div", root,
                    (words.kinds[p.kind] || p.kind) + " · " + (words.statuses[p.status] || p.status));
                if (!p.published) { add("div", root, words.unpublished).style.color = "#b03a2e"; }
                if (joinUrl) {
                    var join = add("a", add("div", root), words.join);
                    join.href = joinUrl.replace("__slug__", encodeURIComponent(p.slug));
                    join.target = "_blank";
                    join.rel = "noopener";
                    join.setAttribute("data-join-link", "");
                }
                return root;
            }
            var tiles = L.vectorGrid.protobuf({{ this.url|tojson }}, {
                rendererFactory: L.svg.tile,
                interactive: true,
                minZoom: {{ this.min_zoom|tojson }},
                maxNativeZoom: {{ this.max_native_zoom|tojson }},
                vectorTileLayerStyles: {networks: style},
                getFeatureId: function (f) { return f.properties.slug; }
            });
            tiles.on("click", function (e) {
                var map = group._map;
                if (!map || !e.layer || !e.layer.properties) { return; }
                L.popup({maxWidth: 320}).setLatLng(e.latlng)
                    .setContent(popup(e.layer.properties)).openOn(map);
            });
            // The layer's element, for pages and browser tests to find the drawn tiles by.
            tiles.on("tileload", function () {
                var box = tiles.getContainer();
                if (box) { box.setAttribute("data-network-tiles", ""); }
            });
            group.addLayer(tiles);
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, *, url: str, styles: dict, words: dict, join_url: str | None, max_native_zoom: int = 16
    ):
        super().__init__()
        self._name = "NetworkVectorTiles"
        self.url = url
        self.styles = styles
        self.words = words
        self.join_url = join_url
        self.max_native_zoom = max_native_zoom
        self.min_zoom = MIN_TILE_ZOOM
