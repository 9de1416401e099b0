"""The one way text reaches a map: as JSON data that the page puts into the DOM with `textContent`.

folium writes the text of a `Tooltip` or `Popup` into a JavaScript template literal as HTML (a BIN name
with `${…}` or a backtick runs as code, `<img onerror=…>` as markup), and Leaflet's layer control puts
each layer's name into the page with `innerHTML`. Names come from people (proposals, the admin) and from
imported files, so the builders never hand text to folium's `tooltip=`, `popup=` or a layer's `name=`:

- `layer_name(text)`: a name for the layer control, HTML-escaped, so that Leaflet shows the text as typed;
- `TextTooltip(text)`, `TextPopup(rows)`: bound to the layer they are added to, built from JSON with
  `textContent` (elements.NetworkPopups, Legend and AddressSearch work the same way);
- `refuse_raw_markup(m)`, run by assets.use_vendored_assets (the last step of every builder), raises when a
  map holds one of folium's HTML-taking elements or a layer-control name that did not come from
  `layer_name`.
"""

from branca.element import Element, Html, IFrame
from django.core.exceptions import ImproperlyConfigured
from django.utils.html import escape
from folium.elements import MacroElement
from folium.features import DivIcon, GeoJsonPopup, GeoJsonTooltip
from folium.map import Layer, Popup, Tooltip
from folium.template import Template

__all__ = ["LayerName", "TextPopup", "TextTooltip", "layer_name", "refuse_raw_markup"]

# folium's elements that take HTML (or text they treat as HTML).
RAW_MARKUP_ELEMENTS = (Tooltip, Popup, GeoJsonTooltip, GeoJsonPopup, DivIcon, Html, IFrame)
# Links in popups lead to this service's pages (or another site's): never to script.
_SAFE_HREF_PREFIXES = ("/", "http://", "https://")


class LayerName(str):
    """A layer's name as the layer control shows it: HTML-escaped text (made by layer_name only)."""


def layer_name(text) -> LayerName:
    """The name of a layer in Leaflet's layer control, which inserts it as HTML: `text`, escaped."""
    return LayerName(escape(str(text)))


class TextTooltip(MacroElement):
    """A tooltip with `text` (plain text, never markup) on the layer or marker it is added to."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindTooltip(function () {
            var span = document.createElement("span");
            span.textContent = {{ this.text|tojson }};
            return span;
        }, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, text, *, sticky: bool = False):
        super().__init__()
        self._name = "TextTooltip"
        self.text = str(text)
        self.options = {"sticky": sticky}


def _part(part) -> dict:
    if isinstance(part, str):
        return {"text": part}
    out = {"text": str(part["text"]), "strong": bool(part.get("strong"))}
    href = part.get("href")
    if href is not None:
        if not str(href).startswith(_SAFE_HREF_PREFIXES):
            raise ValueError(f"a popup link must be a path or an http(s) URL, not {str(href)[:40]!r}")
        out["href"] = str(href)
    out["attrs"] = {str(k): str(v) for k, v in (part.get("attrs") or {}).items()}
    return out


class TextPopup(MacroElement):
    """A popup built from text: `rows` is a list of lines, each a list of parts; a part is a string or a
    dict with `text` and optionally `strong` (bold), `href` (a link) and `attrs` (data attributes).
    `attrs` go on the popup's root element (class "bin-map-popup")."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup(function () {
            var spec = {{ this.spec|tojson }};
            var root = document.createElement("div");
            root.className = "bin-map-popup";
            Object.keys(spec.attrs).forEach(function (k) { root.setAttribute(k, spec.attrs[k]); });
            spec.rows.forEach(function (parts) {
                var row = document.createElement("div");
                parts.forEach(function (part) {
                    var node = document.createElement(part.href ? "a" : (part.strong ? "strong" : "span"));
                    node.textContent = part.text;
                    if (part.href) { node.href = part.href; }
                    Object.keys(part.attrs || {}).forEach(function (k) {
                        node.setAttribute(k, part.attrs[k]);
                    });
                    row.appendChild(node);
                });
                root.appendChild(row);
            });
            return root;
        }, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list], *, attrs: dict | None = None, max_width: int = 320):
        super().__init__()
        self._name = "TextPopup"
        self.spec = {
            "attrs": {str(k): str(v) for k, v in (attrs or {}).items()},
            "rows": [[_part(p) for p in row] for row in rows],
        }
        self.options = {"maxWidth": max_width}


def _elements(root: Element):
    yield root
    for child in root._children.values():
        yield from _elements(child)


def refuse_raw_markup(m: Element) -> None:
    """ImproperlyConfigured when the map holds an element that would turn text into markup."""
    for element in _elements(m):
        if isinstance(element, RAW_MARKUP_ELEMENTS):
            raise ImproperlyConfigured(
                f"{type(element).__name__} writes its text into the page as HTML: use maps.markup's "
                "TextTooltip or TextPopup instead"
            )
        if isinstance(element, Layer) and element.control and not isinstance(element.layer_name, LayerName):
            raise ImproperlyConfigured(
                f"the layer control shows {element.layer_name!r} as HTML: name the layer with "
                "maps.markup.layer_name(...)"
            )
