"""The map of a municipality's coverage report (streets.coverage_report): its networks, the parts where
two of them overlap, and its addresses in no BIN as clustered points.

Like the other builders it decides nothing about who sees it (maps.views.coverage asks access.permissions),
and text reaches the map only through textContent (maps.markup).
"""

import json

import folium
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from folium.plugins import MarkerCluster
from folium.template import Template

from areas.models import Municipality
from streets.coverage_report import CoverageReport, UncoveredAddress

from .assets import use_vendored_assets
from .builders import add_legend, area_map_base, municipality_name
from .elements import RawHtml
from .markup import TextTooltip, layer_name
from .selectors import COORDINATE_DECIMALS, area_layers_for_display

__all__ = [
    "CONFLICT_COLOUR",
    "MAP_POINTS_MAX",
    "OVERLAP_COLOUR",
    "UNCOVERED_COLOUR",
    "AddressCluster",
    "coverage_map",
    "coverage_points_note",
]

# Apart from the status colours of the networks (maps.styles: ochre, purple, blue, green, red-brown, grey):
# orange for the overlaps that are allowed (a BIN-Z over BINs), black for two residential BINs that overlap
# (they must not), magenta for the addresses in no BIN.
OVERLAP_COLOUR = "#ff7f0e"
CONFLICT_COLOUR = "#111111"
UNCOVERED_COLOUR = "#d1007a"
# A page carries at most this many address points (~35 bytes each); the list and the CSV carry them all.
MAP_POINTS_MAX = 20_000

_POINT_CSS = f"""
<style>
  .bin-uncovered-address {{ background: {UNCOVERED_COLOUR}; border: 2px solid #fff; border-radius: 50%;
                            box-shadow: 0 0 2px rgba(0,0,0,.6); box-sizing: border-box; }}
</style>
"""


class AddressCluster(MarkerCluster):
    """Address points, clustered (Leaflet.markercluster, vendored), each with its address as a tooltip.

    `points`: [lat, lon, text] rows. The markers are made in the browser from that JSON (folium's
    FastMarkerCluster does the same, but adds them one by one, and its tooltips would be HTML); addLayers
    adds them in chunks, so that 20,000 points do not freeze the page.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var rows = {{ this.points|tojson }};
            var icon = L.divIcon({className: "bin-uncovered-address", iconSize: [12, 12]});
            var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
            cluster.addLayers(rows.map(function (row) {
                var marker = L.marker([row[0], row[1]], {icon: icon, keyboard: false});
                marker.bindTooltip(function () {
                    var span = document.createElement("span");
                    span.textContent = row[2];
                    return span;
                });
                return marker;
            }));
            cluster.addTo({{ this._parent.get_name() }});
            return cluster;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, points: list[list], *, name: str):
        super().__init__(name=layer_name(name), chunkedLoading=True, showCoverageOnHover=False)
        self._name = "AddressCluster"
        self.points = points

    def render(self, **kwargs):
        self.get_root().header.add_child(RawHtml(_POINT_CSS), name="bin_uncovered_address_css")
        super().render(**kwargs)


def _address_text(address: UncoveredAddress, street_names: dict[int, str]) -> str:
    box = " " + _("box %(box)s") % {"box": address.box_number} if address.box_number else ""
    return f"{street_names[address.street_id]} {address.house_number}{box}"


def _overlap_layers(m: folium.Map, report: CoverageReport) -> list[dict]:
    """The overlaps, allowed ones and residential conflicts in a layer each; their legend rows."""
    rows = []
    for residential, colour, label in (
        (False, OVERLAP_COLOUR, _("Allowed overlaps (BIN-Z and other kinds)")),
        (True, CONFLICT_COLOUR, _("Overlaps between BINs")),
    ):
        overlaps = [o for o in report.overlaps if o.residential == residential]
        if not overlaps and residential:
            continue  # a conflict layer only where there is one: normally there is none
        group = folium.FeatureGroup(name=layer_name(label)).add_to(m)
        for overlap in overlaps:
            shape = folium.GeoJson(
                {"type": "Feature", "geometry": json.loads(overlap.shape), "properties": {}},
                control=False,
                style_function=lambda _f, c=colour: {
                    "color": c,
                    "fillColor": c,
                    "weight": 2,
                    "fillOpacity": 0.5,
                },
            )
            shape.add_child(
                TextTooltip(
                    _("%(first)s and %(second)s: %(m2)s m²")
                    % {
                        "first": overlap.first.name,
                        "second": overlap.second.name,
                        "m2": number_format(overlap.m2, 0, force_grouping=True),
                    },
                    sticky=True,
                )
            )
            shape.add_to(group)
        rows.append(
            {
                "key": f"overlap-{int(residential)}",
                "label": label,
                "colour": colour,
                "fill": colour + "80",
                "count": len(overlaps),
                "line": False,
            }
        )
    return rows


def coverage_map(*, report: CoverageReport, networks, height: str = "100%") -> folium.Map:
    """The municipality of `report` with `networks` (the view's choice), the overlaps and the uncovered
    addresses (the first MAP_POINTS_MAX of them)."""
    municipality: Municipality = report.municipality
    area_label = _("Municipality %(name)s") % {"name": municipality_name(municipality)}
    layers = area_layers_for_display(area=municipality, networks=networks)
    for feature in layers.features:
        feature["properties"]["join_url"] = None  # a report for staff, not a page to join from
    m, kinds = area_map_base(layers, area_label=area_label, height=height)
    extra = _overlap_layers(m, report)
    street_names = {row.street.pk: str(row.street) for row in report.streets}
    points = [
        [round(a.lat, COORDINATE_DECIMALS), round(a.lon, COORDINATE_DECIMALS), _address_text(a, street_names)]
        for a in report.uncovered[:MAP_POINTS_MAX]
    ]
    label = _("Addresses in no BIN")
    AddressCluster(points, name=label).add_to(m)
    extra.append(
        {
            "key": "uncovered",
            "label": label,
            "colour": UNCOVERED_COLOUR,
            "fill": UNCOVERED_COLOUR,
            "count": report.uncovered_count,
            "line": False,
        }
    )
    folium.LayerControl(collapsed=True).add_to(m)
    add_legend(m, layers=kinds, area_label=area_label if layers.boundary else None, extra=extra)
    return use_vendored_assets(m)


def coverage_points_note(report: CoverageReport) -> str | None:
    """What the page says when the map shows only part of the uncovered addresses."""
    if report.uncovered_count <= MAP_POINTS_MAX:
        return None
    return ngettext(
        "The map shows the first %(shown)s of %(n)s address in no BIN; the list and the CSV hold them all.",
        "The map shows the first %(shown)s of %(n)s addresses in no BIN; the list and the CSV hold them all.",
        report.uncovered_count,
    ) % {"shown": MAP_POINTS_MAX, "n": report.uncovered_count}
