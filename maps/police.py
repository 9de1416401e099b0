"""The police maps: the alert map an officer draws on, one alert's map, and the evaluation map of a period.

They reuse the public maps' steps (maps/builders.py) with layers of their own on top. Who may open them is
the view's question (access.permissions); what a map shows of members is counts per square (alerts.
recipients.reach_density), never a member.
"""

import json

import folium
from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from folium.plugins import Draw, MarkerCluster

from alerts.models import Alert, Category
from alerts.recipients import DensityGrid, reach_density
from alerts.selectors import tips_for_alert
from areas.models import Network, PoliceZone
from core.geometry import to_wgs84

from .assets import use_vendored_assets
from .builders import add_legend, area_map_base, bounds_of
from .markup import TextPopup, TextTooltip, layer_name
from .police_elements import AlertComposer
from .selectors import COORDINATE_DECIMALS, DisplayLayers, area_layers_for_display

__all__ = ["add_density_layer", "alert_map", "evaluation_map", "police_alert_map"]

# Members per cell, light to dark (ColorBrewer Oranges, colour-blind safe); the lower bound of each class.
DENSITY_CLASSES = ((50, "#a63603"), (25, "#e6550d"), (10, "#fd8d3c"), (5, "#fdae6b"), (0, "#fdd0a2"))
# Black, so that a perimeter is never taken for a BIN (blue), a BIN-Z (red) or the density (oranges); the
# zone's boundary is a thin dashed grey line.
PERIMETER_COLOUR = "#111111"


def _zone_label(police_zone: PoliceZone) -> str:
    return _("Police zone %(name)s") % {"name": police_zone.name}


def _density_colour(count: int) -> str:
    return next(colour for bound, colour in DENSITY_CLASSES if count >= bound)


def _police_network_features(police_zone: PoliceZone, *, tolerance_m: float | None = None) -> DisplayLayers:
    """Every network of the zone but the dissolved ones, published or not: the police see them all."""
    networks = Network.objects.existing().in_police_zones([police_zone.pk])
    layers = area_layers_for_display(area=police_zone, networks=networks, tolerance_m=tolerance_m)
    for feature in layers.features:
        feature["properties"]["join_url"] = None  # an officer's map is no place to join a BIN
    return layers


def add_density_layer(m: folium.Map, *, density: DensityGrid) -> list[dict]:
    """Members per cell as shaded squares (no member's position); returns the legend rows.

    The squares lie over the BINs, so that their colours read as in the legend, and take no clicks, so
    that a click still opens the BIN's popup.
    """
    group = folium.FeatureGroup(name=layer_name(_("Member density")))
    if density.cells:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": density.cells},
            control=False,
            style_function=lambda f: {
                "color": _density_colour(f["properties"]["count"]),
                "weight": 0,
                "fillColor": _density_colour(f["properties"]["count"]),
                "fillOpacity": 0.6,
            },
            interactive=False,
            className="bin-map-density-cell",
        ).add_to(group)
    group.add_to(m)
    rows = []
    counts = [c["properties"]["count"] for c in density.cells]
    upper = None
    for bound, colour in DENSITY_CLASSES:
        lower = max(bound, density.min_count)
        if upper is None or lower <= upper:
            shown = [n for n in counts if n >= lower and (upper is None or n <= upper)]
            if shown:
                values = {"size": density.cell_m, "low": lower, "high": upper}
                label = (
                    _("%(low)s or more members per %(size)s m square")
                    if upper is None
                    else _("%(low)s to %(high)s members per %(size)s m square")
                ) % values
                row = {"key": f"density-{lower}", "label": label, "colour": colour, "fill": colour}
                rows.append({**row, "count": len(shown), "line": False})
        upper = bound - 1
    # Say what is left out, so that an empty square is not read as "nobody lives here".
    note = _("Squares with fewer than %(k)s members are left out.") % {"k": density.min_count}
    if density.hidden:
        note = _("%(n)s members in squares with fewer than %(k)s are left out.") % {
            "n": density.hidden,
            "k": density.min_count,
        }
    blank = {"colour": "transparent", "fill": "transparent", "count": None, "line": False}
    rows.append({"key": "density-note", "label": note, **blank})
    return rows


def _perimeter_legend_row() -> dict:
    return {
        "key": "perimeter",
        "label": _("Alert perimeter"),
        "colour": PERIMETER_COLOUR,
        "fill": PERIMETER_COLOUR + "14",  # its fill opacity, 0.08
        "count": None,
        "line": False,
    }


def _composer_labels() -> dict:
    return {
        "title": _("New alert"),
        "hint": _(
            "Draw the perimeter (a polygon or a circle) with the tools on the left; place the incident "
            "marker if you know where it happened."
        ),
        "category": _("Category"),
        "urgency": _("Urgency"),
        "message": _("Message"),
        "message_placeholder": _("What happened, where, what to look out for"),
        "tip": _("Preventive tip"),
        "draw_first": _("Draw a perimeter to see whom it reaches."),
        "previewing": _("Counting the members inside…"),
        "reach": _("%(n)s members reached"),
        "sms_channel": _("SMS"),
        "email_channel": _("e-mail"),
        "no_contact": _("%(n)s more without a mobile number or e-mail address"),
        "deferred": _("%(n)s held until the end of their quiet hours"),
        "network": _("BIN"),
        "members": _("members"),
        "sms": _(
            "SMS: %(length)s characters, %(encoding)s, %(segments)s segment(s); with the standard text "
            "and reaction link %(full_length)s characters in %(full_segments)s segment(s)."
        ),
        "send": _("Send"),
        "send_to": _("Send to %(n)s members"),
        "sending": _("Sending…"),
        "sent": _("Sent to %(n)s members."),
        "failed": _("The service could not be reached; try again."),
        "http_error": _("The service answered with error %(status)s."),
        "incident": _("Incident"),
    }


def police_alert_map(
    *, police_zone: PoliceZone, height: str = "100%", panel_target: str | None = None
) -> folium.Map:
    """The map an officer draws an alert on: the zone, all of its BINs, the member density, Draw, the form.

    For the zone's police only (the view asks access.permissions.can_send_alerts): it shows unpublished
    networks and where members live.
    panel_target: a CSS selector of an element of the page to hold the form (default: on the map).
    """
    layers = _police_network_features(police_zone)
    area_label = _zone_label(police_zone)
    m, kinds = area_map_base(layers, area_label=area_label, height=height)
    density_rows = add_density_layer(m, density=reach_density(police_zone_id=police_zone.pk))
    drawn = folium.FeatureGroup(name=layer_name(_("Alert perimeter")), control=False).add_to(m)
    shape = {"color": PERIMETER_COLOUR, "weight": 3, "fillOpacity": 0.08}
    Draw(
        feature_group=drawn,
        show_geometry_on_click=False,
        position="topleft",
        draw_options={
            "polyline": False,
            "rectangle": False,
            "circlemarker": False,
            # showArea stays off: Leaflet.draw 1.0.4's area label throws under Leaflet 1.9.
            "polygon": {"allowIntersection": False, "showArea": False, "shapeOptions": shape},
            "circle": {"shapeOptions": shape, "metric": True},
            "marker": {},
        },
        edit_options={"poly": {"allowIntersection": False}},
    ).add_to(m)
    folium.LayerControl(collapsed=True, position="bottomleft").add_to(m)
    add_legend(
        m,
        layers=kinds,
        area_label=area_label if layers.boundary else None,
        extra=[*density_rows, _perimeter_legend_row()],
    )
    AlertComposer(
        feature_group=drawn,
        preview_url=reverse("api:alert-preview"),
        create_url=reverse("api:alert-list"),
        alert_url=reverse("maps:alert", args=[0]).replace("/0/", "/{id}/"),
        police_zone_id=police_zone.pk,
        categories=[(value, str(label)) for value, label in Category.choices],
        urgencies=[(value, str(label)) for value, label in Alert.Urgency.choices],
        tips=list(tips_for_alert(police_zone_id=police_zone.pk).values_list("pk", "title", "category")),
        labels=_composer_labels(),
        max_message_chars=settings.BIN_ALERT_MAX_MESSAGE_CHARS,
        csrf_cookie=settings.CSRF_COOKIE_NAME,
        panel_target=panel_target,
    ).add_to(m)
    return use_vendored_assets(m)


def _rounded(geometry: dict) -> dict:
    """A GeoJSON geometry with COORDINATE_DECIMALS decimals, like every other shape of the maps."""

    def walk(coords):
        if coords and isinstance(coords[0], int | float):
            return [round(c, COORDINATE_DECIMALS) for c in coords]
        return [walk(c) for c in coords]

    return {**geometry, "coordinates": walk(geometry["coordinates"])}


def alert_map(*, alert, height: str = "100%") -> folium.Map:
    """One alert: its perimeter (as clipped to the zone), the incident, and the BINs of the zone."""
    layers = _police_network_features(alert.police_zone)
    perimeter = _rounded(json.loads(to_wgs84(alert.perimeter).geojson))
    area_label = _zone_label(alert.police_zone)
    m, kinds = area_map_base(layers, area_label=area_label, height=height, bounds=bounds_of([perimeter]))
    folium.GeoJson(
        {"type": "Feature", "geometry": perimeter, "properties": {}},
        name=layer_name(_("Alert perimeter")),
        style_function=lambda _f: {"color": PERIMETER_COLOUR, "weight": 3, "fillOpacity": 0.08},
        interactive=False,
        className="bin-map-alert-perimeter",
    ).add_to(m)
    location = to_wgs84(alert.location)
    incident = folium.Marker([location.y, location.x], alt=_("Incident"))
    incident.add_child(TextTooltip(_("Incident")))
    incident.add_to(m)
    folium.LayerControl(collapsed=True, position="bottomleft").add_to(m)
    add_legend(
        m,
        layers=kinds,
        area_label=area_label if layers.boundary else None,
        extra=[_perimeter_legend_row()],
    )
    return use_vendored_assets(m)


def _alert_popup(alert: dict, *, link: str | None) -> TextPopup:
    rows = [
        [{"text": alert["category_label"], "strong": True}, " · " + alert["status_label"]],
        [date_format(localtime(alert["sent_at"]), "SHORT_DATETIME_FORMAT")],
        [alert["message"][:200]],
        [
            _("%(n)s recipients, %(seen)s seen, %(obs)s observations")
            % {
                "n": alert["recipients"],
                "seen": alert["reactions"]["seen"],
                "obs": alert["reactions"]["observation"],
            }
        ],
    ]
    if alert["outcome"]:
        rows.append([_("Outcome: %(outcome)s") % {"outcome": alert["outcome"]}])
    if link:
        rows.append([{"text": _("The alert"), "href": link, "attrs": {"data-alert-link": ""}}])
    return TextPopup(rows, attrs={"data-alert-id": alert["id"]})


def evaluation_map(
    *, police_zone: PoliceZone, alerts: list[dict], alert_links: bool = False, height: str = "100%"
) -> folium.Map:
    """The zone's alerts of a period (alerts_in_period) clustered over its BINs, for the evaluation.

    alert_links: link each popup to the alert's page (only the zone's police may open it).
    """
    layers = _police_network_features(police_zone)
    area_label = _zone_label(police_zone)
    m, kinds = area_map_base(layers, area_label=area_label, height=height)
    cluster = MarkerCluster(name=layer_name(_("Alerts")), options={"showCoverageOnHover": False}).add_to(m)
    for alert in alerts:
        link = reverse("maps:alert", args=[alert["id"]]) if alert_links else None
        marker = folium.Marker([alert["lat"], alert["lon"]])
        marker.add_child(TextTooltip(f"{alert['category_label']} · {alert['sent_at']:%d/%m/%Y}"))
        marker.add_child(_alert_popup(alert, link=link))
        marker.add_to(cluster)
    folium.LayerControl(collapsed=False).add_to(m)
    add_legend(m, layers=kinds, area_label=area_label if layers.boundary else None)
    return use_vendored_assets(m)
