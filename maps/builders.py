"""Map builders: plain functions that return a folium.Map."""

import json

import folium
from django.contrib.gis.geos import Point

from areas.models import Network

__all__ = ["lookup_map"]

ATTRIBUTION = "© OpenStreetMap contributors · demo BINs drawn from neighbourhood boundaries"
COLOURS = {Network.Kind.BIN: "#1f77b4", Network.Kind.BIN_Z: "#d62728"}


def lookup_map(*, point: Point, networks: list[Network], height: int = 320) -> folium.Map:
    """A small map of an address and the networks covering it."""
    p = point.transform(4326, clone=True)
    m = folium.Map(location=[p.y, p.x], zoom_start=15, height=height, tiles=None, control_scale=True)
    folium.TileLayer("OpenStreetMap", attr=ATTRIBUTION).add_to(m)
    bounds = []
    for network in networks:
        geom = network.boundary.transform(4326, clone=True)
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
    return m
