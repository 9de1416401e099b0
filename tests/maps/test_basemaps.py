"""Background maps (core.tiles.basemaps, BIN_BASEMAPS): OpenStreetMap by default, Belgian ones as choices in
the layer control, each credited, each allowed by the Content-Security-Policy or served through the tile
proxy (maps/tiles.py). No test reaches the internet: the proxy's upstream is a loopback server."""

import json
import re

import pytest
from django.urls import reverse

from core.tiles import BASEMAP_CATALOGUE, basemaps, tile_image_sources
from maps.builders import municipality_map
from tests.security.test_web import PNG, slippy_tile, upstream  # noqa: F401 (a fixture)

from .test_builders import render

pytestmark = pytest.mark.django_db

BELGIAN = ["ngi-cartoweb", "grb", "urbis"]


def tile_layers(html: str) -> list[str]:
    return [json.loads(u) for u in re.findall(r"L\.tileLayer\(\s*(\"[^\"]+\")", html)]


def test_openstreetmap_alone_by_default_without_a_choice(town):
    html = render(municipality_map(municipality=town.muni))
    assert tile_layers(html) == ["https://tile.openstreetmap.org/{z}/{x}/{y}.png"]
    assert '"OpenStreetMap"' not in html  # not offered as a choice: there is none


def test_belgian_backgrounds_are_choices_in_the_layer_control_each_credited(town, settings):
    settings.BIN_BASEMAPS = BELGIAN
    html = render(municipality_map(municipality=town.muni))
    urls = tile_layers(html)
    assert urls[0] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert urls[1:] == [BASEMAP_CATALOGUE[key]["url"] for key in BELGIAN]
    assert "https://cartoweb.wmts.ngi.be/1.0.0/topo/default/3857/{z}/{y}/{x}.png" in urls
    # One base layer shown, the others listed in the layer control's base layers.
    base = re.search(r"base_layers : \{(.*?)\}", html, re.S).group(1)
    for name in ("OpenStreetMap", "CartoWeb.be (NGI-IGN)", "GRB (Digitaal Vlaanderen)", "UrbIS (Brussels)"):
        assert f'"{name}"' in base
    shown = re.findall(r"(tile_layer_\w+)\.addTo\(", html)
    assert len(shown) == 1
    credits = [json.loads(a) for a in re.findall(r'"attribution": ("(?:[^"\\]|\\.)*")', html)]
    assert credits[1:] == [BASEMAP_CATALOGUE[key]["attribution"] for key in BELGIAN]
    assert tile_image_sources() == [
        "https://tile.openstreetmap.org",
        "https://cartoweb.wmts.ngi.be",
        "https://geo.api.vlaanderen.be",
        "https://geoservices-urbis.irisnet.be",
    ]


def test_the_policy_allows_the_offered_backgrounds(client, town, settings):
    settings.BIN_BASEMAPS = ["ngi-cartoweb"]
    response = client.get(reverse("maps:municipality", args=["99001"]))
    img_src = re.search(r"img-src ([^;]+)", response["Content-Security-Policy"]).group(1).split()
    assert img_src == ["'self'", "data:", "https://tile.openstreetmap.org", "https://cartoweb.wmts.ngi.be"]


def test_a_configured_background_name_is_text_in_the_layer_control(town, settings):
    settings.BIN_BASEMAPS = ["mine"]
    settings.BIN_BASEMAP_LAYERS = {
        "mine": {"name": "<img src=x onerror=alert(1)>", "url": "https://tiles.example.be/{z}/{x}/{y}.png"}
    }
    html = render(municipality_map(municipality=town.muni))
    assert "<img src=x" not in html
    # Escaped for the layer control and the credit, which Leaflet inserts as HTML (then JSON-encoded).
    assert html.count("\\u0026lt;img src=x onerror=alert(1)\\u0026gt;") == 2
    # An unknown key without a URL is left out rather than drawn as a broken layer.
    settings.BIN_BASEMAPS = ["nothing-here"]
    assert [b["key"] for b in basemaps()] == ["osm"]


def test_the_proxy_serves_each_background_from_its_own_folder(client, town, settings, tmp_path, upstream):  # noqa: F811
    settings.BIN_TILE_PROXY = True
    settings.BIN_TILE_URL = upstream.url + "/osm/{z}/{x}/{y}.png"
    settings.BIN_TILE_CACHE_DIR = tmp_path
    settings.BIN_BASEMAPS = ["wmts"]
    settings.BIN_BASEMAP_LAYERS = {
        "wmts": {
            "name": "Loopback WMTS",
            "url": upstream.url + "/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
            "attribution": "Loopback",
            "max_zoom": 16,
        }
    }
    html = render(municipality_map(municipality=town.muni))
    assert tile_layers(html) == ["/tiles/{z}/{x}/{y}.png", "/tiles/wmts/{z}/{x}/{y}.png"]
    assert tile_image_sources() == []

    x, y = slippy_tile(4.24, 50.73, 13)
    response = client.get(reverse("tiles:basemap-tile", args=["wmts", 13, x, y]))
    assert response.status_code == 200 and b"".join(response) == PNG
    assert upstream.hits[-1][0] == f"/wmts?TILEMATRIX=13&TILEROW={y}&TILECOL={x}"
    assert (tmp_path / "wmts" / "13" / str(x) / f"{y}.png").read_bytes() == PNG
    assert client.get(reverse("tiles:tile", args=[13, x, y])).status_code == 200
    assert upstream.hits[-1][0] == f"/osm/13/{x}/{y}.png"
    hits = len(upstream.hits)
    far_x, far_y = slippy_tile(-74.0, 40.7, 13)  # New York
    for args in (["unknown", 13, x, y], ["wmts", 13, far_x, far_y], ["wmts", 17, 0, 0]):
        assert client.get(reverse("tiles:basemap-tile", args=args)).status_code == 404, args
    assert len(upstream.hits) == hits
