"""Map builders: plain functions that return a folium.Map.

The public maps are assembled from small steps (`base_map` with `add_tile_layer`, `add_area_boundary`,
`add_network_layers`, `add_legend`, `add_address_search`) that the police maps (maps/police.py) reuse
with their own layers (Draw plugin, alert perimeter, member density, alert markers) on top. Builders
decide nothing about who may see what: the view asks access.permissions and hands over the networks to
draw. Text from the database reaches a map only as data put into the DOM with textContent
(maps/markup.py).
"""

import json
import math
from typing import TypedDict, Unpack

import folium
from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from areas.api.serializers import network_labels
from areas.models import Municipality, Network, PoliceZone
from areas.selectors import networks_visible
from core.geometry import to_wgs84
from core.tiles import basemaps

from .assets import use_vendored_assets
from .elements import AddressSearch, Legend, NetworkPopups
from .map_locale import add_map_locale
from .markup import layer_name
from .selectors import DisplayLayers, area_layers_for_display, area_outline_for_display
from .styles import LABEL_MIN_PIXELS, LABEL_MIN_ZOOM, LEGEND_GREY, legend_entries, network_style, style_table
from .vector_elements import NetworkLabels, NetworkVectorTiles
from .vector_tiles import NETWORK_TILE_PATH, network_label_points, network_tally

__all__ = [
    "AreaMapOptions",
    "add_address_search",
    "add_area_boundary",
    "add_labels",
    "add_legend",
    "add_network_layers",
    "add_tile_layer",
    "area_map_base",
    "base_map",
    "bounds_of",
    "lookup_map",
    "municipality_map",
    "municipality_name",
    "police_zone_map",
    "uses_vector_tiles",
]

# A network's colour is its status, its line its kind (maps.styles).
BOUNDARY_COLOUR = LEGEND_GREY
# BIN and BIN-Z always get a layer (an empty one says "none here"); other kinds only when present.
ALWAYS_SHOWN_KINDS = (Network.Kind.BIN, Network.Kind.BIN_Z)


def municipality_name(municipality: Municipality) -> str:
    """The municipality's name in the active language when it has one (Bruxelles in French), else its name."""
    language = (get_language() or "").split("-")[0]
    return getattr(municipality, f"name_{language}", "") or municipality.name


def lookup_map(*, point: Point, networks: list[Network], height: str = "100%") -> folium.Map:
    """A small map of an address and the networks covering it (tooltip and popup as on the other maps)."""
    p = to_wgs84(point)
    m = folium.Map(location=[p.y, p.x], zoom_start=15, height=height, tiles=None, control_scale=False)
    add_tile_layer(m)
    add_map_locale(m)  # the metric scale and the credit's words in the page's language
    bounds = []
    # The lookup hands over networks without their boundaries: one query fetches them, in EPSG:4326.
    shapes = dict(
        Network.objects.filter(pk__in=[n.pk for n in networks])
        .annotate(shape=AsGeoJSON(Transform("boundary", 4326), precision=7))
        .values_list("pk", "shape")
    )
    for network in networks:
        geom = GEOSGeometry(shapes[network.pk], srid=4326)
        feature = {
            "type": "Feature",
            "geometry": json.loads(geom.geojson),
            "properties": {
                **network_labels(network),
                "contact_email": network.contact_email,
                "published": network.published,
                # A suspended or dissolved network takes no members: its popup offers no join.
                "join_url": reverse("members:network-join", args=[network.slug]) if network.is_live else "",
            },
        }
        layer = folium.GeoJson(
            feature,
            control=False,
            style_function=lambda f: network_style(f["properties"]),
        )
        layer.add_child(NetworkPopups(labels=_popup_labels()))
        layer.add_to(m)
        west, south, east, north = geom.extent
        bounds += [[south, west], [north, east]]
    folium.Marker([p.y, p.x]).add_to(m)
    if bounds:
        m.fit_bounds(bounds)
    return use_vendored_assets(m)


# --- steps ------------------------------------------------------------------------------------------


def bounds_of(geometries: list[dict]) -> list[list[float]] | None:
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


def add_tile_layer(m: folium.Map, *, demo: bool = False, site_url: str | None = "") -> None:
    """The background tiles (core.tiles: the upstream servers or this service's proxy) and their credit;
    with more than one background (BIN_BASEMAPS), the others are choices in the layer control."""
    layers = basemaps(site_url=site_url)
    note = ""
    if demo:
        note = " · " + escape(_("demo BINs drawn from neighbourhood boundaries, not real BIN areas"))
    # Offline the tiles do not load; the vector layers are drawn regardless.
    for index, layer in enumerate(layers):
        folium.TileLayer(
            layer["url"],
            name=layer_name(layer["name"]),
            attr=layer["attribution"] + note,
            max_zoom=settings.BIN_TILE_MAX_ZOOM,
            max_native_zoom=layer["max_zoom"],
            overlay=False,
            control=len(layers) > 1,
            show=index == 0,
        ).add_to(m)


def base_map(
    *, bounds: list[list[float]] | None, height: str = "100%", demo: bool = False, site_url: str | None = ""
) -> folium.Map:
    """An empty map fitted to `bounds`, with the background tiles and their attribution (add_tile_layer)."""
    if bounds is None:
        west, south, east, north = settings.BIN_SERVICE_BBOX
        bounds = [[south, west], [north, east]]
    (south, west), (north, east) = bounds
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=13,
        tiles=None,
        height=height,
        control_scale=False,
        # Half zoom steps let an area fill the map instead of a quarter of it.
        zoom_snap=0.5,
    )
    add_tile_layer(m, demo=demo, site_url=site_url)
    add_map_locale(m)  # the metric scale and the credit's words in the page's language
    # The padding keeps the outline clear of the map's edge.
    m.fit_bounds(bounds, padding=(24, 24))
    return m


def add_area_boundary(m: folium.Map, *, geometry: dict | None, name: str) -> None:
    """The municipality's or zone's outline: a dashed line that does not catch clicks."""
    if not geometry:
        return
    folium.GeoJson(
        {"type": "Feature", "id": "area", "geometry": geometry, "properties": {}},
        name=layer_name(name),
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
    return network_style(feature["properties"])


def _highlight(feature: dict) -> dict:
    return {"weight": 4, "fillOpacity": 0.35}


def _popup_labels() -> dict:
    return {
        "unpublished": _("Not published: only staff see it"),
        "contact": _("Contact"),
        "join": _("Join this BIN"),
    }


def add_network_layers(m: folium.Map, *, features: list[dict]) -> dict[str, dict]:
    """One FeatureGroup per network kind. Returns kind -> {"label", "count", "statuses": {status: count},
    "unpublished": count} for the legend."""
    labels = _popup_labels()
    by_kind: dict[str, list[dict]] = {kind: [] for kind in ALWAYS_SHOWN_KINDS}
    for feature in features:
        by_kind.setdefault(feature["properties"]["kind"], []).append(feature)
    layers = {}
    for kind, kind_features in by_kind.items():
        label = str(Network.Kind(kind).label)
        group = folium.FeatureGroup(name=layer_name(label))
        if kind_features:
            geojson = folium.GeoJson(
                {"type": "FeatureCollection", "features": kind_features},
                control=False,  # the FeatureGroup is what the layer control switches
                style_function=_style,
                highlight_function=_highlight,
            )
            geojson.add_child(NetworkPopups(labels=labels))
            geojson.add_to(group)
        group.add_to(m)
        statuses: dict[str, int] = {}
        for feature in kind_features:
            status = feature["properties"]["status"]
            statuses[status] = statuses.get(status, 0) + 1
        unpublished = sum(1 for f in kind_features if not f["properties"]["published"])
        layers[kind] = {
            "label": label,
            "count": len(kind_features),
            "statuses": statuses,
            "unpublished": unpublished,
        }
    return layers


def add_labels(m: folium.Map, *, points: list[dict]) -> None:
    """The networks' names as labels once zoomed in enough (maps.styles.LABEL_MIN_ZOOM)."""
    if points:
        NetworkLabels(points=points, min_zoom=LABEL_MIN_ZOOM, min_pixels=LABEL_MIN_PIXELS).add_to(m)


def _label_points(features: list[dict]) -> list[dict]:
    # A point inside each drawn shape (GEOS, from the display GeoJSON: no query) and its width in metres.
    points = []
    for feature in features:
        geometry = feature.get("geometry")
        if not geometry:
            continue
        shape = GEOSGeometry(json.dumps(geometry), srid=4326)
        point = shape.point_on_surface
        west, south, east, north = shape.extent
        size_m = min((east - west) * 111_320 * math.cos(math.radians(point.y)), (north - south) * 110_574)
        p = feature["properties"]
        points.append(
            {
                "slug": p["slug"],
                "name": p["name"],
                "lat": round(point.y, 6),
                "lon": round(point.x, 6),
                "size_m": round(size_m),
            }
        )
    return points


def add_legend(
    m: folium.Map,
    *,
    layers: dict[str, dict],
    area_label: str | None,
    extra: list[dict] | tuple = (),
    target: str | None = None,
    collapsible: bool = False,
) -> None:
    """The legend: one row per network kind (its line), per status (its colour) and for the unpublished
    networks (maps.styles.legend_entries), the area boundary, then `extra` rows (Legend's entries); beside
    the map in `target` (a CSS selector) if given, folding if `collapsible` (see Legend)."""
    statuses: dict[str, int] = {}
    for layer in layers.values():
        for status, count in layer["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    entries = legend_entries(
        kinds={kind: layer["count"] for kind, layer in layers.items()},
        statuses=statuses,
        unpublished=sum(layer["unpublished"] for layer in layers.values()),
    )
    if area_label:
        entries.append(
            {"key": "boundary", "label": area_label, "colour": BOUNDARY_COLOUR, "count": None, "line": True}
        )
    entries.extend(extra)
    Legend(
        title=_("Neighbourhood information networks"), entries=entries, target=target, collapsible=collapsible
    ).add_to(m)


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


def area_map_base(
    layers: DisplayLayers,
    *,
    area_label: str,
    height: str,
    bounds: list[list[float]] | None = None,
    site_url: str | None = "",
) -> tuple[folium.Map, dict[str, dict]]:
    """A map of an area and its networks (area_layers_for_display): fitted to `bounds`, else to the area's
    outline, else to its networks. Returns the map and the network layers for the legend."""
    if bounds is None:
        bounds = bounds_of([layers.boundary] if layers.boundary else [f["geometry"] for f in layers.features])
    m = base_map(bounds=bounds, height=height, demo=layers.demo, site_url=site_url)
    add_area_boundary(m, geometry=layers.boundary, name=area_label)
    return m, add_network_layers(m, features=layers.features)


# --- public maps -------------------------------------------------------------------------------------


class AreaMapOptions(TypedDict, total=False):
    """How municipality_map and police_zone_map draw: each option may be left out.

    simplify_tolerance_m: None (the default) picks one from the area's size; 0 draws the stored geometry.
    address_search: the address search box on the map (default True).
    site_url: prefix of the join links ("", the default, for links relative to this site; None for none).
    height: of the map in CSS ("100%" by default).
    """

    simplify_tolerance_m: float | None
    address_search: bool
    site_url: str | None
    height: str


def _join_url(site_url: str | None, slug: str) -> str | None:
    return None if site_url is None else site_url.rstrip("/") + reverse("members:network-join", args=[slug])


def uses_vector_tiles(*, networks: QuerySet[Network]) -> bool:
    """Whether a public map of `networks` draws them from vector tiles (more than
    BIN_VECTOR_TILES_MIN_NETWORKS) rather than carrying their shapes in the page."""
    return networks.count() > settings.BIN_VECTOR_TILES_MIN_NETWORKS


def _tiled_area_map(
    *,
    area: Municipality | PoliceZone,
    area_label: str,
    networks: QuerySet[Network],
    site_url: str,
    height: str,
) -> tuple[folium.Map, dict[str, dict], bool]:
    """A large area's map: its outline and the networks' names and counts in the page, their shapes from
    /tiles/networks/ (maps.vector_tiles). Returns the map, the legend's layers and whether it is outlined."""
    boundary = area_outline_for_display(area=area)
    demo = networks.filter(source_id__startswith="demo:").exists()
    m = base_map(
        bounds=bounds_of([boundary]) if boundary else None, height=height, demo=demo, site_url=site_url
    )
    add_area_boundary(m, geometry=boundary, name=area_label)
    group = folium.FeatureGroup(name=layer_name(_("Neighbourhood information networks")))
    words = {
        "statuses": {s.value: str(s.label) for s in Network.Status},
        "kinds": {k.value: str(k.label) for k in Network.Kind},
        **_popup_labels(),
    }
    NetworkVectorTiles(
        url=site_url.rstrip("/") + NETWORK_TILE_PATH,
        styles=style_table(),
        words=words,
        join_url=_join_url(site_url, "__slug__"),
    ).add_to(group)
    group.add_to(m)
    add_labels(m, points=network_label_points(networks=networks))
    return m, network_tally(networks=networks), boundary is not None


def _area_map(
    *,
    area: Municipality | PoliceZone,
    area_label: str,
    networks: QuerySet[Network],
    simplify_tolerance_m: float | None = None,
    address_search: bool = True,
    site_url: str | None = "",
    height: str = "100%",
) -> folium.Map:
    # Tiles only on this service's own pages (site_url ""): a static export is a file with no service, or
    # one on another origin that the tiles do not answer (no CORS); a chosen tolerance asks for shapes.
    if site_url == "" and simplify_tolerance_m is None and uses_vector_tiles(networks=networks):
        m, kinds, outlined = _tiled_area_map(
            area=area, area_label=area_label, networks=networks, site_url=site_url, height=height
        )
    else:
        layers = area_layers_for_display(area=area, networks=networks, tolerance_m=simplify_tolerance_m)
        for feature in layers.features:
            # site_url None: no join links (a static export that does not know where the service lives).
            feature["properties"]["join_url"] = _join_url(site_url, feature["properties"]["slug"])
        m, kinds = area_map_base(layers, area_label=area_label, height=height, site_url=site_url)
        add_labels(m, points=_label_points(layers.features))
        outlined = layers.boundary is not None
    folium.LayerControl(collapsed=False).add_to(m)
    add_legend(m, layers=kinds, area_label=area_label if outlined else None)
    if address_search:
        add_address_search(m)
    return use_vendored_assets(m)


def municipality_map(
    *, municipality: Municipality, user=None, **options: Unpack[AreaMapOptions]
) -> folium.Map:
    """The published BINs and BIN-Zs of a municipality (all of them for staff), on OpenStreetMap."""
    return _area_map(
        area=municipality,
        area_label=_("Municipality %(name)s") % {"name": municipality_name(municipality)},
        networks=networks_visible(user=user).filter(municipality=municipality),
        **options,
    )


def police_zone_map(*, police_zone: PoliceZone, user=None, **options: Unpack[AreaMapOptions]) -> folium.Map:
    """The published BINs and BIN-Zs of every municipality of a police zone (all of them for staff)."""
    return _area_map(
        area=police_zone,
        area_label=_("Police zone %(name)s") % {"name": police_zone.name},
        networks=networks_visible(user=user).in_police_zones([police_zone.pk]),
        **options,
    )
