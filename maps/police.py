"""The police maps: the alert map an officer draws on, one alert's map, and the evaluation map of a period.

They reuse the public maps' steps (maps/builders.py) with layers of their own on top. Who may open them is
the view's question (access.permissions); what a map shows of members is counts per square (alerts.
recipients.reach_density), never a member.
"""

import json
import math

import folium
from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from folium.plugins import Draw, MarkerCluster

from alerts.languages import ALERT_LANGUAGES, LANGUAGE_NAMES
from alerts.models import Alert, Category
from alerts.recipients import DensityGrid, reach_density
from alerts.selectors import approval_required, tips_for_alert
from alerts.sms_length import GSM7_BASIC, GSM7_EXTENSION, GSM7_REPLACEMENTS
from areas.models import Network, PoliceZone
from core.geometry import to_wgs84

from .assets import use_vendored_assets
from .builders import add_legend, area_map_base, bounds_of
from .markup import TextPopup, TextTooltip, layer_name
from .police_approval import approval_composer_labels
from .police_elements import AlertComposer, DrawLocale, draw_strings
from .selectors import COORDINATE_DECIMALS, DisplayLayers, area_layers_for_display

__all__ = ["add_density_layer", "alert_map", "composer_labels", "evaluation_map", "police_alert_map"]

# Members per cell, light to dark (ColorBrewer Oranges, colour-blind safe); the lower bound of each class.
DENSITY_CLASSES = ((50, "#a63603"), (25, "#e6550d"), (10, "#fd8d3c"), (5, "#fdae6b"), (0, "#fdd0a2"))
# Black, so that a perimeter is never taken for a BIN (blue), a BIN-Z (red) or the density (oranges); the
# zone's boundary is a thin dashed grey line.
PERIMETER_COLOUR = "#111111"
# The radius the composer proposes around a found address: a few streets in a town.
DEFAULT_RADIUS_M = 500


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


def _composer_counted() -> dict:
    """The composer's texts with a count: each the list of its ngettext forms for 0, 1 and 2."""
    counts = (0, 1, 2)
    return {
        "reach": [ngettext("%(n)s member reached", "%(n)s members reached", n) for n in counts],
        "no_contact": [
            ngettext(
                "%(n)s more without a mobile number or e-mail address",
                "%(n)s more without a mobile number or e-mail address",
                n,
            )
            for n in counts
        ],
        "deferred": [
            ngettext(
                "%(n)s member receives it at the end of their quiet hours",
                "%(n)s members receive it at the end of their quiet hours",
                n,
            )
            for n in counts
        ],
        "chars": [ngettext("%(n)s character", "%(n)s characters", n) for n in counts],
        "parts": [ngettext("%(n)s part", "%(n)s parts", n) for n in counts],
        "ucs": [
            ngettext(
                "This character is not in the SMS alphabet (GSM-7), so every part holds 70 characters "
                "instead of 160: %(chars)s",
                "These characters are not in the SMS alphabet (GSM-7), so every part holds 70 characters "
                "instead of 160: %(chars)s",
                n,
            )
            for n in counts
        ],
        "send_to": [ngettext("Send to %(n)s member…", "Send to %(n)s members…", n) for n in counts],
        "sent": [ngettext("Sent to %(n)s member.", "Sent to %(n)s members.", n) for n in counts],
    }


def composer_labels() -> dict:
    """The composer's texts (maps/static/maps/alert_composer.js). A text with a count is a list of its
    ngettext forms for 0, 1 and 2, which is every form in Dutch, French, German and English."""
    return {
        **_composer_counted(),
        "title": _("New alert"),
        "hint": _(
            "Type the address of the incident and a radius, or draw the perimeter (a polygon or a circle) "
            "with the tools on the map; then write the message."
        ),
        "place": _("Where"),
        "address": _("Address of the incident"),
        "address_placeholder": _("Street and number, municipality"),
        "find": _("Find"),
        "searching": _("Searching…"),
        "address_found": _("Incident placed at %(label)s."),
        "address_short": _("Type at least a street name."),
        "not_found": _("No address found; check the spelling or draw on the map."),
        "ambiguous": _("More than one address matches; the first is on the map. Choose another:"),
        "radius": _("Radius around the incident (metres)"),
        "radius_hint": _("The circle follows as you type; drawing on the map replaces it."),
        "radius_range": _("A radius lies between %(min)s and %(max)s metres."),
        "category": _("Category"),
        "urgency": _("Urgency"),
        "message": _("Message"),
        "message_placeholder": _("What happened, where, what to look out for"),
        "tip": _("Preventive tip"),
        "draw_first": _("Find an address or draw a perimeter to see whom it reaches."),
        "previewing": _("Counting the members inside…"),
        "sms_channel": _("SMS"),
        "email_channel": _("e-mail"),
        "network": _("BIN"),
        "members": _("members"),
        "sms": _(
            "SMS: your message %(message)s (%(encoding)s); as sent, with the heading, the tip and the "
            "reaction link, %(full)s in %(parts)s."
        ),
        "replace": _("Replace them with SMS characters"),
        "send": _("Send…"),
        "sending": _("Sending…"),
        "failed": _("The service could not be reached; try again."),
        "http_error": _("The service answered with error %(status)s."),
        "incident": _("Incident"),
        "confirm_title": _("Check the alert before it is sent"),
        "confirm_summary": _("%(category)s, %(urgency)s, police zone %(zone)s: %(reach)s."),
        "confirm_reach": _("Whom it reaches"),
        "confirm_texts": _("What the members receive, per language"),
        "confirm_next": _("What happens next"),
        "confirm_back": _("Back to the alert"),
        "confirm_send": _("Confirm and send"),
        "subject": _("Subject: %(subject)s"),
        "next_urgent": [
            _("The SMS go out at once, before any other message, also during the members' quiet hours."),
            _("Members without a mobile number receive the e-mail."),
        ],
        "next_other": [
            _("The e-mails go out now; members without an e-mail address receive the SMS."),
            _("Members in their quiet hours receive it when those end."),
        ],
        "next_page": _(
            "You go to the alert's page: the delivery, the reactions of the members, and the forms for an "
            "update, a cancel and the closing message."
        ),
    }


def police_alert_map(
    *,
    police_zone: PoliceZone,
    height: str = "100%",
    panel_target: str | None = None,
    legend_target: str | None = None,
) -> folium.Map:
    """The map an officer draws an alert on: the zone, all of its BINs, the member density, Draw, the form.

    For the zone's police only (the view asks access.permissions.can_send_alerts): it shows unpublished
    networks and where members live.
    panel_target: a CSS selector of an element of the page to hold the form (default: on the map).
    legend_target: the same for the legend, so that it never lies over what the officer draws (default:
    on the map, folded).
    """
    layers = _police_network_features(police_zone)
    area_label = _zone_label(police_zone)
    m, kinds = area_map_base(layers, area_label=area_label, height=height)
    density_rows = add_density_layer(m, density=reach_density(police_zone_id=police_zone.pk))
    drawn = folium.FeatureGroup(name=layer_name(_("Alert perimeter")), control=False).add_to(m)
    shape = {"color": PERIMETER_COLOUR, "weight": 3, "fillOpacity": 0.08}
    DrawLocale(draw_strings()).add_to(m)  # before Draw: its buttons take their titles when made
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
        target=legend_target,
        collapsible=True,
    )
    # The smallest circle the service takes (BIN_ALERT_MIN_AREA_M2, alerts.services.alert_prepare).
    min_radius = math.ceil(math.sqrt(settings.BIN_ALERT_MIN_AREA_M2 / math.pi))
    AlertComposer(
        feature_group=drawn,
        preview_url=reverse("api:alert-preview"),
        create_url=reverse("api:alert-list"),
        alert_url=reverse("maps:alert", args=[0]).replace("/0/", "/{id}/"),
        lookup_url=reverse("api:lookup"),
        street_search_url=reverse("api:street-search"),
        police_zone_id=police_zone.pk,
        police_zone_name=police_zone.name,
        categories=[(value, str(label)) for value, label in Category.choices],
        urgencies=[(value, str(label)) for value, label in Alert.Urgency.choices],
        languages=[(code, str(LANGUAGE_NAMES[code])) for code in ALERT_LANGUAGES],
        tips=list(tips_for_alert(police_zone_id=police_zone.pk).values_list("pk", "title", "category")),
        labels={
            **composer_labels(),
            # Four eyes (alerts.ZoneAlertPolicy): "send" submits the alert for a second officer's approval.
            **(approval_composer_labels() if approval_required(police_zone_id=police_zone.pk) else {}),
        },
        gsm7="".join(sorted(GSM7_BASIC | GSM7_EXTENSION)),
        gsm7_replacements=GSM7_REPLACEMENTS,
        shape=shape,
        min_radius_m=min_radius,
        max_radius_m=int(settings.BIN_ALERT_MAX_RADIUS_M),
        default_radius_m=max(DEFAULT_RADIUS_M, min_radius),
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
    # Each alert's perimeter as drawn (clipped to the zone), under the markers: where it reached, not only
    # where it happened. No clicks: the marker's popup tells about the alert.
    if alerts:
        perimeters = folium.FeatureGroup(name=layer_name(_("Alert perimeters"))).add_to(m)
        folium.GeoJson(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": a["perimeter"], "properties": {"id": a["id"]}}
                    for a in alerts
                    if a.get("perimeter")
                ],
            },
            style_function=lambda _f: {"color": PERIMETER_COLOUR, "weight": 2, "fillOpacity": 0.06},
            control=False,
            interactive=False,
            className="bin-map-evaluation-perimeter",
        ).add_to(perimeters)
    cluster = MarkerCluster(name=layer_name(_("Alerts")), options={"showCoverageOnHover": False}).add_to(m)
    for alert in alerts:
        link = reverse("maps:alert", args=[alert["id"]]) if alert_links else None
        marker = folium.Marker([alert["lat"], alert["lon"]])
        marker.add_child(TextTooltip(f"{alert['category_label']} · {alert['sent_at']:%d/%m/%Y}"))
        marker.add_child(_alert_popup(alert, link=link))
        marker.add_to(cluster)
    folium.LayerControl(collapsed=False).add_to(m)
    add_legend(
        m,
        layers=kinds,
        area_label=area_label if layers.boundary else None,
        extra=[_perimeter_legend_row()] if alerts else (),
    )
    return use_vendored_assets(m)
