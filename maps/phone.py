"""The maps on a phone (issue 16: a 390 px screen, a map about 360 px wide): Leaflet's controls share the
corners without covering each other or running off the map.

Measured at 390 x 844 (tests/maps/test_browser_every_page.py checks every map page): the expanded layer list
(about 220 px) met the address search box below the zoom buttons, and the credits in one line (about 280 px)
ran under the scale. Below 40rem the layer list folds behind Leaflet's own layers button, which opens it on
tap, hover or keyboard focus (the button is a link, focusable, whose click Leaflet always handles), and the
credits wrap beside the scale instead of under it.
"""

import folium

from .elements import RawHtml

__all__ = ["PHONE_CSS", "add_phone_css"]

PHONE_CSS = """
<style>
  /* Links inside the credits' sentence are underlined, not told apart by colour alone (axe-core's
     link-in-text-block: the French credits wrap into a text block on a phone). */
  .leaflet-container .leaflet-control-attribution a { text-decoration: underline; }
  @media (max-width: 40rem) {
    .leaflet-control-layers-expanded:not(:hover):not(:focus-within) { padding: 0; }
    .leaflet-control-layers-expanded:not(:hover):not(:focus-within) .leaflet-control-layers-list {
      display: none; }
    .leaflet-control-layers-expanded:not(:hover):not(:focus-within) .leaflet-control-layers-toggle {
      display: block; }
    /* The scale is at most 100 px wide (Leaflet's maxWidth) plus its 10 px margin. */
    .leaflet-bottom.leaflet-right { max-width: calc(100% - 120px); }
    .leaflet-control-attribution { white-space: normal; }
    /* German's "Nachbarschaftsinformationsnetzwerke" is wider than that column: it breaks. */
    .leaflet-bottom.leaflet-right .leaflet-control { overflow-wrap: anywhere; }
    /* The search box's input and button on one line (16rem of input left the button below it). */
    .bin-map-search input { max-width: 45vw; }
    .bin-map-legend-fold summary { cursor: pointer; font-weight: 700; }
  }
</style>
"""


def add_phone_css(m: folium.Map) -> folium.Map:
    """Put the phone rules into the map's page (once, whatever the builder)."""
    m.get_root().header.add_child(RawHtml(PHONE_CSS), name="bin_map_phone_css")
    return m
