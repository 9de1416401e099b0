"""Map builders: render the folium map and assert on the HTML (layers, colours, legend, BINs, attribution)."""

import json
import re

import folium
import pytest
from django.contrib.gis.db.models.functions import NumPoints
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Sum
from django.urls import reverse
from folium.plugins import HeatMap

from areas.models import Network
from areas.selectors import municipality_by_key
from maps.assets import standalone_html, use_vendored_assets
from maps.builders import lookup_map, municipality_map, police_zone_map
from maps.selectors import VERTEX_BUDGET, area_layers_for_display, display_tolerance_m
from maps.styles import LEGEND_GREY, STATUS_COLOURS, UNPUBLISHED_DASH
from tests.factories import X0, Y0, MunicipalityFactory, UserFactory, lambert, square

pytestmark = pytest.mark.django_db

CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "netdna.bootstrapcdn.com")


def render(m: folium.Map) -> str:
    return m.get_root().render()


def feature_collections(html: str) -> list[dict]:
    """The GeoJSON each folium.GeoJson layer embeds (`..._add({...});`)."""
    return [json.loads(text) for text in re.findall(r"_add\((\{.*?\})\);\n", html)]


def attribution(html: str) -> str:
    return json.loads(re.search(r'"attribution": ("(?:[^"\\]|\\.)*")', html).group(1))


def drawn_slugs(html: str) -> set[str]:
    return {
        f["properties"]["slug"]
        for fc in feature_collections(html)
        if fc.get("type") == "FeatureCollection"
        for f in fc["features"]
        if "slug" in f.get("properties", {})
    }


def test_municipality_map_draws_every_published_network_and_nothing_else(town):
    html = render(municipality_map(municipality=town.muni))
    assert drawn_slugs(html) == {"bin-alfa", "bin-beta", "bin-z-markt"}
    for network in town.published:
        assert network.name in html
        assert network.contact_email in html
        assert reverse("members:network-join", args=[network.slug]) in html
    for absent in ("BIN Verborgen", "BIN Opgeheven", "BIN Gamma", "BIN Elders"):
        assert absent not in html


def test_bins_and_bin_zs_are_separate_layers_coloured_by_status_with_a_legend(town):
    html = render(municipality_map(municipality=town.muni))
    # Two FeatureGroups named after the kinds, listed in the layer control.
    assert html.count("L.featureGroup(") == 2
    assert '"BIN (residents)"' in html
    assert '"BIN-Z (self-employed)"' in html
    assert "L.control.layers(" in html
    kinds = set()
    for fc in feature_collections(html):
        for f in fc.get("features", []):
            if "kind" in f.get("properties", {}):
                kinds.add(f["properties"]["kind"])
    assert kinds == {"BIN", "BIN-Z"}
    # The colour is the status (Alfa and the BIN-Z active, Beta recognised), the line the kind.
    assert f'"color": "{STATUS_COLOURS[Network.Status.ACTIVE]}"' in html
    assert f'"color": "{STATUS_COLOURS[Network.Status.RECOGNISED]}"' in html
    # The legend: a swatch per kind with its count, per status drawn, and the municipality's outline.
    assert "data-map-legend" in html
    legend = json.loads(re.search(r"var entries = (\[.*?\]);", html).group(1))
    assert [(e["key"], e["colour"], e["count"]) for e in legend] == [
        ("BIN", LEGEND_GREY, 2),
        ("BIN-Z", LEGEND_GREY, 1),
        ("status-recognised", STATUS_COLOURS[Network.Status.RECOGNISED], None),
        ("status-active", STATUS_COLOURS[Network.Status.ACTIVE], None),
        ("boundary", "#3d3d3d", None),
    ]
    assert legend[2]["label"] == "recognised by FPS Home Affairs: 1 network"
    assert legend[3]["label"] == "active: 2 networks"
    assert legend[4]["label"] == "Municipality Teststad"


def test_popup_data_status_and_labels(town):
    html = render(municipality_map(municipality=town.muni))
    beta = next(
        f for fc in feature_collections(html) for f in fc.get("features", []) if f.get("id") == "bin-beta"
    )
    assert beta["properties"] == {
        "slug": "bin-beta",
        "name": "BIN Beta",
        "kind": "BIN",
        "kind_label": "BIN (residents)",
        "status": "recognised",
        "status_label": "recognised by FPS Home Affairs",
        "contact_email": "beta@bin.example.be",
        "published": True,
        "join_url": reverse("members:network-join", args=["bin-beta"]),
    }
    # Texts from the database reach the DOM with textContent; the labels are translated on the server.
    assert "bindPopup(popup" in html
    assert "Join this BIN" in html


def test_municipality_boundary_fits_the_map_and_osm_is_credited(town):
    html = render(municipality_map(municipality=town.muni))
    assert "bin-map-area-boundary" in html
    assert '"interactive": false' in html
    assert attribution(html) == (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html
    assert "demo BINs" not in html  # these are factory networks, not the demo's
    bounds = json.loads(re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", html, re.S).group(1))
    sw = lambert(-1000, -1000).transform(4326, clone=True)
    ne = lambert(4000, 4000).transform(4326, clone=True)
    (south, west), (north, east) = bounds
    # A square in Lambert 72 is slightly rotated in lon/lat: its lon/lat box holds both corners.
    assert south <= sw.y + 1e-6 and west <= sw.x + 1e-6
    assert north >= ne.y - 1e-6 and east >= ne.x - 1e-6
    assert north - south < 0.06 and east - west < 0.09


def test_demo_networks_say_so_in_the_attribution(town):
    Network.objects.filter(pk=town.alfa.pk).update(source_id="demo:23027W05")
    html = render(municipality_map(municipality=town.muni))
    assert attribution(html).endswith(
        "OpenStreetMap</a> contributors · demo BINs drawn from neighbourhood boundaries, not real BIN areas"
    )


def test_address_search_box_calls_the_lookup_api(town):
    html = render(municipality_map(municipality=town.muni))
    assert "data-map-search" in html
    assert json.dumps(reverse("api:lookup")) in html
    assert '"?address=" + encodeURIComponent(query)' in html
    assert "data-search-marker" in html
    assert "data-map-search" not in render(municipality_map(municipality=town.muni, address_search=False))


def test_staff_see_unpublished_networks_marked_as_such(town):
    staff = UserFactory(is_staff=True)
    html = render(municipality_map(municipality=town.muni, user=staff))
    assert drawn_slugs(html) == {"bin-alfa", "bin-beta", "bin-z-markt", "bin-verborgen", "bin-opgeheven"}
    assert "Not published: only staff see it" in html
    assert f'"dashArray": "{UNPUBLISHED_DASH}"' in html
    anonymous_member = UserFactory()
    assert "BIN Verborgen" not in render(municipality_map(municipality=town.muni, user=anonymous_member))


def test_police_zone_map_covers_its_municipalities_only(town):
    html = render(police_zone_map(police_zone=town.zone))
    assert drawn_slugs(html) == {"bin-alfa", "bin-beta", "bin-z-markt", "bin-gamma"}
    assert "Police zone PZ Testzone" in html


def test_network_names_cannot_inject_html(town):
    Network.objects.filter(pk=town.alfa.pk).update(name='<img src=x onerror="alert(1)">')
    html = render(municipality_map(municipality=town.muni))
    assert "<img src=x" not in html
    assert "\\u003cimg src=x" in html


def test_pages_load_vendored_leaflet_never_a_cdn(town):
    html = render(municipality_map(municipality=town.muni))
    assert '<script src="/static/maps/vendor/leaflet-1.9.4/leaflet.js"></script>' in html
    assert 'href="/static/maps/vendor/leaflet-1.9.4/leaflet.css"' in html
    assert not any(host in html for host in CDN_HOSTS)
    assert "bootstrap" not in html


def test_a_plugin_that_is_not_vendored_is_an_error_not_a_cdn_link(town):
    m = municipality_map(municipality=town.muni)
    HeatMap([[50.7, 4.2]]).add_to(m)
    with pytest.raises(ImproperlyConfigured, match=r"leaflet-heat\.js"):
        use_vendored_assets(m)


def test_standalone_html_has_everything_inside(town):
    html = standalone_html(municipality_map(municipality=town.muni, address_search=False), title="Teststad")
    assert "<script src=" not in html
    assert '<link rel="stylesheet"' not in html
    assert "Leaflet 1.9.4" in html or '"1.9.4"' in html
    # Leaflet's layer-control icon, which its stylesheet loads from images/, is a data: URL now.
    assert "url(data:image/png;base64," in html
    assert "<title>Teststad</title>" in html
    assert drawn_slugs(html) == {"bin-alfa", "bin-beta", "bin-z-markt"}


def test_join_links_absolute_or_left_out(town):
    html = render(municipality_map(municipality=town.muni, site_url="https://bin.example.be/"))
    assert "https://bin.example.be" + reverse("members:network-join", args=["bin-alfa"]) in html
    html = render(municipality_map(municipality=town.muni, site_url=None))
    assert "/bin/bin-alfa/join/" not in html  # under any language prefix


def test_lookup_map_still_draws_the_address_and_its_networks(town):
    m = lookup_map(point=lambert(300, 500), networks=[town.alfa])
    html = render(m)
    assert "BIN Alfa" in html
    assert "L.marker(" in html
    assert "/static/maps/vendor/leaflet-1.9.4/leaflet.js" in html


# --- geometry for display ---------------------------------------------------------------------------


def zigzag_square(x, y, size, per_side, depth=0.3):
    """A square whose sides zigzag `depth` metres inwards every size/per_side metres."""
    points = []
    corners = [(0, 0), (size, 0), (size, size), (0, size)]
    for (x1, y1), (x2, y2) in zip(corners, corners[1:] + corners[:1], strict=True):
        nx, ny = -(y2 - y1) / size, (x2 - x1) / size  # inwards, perpendicular to the side
        for i in range(per_side):
            f, wiggle = i / per_side, depth if i % 2 else 0.0
            points.append(
                (X0 + x + x1 + (x2 - x1) * f + nx * wiggle, Y0 + y + y1 + (y2 - y1) * f + ny * wiggle)
            )
    points.append(points[0])
    ring = ", ".join(f"{px:.3f} {py:.3f}" for px, py in points)
    return GEOSGeometry(f"SRID=31370;MULTIPOLYGON((({ring})))")


def detailed_disc(x, y, radius, positions=2000):
    """A disc drawn with `positions` points (GEOS builds it in C: fast even by the hundred)."""
    return MultiPolygon(Point(X0 + x, Y0 + y, srid=31370).buffer(radius, quadsegs=positions // 4), srid=31370)


def all_positions(html):
    """Every [lon, lat] of the networks drawn."""

    def walk(coords):
        if isinstance(coords[0], float | int):
            yield coords
        else:
            for c in coords:
                yield from walk(c)

    return [
        p
        for fc in feature_collections(html)
        for f in fc.get("features", [])
        if "slug" in f.get("properties", {})
        for p in walk(f["geometry"]["coordinates"])
    ]


def test_display_geometry_is_simplified_in_the_database_and_rounded_to_six_decimals(town):
    Network.objects.filter(pk=town.alfa.pk).update(boundary=zigzag_square(0, 0, 1000, 500))
    stored = render(municipality_map(municipality=town.muni, simplify_tolerance_m=0))
    simplified = render(municipality_map(municipality=town.muni, simplify_tolerance_m=2))
    assert len(all_positions(stored)) > 2000
    assert len(all_positions(simplified)) < 30
    for lon, lat in all_positions(simplified):
        assert len(repr(lon).split(".")[1]) <= 6 and len(repr(lat).split(".")[1]) <= 6
    assert len(simplified) < len(stored) / 2


def test_tolerance_follows_the_size_of_the_area():
    assert display_tolerance_m(square(0, 0, 3000)) == pytest.approx(1.0)
    assert display_tolerance_m(square(0, 0, 30000)) == pytest.approx(10.0)
    assert display_tolerance_m(square(0, 0, 10)) == 0.5  # floor
    assert display_tolerance_m(square(0, 0, 10**6)) == 50.0  # ceiling
    assert display_tolerance_m(None) == 0.5


@pytest.mark.slow
def test_municipality_map_of_200_detailed_bins_stays_under_one_megabyte(settings):
    # The shapes in the page (a map of this many networks draws them from vector tiles by default:
    # tests/maps/test_vector_tiles.py).
    settings.BIN_VECTOR_TILES_MIN_NETWORKS = 1000
    muni = MunicipalityFactory(nis_code="99150", boundary=square(-500, -500, 15000))
    Network.objects.bulk_create(
        [
            Network(
                name=f"BIN Zwaar {i:03d}",
                slug=f"bin-zwaar-{i:03d}",
                municipality=muni,
                police_zone=muni.police_zone,
                published=True,
                status=Network.Status.ACTIVE,
                # 14 x 15 grid of discs drawn with 2,000 positions each.
                boundary=detailed_disc(500 + 1000 * (i % 14), 500 + 1000 * (i // 14), 450),
            )
            for i in range(200)
        ]
    )
    stored = Network.objects.filter(municipality=muni).aggregate(n=Sum(NumPoints("boundary")))["n"]
    assert stored > 400_000  # ~9 MB of HTML if drawn as stored (scripts/bench_map_size.py measures it)
    html = render(municipality_map(municipality=muni))
    assert len(html.encode()) < 1_000_000
    assert len(drawn_slugs(html)) == 200


@pytest.mark.slow
def test_vertex_budget_raises_the_tolerance_when_the_drawing_is_too_heavy(town):
    # 40 squares of 1,000 positions whose 2.5 m zigzag outlives the 1.67 m tolerance of the 5 km town.
    muni = town.muni
    Network.objects.bulk_create(
        [
            Network(
                name=f"BIN Fijn {i}",
                slug=f"bin-fijn-{i}",
                municipality=muni,
                published=True,
                status=Network.Status.ACTIVE,
                boundary=zigzag_square(-1000 + 120 * i, 3100, 100, 250, depth=2.5),
            )
            for i in range(40)
        ]
    )
    networks = Network.objects.filter(municipality=muni, published=True)
    assert display_tolerance_m(muni.boundary) == pytest.approx(5000 / 3000)
    exact = area_layers_for_display(area=muni, networks=networks, tolerance_m=5000 / 3000)
    assert exact.vertices > VERTEX_BUDGET
    automatic = area_layers_for_display(area=muni, networks=networks)
    assert automatic.vertices <= VERTEX_BUDGET
    assert automatic.tolerance_m >= display_tolerance_m(muni.boundary)


def test_municipality_by_nis_code_or_name_slug(town):
    assert municipality_by_key("99001") == town.muni
    assert municipality_by_key("teststad") == town.muni
    assert municipality_by_key("ville-test") == town.muni
    assert municipality_by_key("Ville-Test") == town.muni
    assert municipality_by_key("nergens") is None
    assert municipality_by_key("12345") is None
    accented = MunicipalityFactory(nis_code="99160", name_nl="", name_fr="Écaussinnes-d'Enghien")
    assert municipality_by_key("ecaussinnes-d-enghien") == accented
