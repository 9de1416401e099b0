"""Vector tiles of the networks (/tiles/networks/<z>/<x>/<y>.mvt) and the large-zone maps that draw from them.

Tiles are decoded with GDAL's MVT driver (ogrinfo on the saved tile, whose z/x/y path places it), not with
the code that made them.
"""

import json
import math
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from areas.models import Network
from maps.builders import municipality_map, police_zone_map
from maps.styles import STATUS_COLOURS
from maps.vector_tiles import TILE_PROPERTIES
from tests.factories import UserFactory, login, lonlat

from .test_builders import CDN_HOSTS, drawn_slugs, render

pytestmark = pytest.mark.django_db

MVT = "application/vnd.mapbox-vector-tile"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


def town_tile(z: int = 13) -> tuple[int, int, int]:
    """The tile that holds the middle of Teststad (storage point X0 + 1500, Y0 + 1500)."""
    return tile_of(*lonlat(1500, 1500), z)


def decode(body: bytes, tmp_path: Path, z: int, x: int, y: int) -> dict[str, dict]:
    """slug -> properties of the features of a tile, as GDAL reads it."""
    path = tmp_path / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    out = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-geom=SUMMARY", str(path)], capture_output=True, text=True, check=True
    ).stdout
    features, current = {}, None
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("OGRFeature("):
            current = {"layer": line[len("OGRFeature(") : line.index(")")]}
        elif current is not None and " = " in line and "(" in line.split(" = ")[0]:
            name, value = line.split(" = ", 1)
            current[name.split(" (")[0]] = value
            if name.startswith("slug"):
                features[value] = current
        elif current is not None and line.startswith(("POLYGON", "MULTIPOLYGON")):
            current["geometry"] = line.split(" ")[0]
    return features


def get_tile(client, z, x, y, **extra):
    return client.get(reverse("tiles:network-tile", args=[z, x, y]), **extra)


def test_a_tile_holds_the_published_networks_with_their_name_kind_and_status_only(client, town, tmp_path):
    z, x, y = town_tile()
    response = get_tile(client, z, x, y)
    assert response.status_code == 200
    assert response["Content-Type"] == MVT
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Cookie" in response["Vary"]
    features = decode(response.content, tmp_path, z, x, y)
    # Teststad's published networks; not the unpublished or dissolved ones (NetworkQuerySet.visible).
    assert set(features) == {"bin-alfa", "bin-beta", "bin-z-markt"}
    beta = features["bin-beta"]
    assert beta["layer"] == "networks"
    assert {k: beta[k] for k in TILE_PROPERTIES} == {
        "name": "BIN Beta",
        "slug": "bin-beta",
        "kind": "BIN",
        "status": "recognised",
        "published": "1",
    }
    assert beta["geometry"] in ("POLYGON", "MULTIPOLYGON")
    # No personal data: the contact address stays out of tiles.
    assert b"@bin.example.be" not in response.content
    assert set(beta) == {"layer", "geometry", *TILE_PROPERTIES}


def test_staff_tiles_show_unpublished_networks_and_are_never_shared(client, town, tmp_path):
    # Where BIN Verborgen (unpublished) meets BIN Opgeheven (dissolved).
    z, x, y = tile_of(*lonlat(2500, 2250), 12)
    response = get_tile(login(UserFactory(is_staff=True)), z, x, y)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    features = decode(response.content, tmp_path / "staff", z, x, y)
    assert {"bin-verborgen", "bin-opgeheven"} <= set(features)
    assert features["bin-verborgen"]["published"] == "0"
    public = decode(get_tile(client, z, x, y).content, tmp_path / "public", z, x, y)
    assert "bin-alfa" in public and not {"bin-verborgen", "bin-opgeheven"} & set(public)


def test_an_unchanged_tile_is_not_sent_again(client, town):
    z, x, y = town_tile()
    first = get_tile(client, z, x, y)
    again = get_tile(client, z, x, y, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_a_tile_far_from_any_network_is_empty(client, town):
    z, x, y = tile_of(5.9, 50.0, 14)  # the Ardennes: in the service area, no BIN of the town
    response = get_tile(client, z, x, y)
    assert response.status_code == 200 and response.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/networks/20/0/0.mvt",  # beyond the zooms served
        "/tiles/networks/99999/0/0.mvt",
        "/tiles/networks/2/4/0.mvt",  # off the grid
        "/tiles/networks/7/65/42.mvt",  # Belgium, but all of it: below MIN_TILE_ZOOM
        "/tiles/networks/13/2411/3079.mvt",  # New York: outside the service area
        "/tiles/networks/13/-1/5.mvt",
        "/tiles/networks/13/a/5.mvt",
        "/tiles/networks/13/4/5.png",
    ],
)
def test_bad_tiles_are_404(client, town, path):
    assert client.get(path).status_code == 404


def test_a_tile_is_read_only(client, town):
    z, x, y = town_tile()
    assert client.post(reverse("tiles:network-tile", args=[z, x, y])).status_code == 405


# --- maps that draw from tiles ------------------------------------------------------------------------


def entries(html: str) -> list[dict]:
    return json.loads(re.search(r"var entries = (\[.*?\]);", html).group(1))


def label_points(html: str) -> list[dict]:
    return json.loads(re.search(r"var points = (\[.*?\]);", html).group(1))


def test_a_large_zone_map_draws_from_vector_tiles_with_legend_and_labels(town, settings):
    settings.BIN_VECTOR_TILES_MIN_NETWORKS = 2
    html = render(police_zone_map(police_zone=town.zone))
    # No shapes in the page: the vector layer asks this service's tiles, with the vendored plugin.
    assert drawn_slugs(html) == set()
    assert "L.vectorGrid.protobuf(" in html
    assert '"/tiles/networks/{z}/{x}/{y}.mvt"' in html
    assert "/static/maps/vendor/leaflet-vectorgrid-1.3.0/Leaflet.VectorGrid.bundled.min.js" in html
    assert not [host for host in CDN_HOSTS if host in html]
    # The colours travel as data (maps.styles.style_table), the join link as a template.
    assert json.dumps(STATUS_COLOURS[Network.Status.ACTIVE]) in html
    assert f'"{reverse("members:network-join", args=["__slug__"])}"' in html
    # The legend counts what the tiles draw: 3 BINs (Alfa, Beta, Gamma) and a BIN-Z, by status.
    legend = {e["key"]: e for e in entries(html)}
    assert legend["BIN"]["count"] == 3 and legend["BIN-Z"]["count"] == 1
    assert legend["status-active"]["label"] == "active: 3 networks"
    assert legend["status-recognised"]["label"] == "recognised by FPS Home Affairs: 1 network"
    assert "unpublished" not in legend
    # One label per network, inside it, with its name as data (textContent, never markup).
    points = {p["slug"]: p for p in label_points(html)}
    assert set(points) == {"bin-alfa", "bin-beta", "bin-z-markt", "bin-gamma"}
    assert points["bin-beta"]["name"] == "BIN Beta"
    lon, lat = lonlat(1500, 500)
    assert points["bin-beta"]["lon"] == pytest.approx(lon, abs=0.005)
    assert points["bin-beta"]["lat"] == pytest.approx(lat, abs=0.005)
    assert points["bin-beta"]["size_m"] == pytest.approx(1000, abs=20)
    assert "span.textContent = p.name" in html


def test_staff_see_unpublished_networks_counted_in_the_tiled_legend(town, settings):
    settings.BIN_VECTOR_TILES_MIN_NETWORKS = 2
    staff = UserFactory(is_staff=True)
    html = render(municipality_map(municipality=town.muni, user=staff))
    legend = {e["key"]: e for e in entries(html)}
    assert legend["unpublished"]["label"] == "Not published (only staff see it): 1 network"
    assert legend["unpublished"]["dash"] is True
    assert "bin-verborgen" in {p["slug"] for p in label_points(html)}


def test_small_maps_and_static_exports_keep_the_shapes_in_the_page(town, settings):
    settings.BIN_VECTOR_TILES_MIN_NETWORKS = 2
    # A file published elsewhere cannot ask this service for tiles (from disk, or from another origin).
    for site_url in (None, "https://bin.example.be"):
        html = render(police_zone_map(police_zone=town.zone, site_url=site_url))
        assert "bin-alfa" in drawn_slugs(html) and "vectorGrid" not in html
    settings.BIN_VECTOR_TILES_MIN_NETWORKS = 60
    html = render(police_zone_map(police_zone=town.zone))
    assert "bin-alfa" in drawn_slugs(html) and "vectorGrid" not in html


def test_the_tiled_zone_page_is_cached_for_the_public_and_never_leaks_the_staff_variant(
    client, town, settings
):
    settings.BIN_VECTOR_TILES_MIN_NETWORKS = 2
    url = reverse("maps:police-zone", args=[town.zone.number])
    staff = login(town.superuser)
    assert "bin-verborgen" in staff.get(url).content.decode()
    public = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "vectorGrid" in public
    assert "bin-verborgen" not in public and "BIN Verborgen" not in public
    # The public entry (now cached) does not hide the unpublished network from staff either.
    assert "bin-verborgen" in staff.get(url).content.decode()
    assert "bin-verborgen" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
