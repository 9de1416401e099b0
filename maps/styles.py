"""How a network is drawn on every map: its colour says its status, its line says its kind, a dash says it is
not published. One table, used by the folium GeoJSON layers (network_style), by the vector-tile layer (the
same table as JSON, maps.vector_elements) and by the legend (legend_entries).

The GIS officer's complaint (issue 15): every residential BIN was the same blue whether proposed, active or
suspended. The six colours were picked (from hue families: proposed ochre, charter signed purple, recognised
blue, active green, suspended red-brown, dissolved grey) so that every outline has a contrast of at least
3:1 on white (WCAG's non-text contrast; the map background is mostly near-white) and every two of them
still differ by a CIE76 ΔE of 20 or more as seen with protanopia, deuteranopia or tritanopia (Machado et
al. 2009's simulation). Okabe-Ito's orange and vermillion, darkened to 3:1, fell to ΔE 3 for
deuteranopes. tests/maps/test_styles.py checks both.
"""

from django.utils.translation import ngettext

from areas.choices import NetworkKind, NetworkStatus

__all__ = [
    "KIND_LINES",
    "LABEL_MIN_PIXELS",
    "LABEL_MIN_ZOOM",
    "LEGEND_GREY",
    "STATUS_COLOURS",
    "UNPUBLISHED_DASH",
    "contrast_ratio",
    "legend_entries",
    "network_style",
    "style_table",
]

STATUS_COLOURS = {
    NetworkStatus.PROPOSED: "#a87512",  # ochre
    NetworkStatus.CHARTER_SIGNED: "#77289f",  # purple
    NetworkStatus.RECOGNISED: "#0052f5",  # blue
    NetworkStatus.ACTIVE: "#009e69",  # green
    NetworkStatus.SUSPENDED: "#933725",  # red-brown
    NetworkStatus.DISSOLVED: "#5e5e5e",  # grey: no longer a network
}
# Residential BINs are filled; the other kinds (a BIN-Z is often a shopping street inside a BIN) are drawn
# as a thick outline over a faint fill, so the BIN beneath stays visible and the kinds never look alike.
KIND_LINES = {
    NetworkKind.BIN: {"weight": 2, "fillOpacity": 0.22},
    NetworkKind.BIN_Z: {"weight": 4, "fillOpacity": 0.05},
    NetworkKind.BIN_L: {"weight": 4, "fillOpacity": 0.05},
    NetworkKind.OTHER: {"weight": 3, "fillOpacity": 0.1},
}
# Unpublished networks (only staff see them) are dashed.
UNPUBLISHED_DASH = "6 5"
LEGEND_GREY = "#3d3d3d"
# Names are shown as labels from this zoom on (a street block fills a good part of the map), or earlier
# for a network whose area is at least LABEL_MIN_PIXELS wide on screen (maps.vector_elements.NetworkLabels).
LABEL_MIN_ZOOM = 14
LABEL_MIN_PIXELS = 90


def network_style(properties: dict) -> dict:
    """Leaflet path options for a network from its kind, status and published flag."""
    colour = STATUS_COLOURS.get(properties.get("status"), LEGEND_GREY)
    line = KIND_LINES.get(properties.get("kind"), KIND_LINES[NetworkKind.OTHER])
    style = {"color": colour, "fillColor": colour, "opacity": 1, "fill": True, **line}
    if not properties.get("published", True):
        style.update(dashArray=UNPUBLISHED_DASH, fillOpacity=min(line["fillOpacity"], 0.05))
    return style


def style_table() -> dict:
    """The same rules as data for the browser (the vector-tile layer applies them there)."""
    return {
        "status": {str(k): v for k, v in STATUS_COLOURS.items()},
        "kind": {str(k): v for k, v in KIND_LINES.items()},
        "grey": LEGEND_GREY,
        "unpublished_dash": UNPUBLISHED_DASH,
    }


def _fill(colour: str, opacity: float) -> str:
    return colour + f"{round(opacity * 255):02x}"


def legend_entries(*, kinds: dict[str, int], statuses: dict[str, int], unpublished: int) -> list[dict]:
    """Legend rows (maps.elements.Legend): one per kind drawn (its line, with the count), one per status
    drawn (its colour, "active: 3 networks"), and one for the unpublished networks if any are drawn."""
    rows = []
    for kind, count in kinds.items():
        line = KIND_LINES.get(kind, KIND_LINES[NetworkKind.OTHER])
        rows.append(
            {
                "key": kind,
                "label": str(NetworkKind(kind).label),
                "colour": LEGEND_GREY,
                "fill": _fill(LEGEND_GREY, line["fillOpacity"]),
                "width": line["weight"],
                "count": count,
                "line": False,
            }
        )
    for status in NetworkStatus:
        count = statuses.get(status.value, 0)
        if not count:
            continue
        label = ngettext("%(status)s: %(count)d network", "%(status)s: %(count)d networks", count) % {
            "status": status.label,
            "count": count,
        }
        colour = STATUS_COLOURS[status]
        rows.append(
            {
                "key": f"status-{status.value}",
                "label": label,
                "colour": colour,
                "fill": _fill(colour, 0.22),
                "count": None,
                "line": False,
            }
        )
    if unpublished:
        label = ngettext(
            "Not published (only staff see it): %(count)d network",
            "Not published (only staff see them): %(count)d networks",
            unpublished,
        ) % {"count": unpublished}
        rows.append(
            {
                "key": "unpublished",
                "label": label,
                "colour": LEGEND_GREY,
                "fill": "transparent",
                "dash": True,
                "count": None,
                "line": False,
            }
        )
    return rows


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(colour: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    lighter, darker = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
