"""Small folium MacroElements for the network maps: legend, network popups, address search.

Every text that comes from the database reaches the page as JSON and is put into the DOM with
`textContent`, never as HTML: a network's name is typed by people, and Leaflet's bindPopup/bindTooltip
with a string would parse it as HTML.
"""

from branca.element import Element
from folium.elements import MacroElement
from folium.template import Template

__all__ = ["AddressSearch", "Legend", "NetworkPopups", "RawHtml"]

# Leaflet's own controls look like this; the inline styles keep the elements independent of any page CSS.
_CONTROL_CSS = """
<style>
  .bin-map-box { background: #fff; padding: 6px 8px; border-radius: 4px; box-shadow: 0 1px 5px rgba(0,0,0,.4);
                 font: 13px/1.4 system-ui, sans-serif; color: #1d2a36; }
  .bin-map-legend-row { display: flex; align-items: center; gap: 6px; margin-top: 3px; }
  .bin-map-swatch { display: inline-block; width: 16px; height: 12px; border: 2px solid;
                    box-sizing: border-box; }
  .bin-map-line { display: inline-block; width: 16px; height: 0; border-top: 2px dashed; }
  .bin-map-search input { font-size: 14px; padding: 4px 6px; width: 16rem; max-width: 55vw; }
  .bin-map-search button { font-size: 14px; padding: 4px 8px; }
  .bin-map-search-status:empty { display: none; }
  .bin-map-search-status { margin-top: 4px; max-width: 20rem; }
  .bin-map-popup div { margin-top: 2px; }
  .bin-map-popup ul { margin: 2px 0 0; padding-left: 1.2em; }
  /* Chromium outlines a clicked SVG path with its bounding box; the paths are not keyboard targets. */
  .leaflet-container path.leaflet-interactive:focus { outline: none; }
</style>
"""


class RawHtml(Element):
    """Text put into the page as it is (not a Jinja template, unlike branca's Element)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _Control(MacroElement):
    """A MacroElement whose controls share one stylesheet in the page header."""

    def render(self, **kwargs):
        self.get_root().header.add_child(RawHtml(_CONTROL_CSS), name="bin_map_controls_css")
        super().render(**kwargs)


class Legend(_Control):
    """A legend control: one swatch per network kind (colour, label, count) and the area boundary.

    collapsible: the rows fold under the title (a <details>, folded at first on the map). target: a CSS
    selector of an element of the page to hold the legend instead of the map, where it covers nothing.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var entries = {{ this.entries|tojson }};
            var target = {{ this.target|tojson }} && document.querySelector({{ this.target|tojson }});
            function fill(box) {
                box.setAttribute("data-map-legend", "");
                var rows = box, title;
                // On a phone a legend on the map folds too: open, it covers most of a 360 px map and
                // the controls of the other corners (maps.phone).
                var phone = !target && window.matchMedia("(max-width: 40rem)").matches;
                if ({{ this.collapsible|tojson }} || phone) {
                    rows = L.DomUtil.create("details", "bin-map-legend-fold", box);
                    rows.open = !!target;
                    title = L.DomUtil.create("summary", "", rows);
                } else {
                    title = L.DomUtil.create("strong", "", box);
                }
                title.textContent = {{ this.title|tojson }};
                entries.forEach(function (e) {
                    var row = L.DomUtil.create("div", "bin-map-legend-row", rows);
                    row.setAttribute("data-legend-key", e.key);
                    var mark = L.DomUtil.create("span", e.line ? "bin-map-line" : "bin-map-swatch", row);
                    mark.style.borderColor = e.colour;
                    if (!e.line) { mark.style.background = e.fill; }
                    if (e.width) { mark.style.borderWidth = Math.min(e.width, 4) + "px"; }
                    if (e.dash) { mark.style.borderStyle = "dashed"; }
                    L.DomUtil.create("span", "", row).textContent =
                        e.count === null ? e.label : e.label + " (" + e.count + ")";
                });
                return box;
            }
            if (target) {
                fill(L.DomUtil.create("div", "bin-map-legend bin-map-legend-aside", target));
                return;
            }
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function () {
                var box = fill(L.DomUtil.create("div", "bin-map-box bin-map-legend"));
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        title: str,
        entries: list[dict],
        position: str = "bottomright",
        collapsible: bool = False,
        target: str | None = None,
    ):
        """entries: dicts with key, label, colour, fill, count (None for no count) and line (bool);
        optionally width (the swatch's border in px) and dash (a dashed border)."""
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.entries = entries
        self.position = position
        self.collapsible = collapsible
        self.target = target


class NetworkPopups(MacroElement):
    """Add to a folium.GeoJson of networks: tooltip, popup (status, contact, join link), data attributes.

    Each drawn path carries data-network-slug / -name / -kind, so a page (or a browser test) can tell which
    network a shape is.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            var text = {{ this.labels|tojson }};
            function add(tag, parent, content) {
                var node = document.createElement(tag);
                if (content !== undefined) { node.textContent = content; }
                parent.appendChild(node);
                return node;
            }
            function popup(layer) {
                var p = layer.feature.properties;
                var root = document.createElement("div");
                root.className = "bin-map-popup";
                root.setAttribute("data-network-slug", p.slug);
                add("strong", root, p.name);
                add("div", root, p.kind_label + " · " + p.status_label);
                if (!p.published) { add("div", root, text.unpublished).style.color = "#b03a2e"; }
                if (p.contact_email) {
                    var row = add("div", root, text.contact + ": ");
                    var mail = add("a", row, p.contact_email);
                    mail.href = "mailto:" + p.contact_email;
                }
                if (p.join_url) {
                    var join = add("a", add("div", root), text.join);
                    join.href = p.join_url;
                    join.target = "_blank";
                    join.rel = "noopener";
                    join.setAttribute("data-join-link", "");
                }
                return root;
            }
            function tooltip(layer) {
                var p = layer.feature.properties;
                var span = document.createElement("span");
                span.textContent = p.name + " (" + p.status_label + ")";
                return span;
            }
            function mark(layer) {
                var node = layer.getElement && layer.getElement();
                if (!node) { return; }
                var p = layer.feature.properties;
                node.setAttribute("data-network-slug", p.slug);
                node.setAttribute("data-network-name", p.name);
                node.setAttribute("data-network-kind", p.kind);
            }
            group.eachLayer(function (layer) {
                layer.bindTooltip(tooltip, {sticky: true});
                layer.bindPopup(popup, {maxWidth: 320});
                // Leaflet creates a path's SVG element when the layer is added (again, after the layer
                // control hid it), so the attributes are set then.
                layer.on("add", function () { mark(layer); });
                mark(layer);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, *, labels: dict):
        super().__init__()
        self._name = "NetworkPopups"
        self.labels = labels


class AddressSearch(_Control):
    """A search box on the map: asks the lookup API, puts a marker there and names the covering BIN(s).

    The form is `form[data-map-search]` (input `[data-map-search-input]`, messages
    `[data-map-search-status]`, data-state searching/found/not-found/failed); the marker's icon gets
    `data-search-marker` and `data-network-slugs`, its popup `[data-search-result]`.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var text = {{ this.labels|tojson }};
            var apiUrl = {{ this.api_url|tojson }};
            var marker = null;
            function add(tag, parent, content) {
                var node = document.createElement(tag);
                if (content !== undefined) { node.textContent = content; }
                parent.appendChild(node);
                return node;
            }
            function answer(result, ambiguous) {
                var root = document.createElement("div");
                root.className = "bin-map-popup";
                root.setAttribute("data-search-result", "");
                add("strong", root, result.label);
                if (ambiguous) { add("div", root, text.ambiguous); }
                result.networks.forEach(function (n) {
                    var row = add("div", root);
                    row.setAttribute("data-network-slug", n.slug);
                    add("span", row, n.name + " (" + n.kind_label + ", " + n.status_label + ") ");
                    var join = add("a", row, text.join);
                    join.href = n.join_url;
                    join.target = "_blank";
                    join.rel = "noopener";
                });
                var residential = result.networks.some(function (n) { return n.role === "residential"; });
                if (!residential) {
                    add("div", root, text.no_bin).setAttribute("data-search-no-bin", "");
                    var nearest = result.nearest_networks || [];
                    if (nearest.length) {
                        add("div", root, text.nearest);
                        var list = add("ul", root);
                        nearest.forEach(function (n) {
                            add("li", list, n.name + " (" + n.distance_m + " m)");
                        });
                    }
                }
                return root;
            }
            async function search(form, query, status, button) {
                query = query.trim();
                if (!query) { return; }
                status.textContent = text.searching;
                form.setAttribute("data-state", "searching");
                button.disabled = true;
                try {
                    var response = await fetch(apiUrl + "?address=" + encodeURIComponent(query),
                                               {headers: {"Accept": "application/json"}});
                    var data = await response.json();
                    if (!response.ok || !data.results || !data.results.length) {
                        status.textContent = data.detail || text.not_found;
                        form.setAttribute("data-state", "not-found");
                        return;
                    }
                    var result = data.results[0];
                    var c = result.point.coordinates;  // GeoJSON: longitude first
                    if (marker) { map.removeLayer(marker); }
                    marker = L.marker([c[1], c[0]], {title: result.label, alt: result.label}).addTo(map);
                    var icon = marker.getElement();
                    icon.setAttribute("data-search-marker", "");
                    icon.setAttribute("data-network-slugs",
                                      result.networks.map(function (n) { return n.slug; }).join(","));
                    marker.bindPopup(answer(result, data.ambiguous), {maxWidth: 320});
                    map.setView([c[1], c[0]], Math.max(map.getZoom(), {{ this.zoom|tojson }}));
                    marker.openPopup();
                    status.textContent = "";
                    form.setAttribute("data-state", "found");
                } catch (err) {
                    status.textContent = text.failed;
                    form.setAttribute("data-state", "failed");
                } finally {
                    button.disabled = false;
                }
            }
            var Search = L.Control.extend({
                options: {position: {{ this.position|tojson }}},
                onAdd: function () {
                    var form = L.DomUtil.create("form", "bin-map-box bin-map-search");
                    form.id = {{ (this.get_name() ~ "_form")|tojson }};
                    form.setAttribute("data-map-search", "");
                    form.setAttribute("role", "search");
                    var input = L.DomUtil.create("input", "", form);
                    input.type = "search";
                    input.name = "address";
                    input.placeholder = text.placeholder;
                    input.setAttribute("aria-label", text.label);
                    input.setAttribute("data-map-search-input", "");
                    var button = L.DomUtil.create("button", "", form);
                    button.type = "submit";
                    button.textContent = text.search;
                    var status = L.DomUtil.create("div", "bin-map-search-status", form);
                    status.setAttribute("data-map-search-status", "");
                    status.setAttribute("aria-live", "polite");
                    L.DomEvent.disableClickPropagation(form);
                    L.DomEvent.disableScrollPropagation(form);
                    L.DomEvent.on(form, "submit", function (e) {
                        L.DomEvent.preventDefault(e);
                        search(form, input.value, status, button);
                    });
                    return form;
                }
            });
            new Search().addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, *, api_url: str, labels: dict, position: str = "topleft", zoom: int = 16):
        super().__init__()
        self._name = "AddressSearch"
        self.api_url = api_url
        self.labels = labels
        self.position = position
        self.zoom = zoom
