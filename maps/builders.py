"""Map builders: plain functions that return a folium.Map.

The public maps are assembled from small steps (`base_map`, `add_area_boundary`, `add_network_layers`,
`add_legend`, `add_address_search`) that the police alert map and the evaluation map can reuse with their
own layers (Draw plugin, alert perimeter, heat layer) on top.
"""

import json

import folium
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from areas.geometry import to_wgs84
from areas.models import Municipality, Network, PoliceZone
from areas.selectors import networks_visible

from .assets import use_vendored_assets
from .elements import AddressSearch, Legend, NetworkPopups
from .police_elements import AlertComposer
from .selectors import (
    COORDINATE_DECIMALS,
    DensityGrid,
    area_layers_for_display,
    member_density,
    networks_in_municipality,
    networks_in_police_zone,
)

__all__ = [
    "KIND_COLOURS",
    "add_address_search",
    "add_area_boundary",
    "add_density_layer",
    "add_legend",
    "add_network_layers",
    "alert_map",
    "base_map",
    "evaluation_map",
    "lookup_map",
    "municipality_map",
    "municipality_name",
    "police_alert_map",
    "police_zone_map",
]

ATTRIBUTION = "© OpenStreetMap contributors · demo BINs drawn from neighbourhood boundaries"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# Colour-blind safe pairs from the Tableau 10 palette; BIN and BIN-Z must never be confused.
KIND_COLOURS = {
    Network.Kind.BIN: "#1f77b4",
    Network.Kind.BIN_Z: "#d62728",
    Network.Kind.BIN_L: "#2ca02c",
    Network.Kind.OTHER: "#9467bd",
}
COLOURS = KIND_COLOURS  # the name lookup_map used
BOUNDARY_COLOUR = "#3d3d3d"
# BIN and BIN-Z always get a layer (an empty one says "none here"); other kinds only when present.
ALWAYS_SHOWN_KINDS = (Network.Kind.BIN, Network.Kind.BIN_Z)


def municipality_name(municipality: Municipality) -> str:
    """The municipality's name in the active language when it has one (Bruxelles in French), else its name."""
    language = (get_language() or "").split("-")[0]
    return getattr(municipality, f"name_{language}", "") or municipality.name


def lookup_map(*, point: Point, networks: list[Network], height: int = 320) -> folium.Map:
    """A small map of an address and the networks covering it."""
    p = to_wgs84(point)
    m = folium.Map(location=[p.y, p.x], zoom_start=15, height=height, tiles=None, control_scale=True)
    folium.TileLayer("OpenStreetMap", attr=ATTRIBUTION).add_to(m)
    bounds = []
    # The lookup hands over networks without their boundaries: one query fetches them, in EPSG:4326.
    shapes = dict(
        Network.objects.filter(pk__in=[n.pk for n in networks])
        .annotate(shape=AsGeoJSON(Transform("boundary", 4326), precision=7))
        .values_list("pk", "shape")
    )
    for network in networks:
        geom = GEOSGeometry(shapes[network.pk], srid=4326)
        colour = COLOURS.get(network.kind, "#2ca02c")
        folium.GeoJson(
            json.loads(geom.geojson),
            name=network.name,
            tooltip=network.name,
            style_function=lambda _f, c=colour: {"color": c, "weight": 2, "fillOpacity": 0.15},
        ).add_to(m)
        west, south, east, north = geom.extent
        bounds += [[south, west], [north, east]]
    folium.Marker([p.y, p.x]).add_to(m)
    if bounds:
        m.fit_bounds(bounds)
    return use_vendored_assets(m)


# --- steps ------------------------------------------------------------------------------------------


def _bounds(geometries: list[dict]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of GeoJSON geometries in EPSG:4326."""
    xs, ys = [], []

    def walk(coords):
        if coords and isinstance(coords[0], int | float):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for geometry in geometries:
        if geometry:
            walk(geometry["coordinates"])
    if not xs:
        return None
    return [[min(ys), min(xs)], [max(ys), max(xs)]]


def base_map(*, bounds: list[list[float]] | None, height: str = "100%", demo: bool = False) -> folium.Map:
    """An empty map fitted to `bounds`, with OpenStreetMap tiles and their attribution."""
    if bounds is None:
        from django.conf import settings

        west, south, east, north = settings.BIN_SERVICE_BBOX
        bounds = [[south, west], [north, east]]
    (south, west), (north, east) = bounds
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=13,
        tiles=None,
        height=height,
        control_scale=True,
        # Half zoom steps let an area fill the map instead of a quarter of it.
        zoom_snap=0.5,
    )
    attribution = OSM_ATTRIBUTION
    if demo:
        attribution += " · " + _("demo BINs drawn from neighbourhood boundaries, not real BIN areas")
    # Offline the tiles do not load; the vector layers are drawn regardless.
    folium.TileLayer(OSM_TILES, attr=attribution, name="OpenStreetMap", max_zoom=19, control=False).add_to(m)
    # The padding keeps the outline clear of the map's edge.
    m.fit_bounds(bounds, padding=(24, 24))
    return m


def add_area_boundary(m: folium.Map, *, geometry: dict | None, name: str) -> None:
    """The municipality's or zone's outline: a dashed line that does not catch clicks."""
    if not geometry:
        return
    folium.GeoJson(
        {"type": "Feature", "id": "area", "geometry": geometry, "properties": {}},
        name=name,
        style_function=lambda _f: {
            "color": BOUNDARY_COLOUR,
            "weight": 2.5,
            "dashArray": "6 4",
            "fill": False,
        },
        interactive=False,
        className="bin-map-area-boundary",
    ).add_to(m)


def _style(feature: dict) -> dict:
    p = feature["properties"]
    colour = KIND_COLOURS.get(p["kind"], KIND_COLOURS[Network.Kind.OTHER])
    style = {"color": colour, "fillColor": colour, "weight": 2, "fillOpacity": 0.18}
    if not p["published"]:  # only staff see these
        style.update(dashArray="4 4", fillOpacity=0.05)
    return style


def _highlight(feature: dict) -> dict:
    return {"weight": 4, "fillOpacity": 0.35}


def add_network_layers(m: folium.Map, *, features: list[dict]) -> dict[str, dict]:
    """One FeatureGroup per network kind. Returns kind -> {"label", "colour", "count"} for the legend."""
    labels = {
        "unpublished": _("Not published: only staff see it"),
        "contact": _("Contact"),
        "join": _("Join this BIN"),
    }
    by_kind: dict[str, list[dict]] = {kind: [] for kind in ALWAYS_SHOWN_KINDS}
    for feature in features:
        by_kind.setdefault(feature["properties"]["kind"], []).append(feature)
    layers = {}
    for kind, kind_features in by_kind.items():
        label = str(Network.Kind(kind).label)
        colour = KIND_COLOURS.get(kind, KIND_COLOURS[Network.Kind.OTHER])
        group = folium.FeatureGroup(name=label)
        if kind_features:
            geojson = folium.GeoJson(
                {"type": "FeatureCollection", "features": kind_features},
                name=label,
                control=False,  # the FeatureGroup is what the layer control switches
                style_function=_style,
                highlight_function=_highlight,
            )
            geojson.add_child(NetworkPopups(labels=labels))
            geojson.add_to(group)
        group.add_to(m)
        layers[kind] = {"label": label, "colour": colour, "count": len(kind_features)}
    return layers


def add_legend(
    m: folium.Map, *, layers: dict[str, dict], area_label: str | None, extra: list[dict] | tuple = ()
) -> None:
    """The legend: one row per network kind, the area boundary, then `extra` rows (Legend's entries)."""
    entries = [
        {
            "key": kind,
            "label": layer["label"],
            "colour": layer["colour"],
            "fill": layer["colour"] + "2e",  # the fill opacity of the shapes (0.18)
            "count": layer["count"],
            "line": False,
        }
        for kind, layer in layers.items()
    ]
    if area_label:
        entries.append(
            {"key": "boundary", "label": area_label, "colour": BOUNDARY_COLOUR, "count": None, "line": True}
        )
    entries.extend(extra)
    Legend(title=_("Neighbourhood information networks"), entries=entries).add_to(m)


def add_address_search(m: folium.Map) -> None:
    labels = {
        "label": _("Address"),
        "placeholder": _("Street and number, municipality"),
        "search": _("Find my BIN"),
        "searching": _("Searching…"),
        "not_found": _("No address found."),
        "failed": _("The search failed; try again later."),
        "ambiguous": _("More than one address matches; this is the first."),
        "no_bin": _("No BIN covers this address."),
        "nearest": _("The nearest BINs:"),
        "join": _("Join this BIN"),
    }
    AddressSearch(api_url=reverse("api:lookup"), labels=labels).add_to(m)


# --- public maps -------------------------------------------------------------------------------------


def _area_map(
    *,
    area: Municipality | PoliceZone,
    area_label: str,
    networks: QuerySet[Network],
    simplify_tolerance_m: float | None,
    address_search: bool,
    site_url: str | None,
    height: str,
) -> folium.Map:
    layers = area_layers_for_display(area=area, networks=networks, tolerance_m=simplify_tolerance_m)
    features = layers.features
    for feature in features:
        slug = feature["properties"]["slug"]
        # site_url None: no join links (a static export that does not know where the service lives).
        feature["properties"]["join_url"] = (
            None if site_url is None else site_url.rstrip("/") + reverse("network-join", args=[slug])
        )
    boundary = layers.boundary
    m = base_map(
        bounds=_bounds([boundary] if boundary else [f["geometry"] for f in features]),
        height=height,
        demo=layers.demo,
    )
    add_area_boundary(m, geometry=boundary, name=area_label)
    kinds = add_network_layers(m, features=features)
    folium.LayerControl(collapsed=False).add_to(m)
    add_legend(m, layers=kinds, area_label=area_label if boundary else None)
    if address_search:
        add_address_search(m)
    return use_vendored_assets(m)


def municipality_map(
    *,
    municipality: Municipality,
    user=None,
    simplify_tolerance_m: float | None = None,
    address_search: bool = True,
    site_url: str | None = "",
    height: str = "100%",
) -> folium.Map:
    """The published BINs and BIN-Zs of a municipality (all of them for staff), on OpenStreetMap.

    simplify_tolerance_m: None picks one from the municipality's size; 0 draws the stored geometry.
    site_url: prefix of the join links ("" for links relative to this site, None for none).
    """
    return _area_map(
        area=municipality,
        area_label=_("Municipality %(name)s") % {"name": municipality_name(municipality)},
        networks=networks_in_municipality(municipality=municipality, networks=networks_visible(user=user)),
        simplify_tolerance_m=simplify_tolerance_m,
        address_search=address_search,
        site_url=site_url,
        height=height,
    )


def police_zone_map(
    *,
    police_zone: PoliceZone,
    user=None,
    simplify_tolerance_m: float | None = None,
    address_search: bool = True,
    site_url: str | None = "",
    height: str = "100%",
) -> folium.Map:
    """The published BINs and BIN-Zs of every municipality of a police zone; arguments as municipality_map."""
    return _area_map(
        area=police_zone,
        area_label=_("Police zone %(name)s") % {"name": police_zone.name},
        networks=networks_in_police_zone(police_zone=police_zone, networks=networks_visible(user=user)),
        simplify_tolerance_m=simplify_tolerance_m,
        address_search=address_search,
        site_url=site_url,
        height=height,
    )


# --- police maps -------------------------------------------------------------------------------------

# Members per cell, light to dark (ColorBrewer Oranges, colour-blind safe); the lower bound of each class.
DENSITY_CLASSES = ((50, "#a63603"), (25, "#e6550d"), (10, "#fd8d3c"), (5, "#fdae6b"), (0, "#fdd0a2"))
# Black, so that a perimeter is never taken for a BIN (blue), a BIN-Z (red) or the density (oranges); the
# zone's boundary is a thin dashed grey line.
PERIMETER_COLOUR = "#111111"


def _density_colour(count: int) -> str:
    return next(colour for bound, colour in DENSITY_CLASSES if count >= bound)


def _police_network_features(police_zone: PoliceZone, *, tolerance_m: float | None = None):
    """Every network of the zone but the dissolved ones, published or not: the police see them all."""
    networks = networks_in_police_zone(
        police_zone=police_zone, networks=Network.objects.exclude(status=Network.Status.DISSOLVED)
    )
    layers = area_layers_for_display(area=police_zone, networks=networks, tolerance_m=tolerance_m)
    for feature in layers.features:
        feature["properties"]["join_url"] = None  # an officer's map is no place to join a BIN
    return layers


def add_density_layer(m: folium.Map, *, density: DensityGrid) -> list[dict]:
    """Members per cell as shaded squares (no member's position); returns the legend rows.

    The squares lie over the BINs, so that their colours read as in the legend, and take no clicks, so
    that a click still opens the BIN's popup.
    """
    group = folium.FeatureGroup(name=_("Member density"))
    if density.cells:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": density.cells},
            name=_("Member density"),
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
    *, police_zone: PoliceZone, user, height: str = "100%", panel_target: str | None = None
) -> folium.Map:
    """The map an officer draws an alert on: the zone, all of its BINs, the member density, Draw, the form.

    user: the officer; PermissionDenied unless they send alerts for this zone (or are an administrator),
    since the map shows unpublished networks and where members live.
    panel_target: a CSS selector of an element of the page to hold the form (default: on the map).
    """
    from django.conf import settings
    from django.core.exceptions import PermissionDenied
    from folium.plugins import Draw

    from alerts.models import Alert, Category, Tip
    from members.permissions import can_send_alerts

    if not can_send_alerts(user, police_zone.pk):
        raise PermissionDenied(_("You do not send alerts for this police zone."))
    layers = _police_network_features(police_zone)
    area_label = _("Police zone %(name)s") % {"name": police_zone.name}
    m = base_map(
        bounds=_bounds([layers.boundary] if layers.boundary else [f["geometry"] for f in layers.features]),
        height=height,
        demo=layers.demo,
    )
    add_area_boundary(m, geometry=layers.boundary, name=area_label)
    kinds = add_network_layers(m, features=layers.features)
    density_rows = add_density_layer(m, density=member_density(police_zone=police_zone))
    drawn = folium.FeatureGroup(name=_("Alert perimeter"), control=False).add_to(m)
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
        preview_url=reverse("alert-preview"),
        create_url=reverse("alert-list"),
        alert_url=reverse("maps:alert", args=[0]).replace("/0/", "/{id}/"),
        police_zone_id=police_zone.pk,
        categories=[(value, str(label)) for value, label in Category.choices],
        urgencies=[(value, str(label)) for value, label in Alert.Urgency.choices],
        tips=list(Tip.objects.filter(active=True).values_list("pk", "title", "category")),
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
    zone = alert.police_zone
    layers = _police_network_features(zone)
    perimeter = _rounded(json.loads(to_wgs84(alert.perimeter).geojson))
    m = base_map(bounds=_bounds([perimeter]), height=height, demo=layers.demo)
    area_label = _("Police zone %(name)s") % {"name": zone.name}
    add_area_boundary(m, geometry=layers.boundary, name=area_label)
    kinds = add_network_layers(m, features=layers.features)
    folium.GeoJson(
        {"type": "Feature", "geometry": perimeter, "properties": {}},
        name=_("Alert perimeter"),
        style_function=lambda _f: {"color": PERIMETER_COLOUR, "weight": 3, "fillOpacity": 0.08},
        interactive=False,
        className="bin-map-alert-perimeter",
    ).add_to(m)
    location = to_wgs84(alert.location)
    folium.Marker(
        [location.y, location.x], tooltip=_("Incident"), alt=_("Incident"), name=_("Incident")
    ).add_to(m)
    folium.LayerControl(collapsed=True, position="bottomleft").add_to(m)
    add_legend(
        m,
        layers=kinds,
        area_label=area_label if layers.boundary else None,
        extra=[_perimeter_legend_row()],
    )
    return use_vendored_assets(m)


def _alert_popup(alert: dict, *, link: str | None) -> str:
    from django.utils.formats import date_format
    from django.utils.html import escape
    from django.utils.timezone import localtime

    lines = [
        f"<strong>{escape(alert['category_label'])}</strong> · {escape(alert['status_label'])}",
        escape(date_format(localtime(alert["sent_at"]), "SHORT_DATETIME_FORMAT")),
        escape(alert["message"][:200]),
        escape(
            _("%(n)s recipients, %(seen)s seen, %(obs)s observations")
            % {
                "n": alert["recipients"],
                "seen": alert["reactions"]["seen"],
                "obs": alert["reactions"]["observation"],
            }
        ),
    ]
    if alert["outcome"]:
        lines.append(escape(_("Outcome: %(outcome)s") % {"outcome": alert["outcome"]}))
    if link:
        lines.append(f'<a href="{escape(link)}" data-alert-link>{escape(_("The alert"))}</a>')
    return f'<div class="bin-map-popup" data-alert-id="{alert["id"]}">' + "<br>".join(lines) + "</div>"


def evaluation_map(
    *, police_zone: PoliceZone, alerts: list[dict], alert_links: bool = False, height: str = "100%"
) -> folium.Map:
    """The zone's alerts of a period (alerts_in_period) clustered over its BINs, for the evaluation.

    alert_links: link each popup to the alert's page (only the zone's police may open it).
    """
    from folium.plugins import MarkerCluster

    layers = _police_network_features(police_zone)
    area_label = _("Police zone %(name)s") % {"name": police_zone.name}
    m = base_map(
        bounds=_bounds([layers.boundary] if layers.boundary else [f["geometry"] for f in layers.features]),
        height=height,
        demo=layers.demo,
    )
    add_area_boundary(m, geometry=layers.boundary, name=area_label)
    kinds = add_network_layers(m, features=layers.features)
    cluster = MarkerCluster(name=_("Alerts"), options={"showCoverageOnHover": False}).add_to(m)
    for alert in alerts:
        link = reverse("maps:alert", args=[alert["id"]]) if alert_links else None
        folium.Marker(
            [alert["lat"], alert["lon"]],
            tooltip=f"{alert['category_label']} · {alert['sent_at']:%d/%m/%Y}",
            popup=folium.Popup(_alert_popup(alert, link=link), max_width=320),
        ).add_to(cluster)
    folium.LayerControl(collapsed=False).add_to(m)
    add_legend(m, layers=kinds, area_label=area_label if layers.boundary else None)
    return use_vendored_assets(m)
