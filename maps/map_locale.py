"""The map's own words in the page's language and its units: Leaflet's credit link and the scale bar.

folium's `control_scale=True` adds Leaflet's scale with feet and miles next to metres; Belgium measures in
metres only, and a second bar is one more thing on a 390 px phone. Leaflet's credit prefix carries an
English title; ours says it in the active language (the tile credit itself: core.tiles.tile_attribution).
"""

from django.utils.html import format_html
from django.utils.translation import gettext as _
from folium.elements import MacroElement
from folium.template import Template

__all__ = ["MapLocale", "add_map_locale"]


class MapLocale(MacroElement):
    """Add to a folium.Map (built with control_scale=False): the credit prefix and a metric scale bar."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix({{ this.prefix|tojson }});
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, prefix: str):
        super().__init__()
        self._name = "MapLocale"
        self.prefix = prefix


def add_map_locale(m) -> None:
    """The credit prefix and the metric scale in the active language (call inside it)."""
    prefix = format_html(
        '<a href="https://leafletjs.com" title="{}" lang="en">Leaflet</a>',
        _("A JavaScript library for interactive maps"),
    )
    MapLocale(prefix=str(prefix)).add_to(m)
