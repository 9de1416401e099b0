"""Issue 11, findings 1, 5, 9 and 11 (the review of commit 45aa4a3): one or more tests each; each docstring
says which finding it covers and what it caught on 45aa4a3. The pages in a real browser with a corpus of
payloads in every name field: test_payloads.py; the API fuzzed with schemathesis: test_fuzz.py."""

import json
import math
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import folium
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.middleware import json_problem
from maps.assets import use_vendored_assets
from maps.builders import lookup_map, municipality_map, police_zone_map
from maps.markup import layer_name
from maps.police import evaluation_map, police_alert_map
from tests.factories import lambert, login, lonlat_square

pytestmark = pytest.mark.django_db

# Breaks out of HTML text, attributes, a JavaScript template literal and a <script> element at once.
PAYLOAD = "Evil\"'><img src=x onerror=__xss=1>${__xss=2}`;__xss=3;`</script><script>__xss=4</script>"


def english() -> Client:
    """A client that shows a 500 as a response (as a browser would see it), asking for English."""
    return Client(headers={"accept-language": "en"}, raise_request_exception=False)


def render(m: folium.Map) -> str:
    return m.get_root().render()


def layer_control_names(html: str) -> list[str]:
    """The names folium hands Leaflet's layer control (which inserts them with innerHTML)."""
    names = []
    for block in re.findall(r"overlays\s*:\s*\{(.*?)\},\s*\};", html, re.S):
        names += [json.loads(key) for key in re.findall(r'("(?:[^"\\]|\\.)*")\s*:', block)]
    return names


# --- finding 1: stored XSS through folium's tooltip in the lookup map's srcdoc iframe -------------------


def test_lookup_map_puts_network_names_in_as_data_never_as_markup(town):
    """Finding 1. On 45aa4a3 lookup_map passed tooltip=network.name: folium wrote the name as it is into a
    JavaScript template literal (`<div> … </div>`), so the payload stood verbatim in the map's HTML."""
    town.alfa.name = PAYLOAD
    town.alfa.save()
    html = render(lookup_map(point=lambert(300, 500), networks=[town.alfa]))
    assert PAYLOAD not in html
    assert not re.search(r"bindTooltip\(\s*`", html)  # folium's Tooltip: a template literal of HTML
    # The name is there as JSON data (its "<" escaped), which NetworkPopups puts in with textContent.
    assert '"name": "Evil\\"\\u0027\\u003e\\u003cimg src=x onerror=__xss=1\\u003e' in html


def test_resident_page_draws_its_map_in_the_page_not_in_a_srcdoc_iframe(client, town):
    """Finding 1. On 45aa4a3 the resident page put lookup_map(...)._repr_html_() in an iframe's srcdoc
    (same origin: a payload in it reached window.top); now the map is in the page, under the nonce."""
    town.alfa.name = PAYLOAD
    town.alfa.save()
    response = client.get(reverse("maps:lookup"), {"q": "Kerkstraat 3, 9990 Teststad"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "srcdoc" not in html and "<iframe" not in html
    assert html.count("data-lookup-map") == 1
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in html
    assert PAYLOAD not in html
    assert escape(PAYLOAD) in html  # the heading of the result, as text


def test_builders_refuse_folium_elements_that_take_markup():
    """Finding 1 (the class): a builder that hands text to folium's tooltip=, popup= or a layer's name=
    fails when the map is finished (maps.markup.refuse_raw_markup in use_vendored_assets). 45aa4a3 had
    no such check: its lookup_map and evaluation_map did exactly this."""
    cases = [
        lambda m: folium.Marker([50.7, 4.2], tooltip=PAYLOAD).add_to(m),
        lambda m: folium.Marker([50.7, 4.2], popup=PAYLOAD).add_to(m),
        lambda m: folium.GeoJson({"type": "FeatureCollection", "features": []}, tooltip=PAYLOAD).add_to(m),
        lambda m: folium.FeatureGroup(name=PAYLOAD).add_to(m),
        lambda m: folium.GeoJson({"type": "FeatureCollection", "features": []}).add_to(m),  # unnamed
    ]
    for add in cases:
        m = folium.Map(tiles=None)
        add(m)
        with pytest.raises(ImproperlyConfigured):
            use_vendored_assets(m)
    m = folium.Map(tiles=None)
    folium.FeatureGroup(name=layer_name(PAYLOAD)).add_to(m)
    folium.GeoJson({"type": "FeatureCollection", "features": []}, control=False).add_to(m)
    use_vendored_assets(m)


# --- finding 5: DOM XSS through municipality and police-zone names in the layer control ---------------


def test_layer_control_gets_area_names_as_escaped_text(town, density, send_alert):
    """Finding 5. Leaflet's layer control inserts layer names with innerHTML; on 45aa4a3 the builders
    named the area's outline layer "Municipality <name>" / "Police zone <name>" unescaped, so an
    <img onerror> in a municipality's or zone's name ran on the public map, the embed and the police
    maps. Now every name in the control is the escaped text (Leaflet shows it as typed)."""
    town.muni.name_nl = town.muni.name_fr = PAYLOAD
    town.muni.save()
    town.zone.name = PAYLOAD
    town.zone.save()
    send_alert(town.police, center=(340, 440))
    today = timezone.localdate()
    from alerts.selectors import alerts_in_period

    alerts = alerts_in_period(police_zone=town.zone, start=today, end=today)
    maps = {
        "municipality": municipality_map(municipality=town.muni),
        "police zone": police_zone_map(police_zone=town.zone),
        "alert map": police_alert_map(police_zone=town.zone),
        "evaluation": evaluation_map(police_zone=town.zone, alerts=alerts, alert_links=True),
    }
    for what, m in maps.items():
        names = layer_control_names(render(m))
        assert any("Evil" in name for name in names), what
        for name in names:
            assert "<" not in name, (what, name)
            if "Evil" in name:
                assert escape(PAYLOAD) in name, (what, name)


def test_evaluation_map_popups_and_tooltips_are_text(town, density, send_alert):
    """Finding 5 (the class, the police maps): the evaluation map's popups went through folium.Popup, a
    template literal of HTML; an alert message with `${…}` ran there on 45aa4a3 (HTML escaping does not
    stop a template literal). Now they are TextPopup/TextTooltip: data, set with textContent."""
    send_alert(town.police, center=(340, 440), message=PAYLOAD)
    today = timezone.localdate()
    from alerts.selectors import alerts_in_period

    alerts = alerts_in_period(police_zone=town.zone, start=today, end=today)
    html = render(evaluation_map(police_zone=town.zone, alerts=alerts, alert_links=True))
    assert "${__xss=2}`" in html  # inside a JSON string, where it is text
    assert PAYLOAD not in html and "$(`" not in html
    assert not re.search(r"bindTooltip\(\s*`", html)


# --- finding 9: the 500s ------------------------------------------------------------------------------


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("url_name", ["api:members-join", "api:network-propose"])
def test_deeply_nested_json_is_a_400_with_a_message(town, url_name):
    """Finding 9. 100,000 nested arrays were a RecursionError (500) in DRF's JSON parser on 45aa4a3."""
    client = english()
    response = client.post(reverse(url_name), deep_json(100_000), content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "nested more than 64 levels" in response.json()["detail"]


@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("/maps/%00/", False),
        ("/api/networks/a%00b/", True),
        ("/api/networks/?status=%00", True),
        ("/api/networks/?municipality=%00", True),
        ("/?q=Kerkstraat%003", False),
        ("/api/lookup/?address=Kerkstraat%00", True),
    ],
)
def test_a_nul_character_in_the_path_or_query_is_a_400(town, url, api):
    """Finding 9. A NUL reached PostgreSQL from /maps/%00/ and /api/networks/a%00b/ (DataError: 500 on
    45aa4a3); now one guard refuses it everywhere before any view, as JSON on the API."""
    response = english().get(url)
    assert response.status_code == 400
    if api:
        assert "null character" in response.json()["detail"]
    else:
        assert "null character" in response.content.decode()


def test_a_nul_character_in_a_cookie_or_a_json_body_is_a_400(town):
    """Finding 9 (the class): a quoted cookie may carry "\\000", a JSON string "\\u0000"."""
    client = english()
    cookie = 'sessionid="\\000' + "a" * 31 + '"'
    assert client.get("/api/networks/", HTTP_COOKIE=cookie).status_code == 400
    client = english()
    body = '{"name": "BIN \\u0000", "initiator_type": "resident", "initiators": [{"name": "x"}]}'
    response = client.post(reverse("api:network-propose"), body, content_type="application/json")
    assert response.status_code == 400 and "null character" in response.json()["detail"]
    # An escaped backslash before "u0000" is text, not a NUL.
    assert json_problem(b'{"a": "\\\\u0000"}', max_depth=8) is None


def test_a_number_parameter_takes_ascii_digits_only(client, town):
    """Finding 9. ?police_zone=² passed str.isdigit() and int("²") raised: a 500 on 45aa4a3."""
    for value in ("²", "٣", "1" * 5000, "5999"):
        response = client.get(reverse("api:network-list"), {"police_zone": value})
        assert response.status_code == 200, value
    assert response.json()["features"]  # 5999 is the town's zone
    assert not client.get(reverse("api:network-list"), {"police_zone": "²"}).json()["features"]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"to": "9999-12-31"}, "to"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, "from"),
        ({"to": "0001-01-01"}, "to"),
    ],
)
def test_evaluation_dates_out_of_range_are_clamped(town, query, shown):
    """Finding 9. /maps/zone/<n>/evaluation/?to=9999-12-31 overflowed the date arithmetic (a day more):
    a 500 on 45aa4a3. Dates are clamped to 2000-01-01 … today, and the form shows what was used."""
    client = login(town.police)
    client.raise_request_exception = False
    response = client.get(reverse("maps:evaluation", args=[5999]), query)
    assert response.status_code == 200
    html = response.content.decode()
    today = timezone.localdate().isoformat()
    expected = today if query[shown] > today else "2000-01-01"
    assert f'name="{shown}" value="{expected}"' in html


@pytest.mark.parametrize(
    "crs",
    [{"properties": "x"}, {"type": "name", "properties": {"name": ["EPSG:4326"]}}, ["EPSG:4326"], 4326],
)
def test_a_malformed_crs_member_is_a_400(town, crs):
    """Finding 9. A preview with "crs": {"properties": "x"} called "x".get(): a 500 on 45aa4a3."""
    client = login(town.police)
    client.raise_request_exception = False
    body = {
        "perimeter": {**lonlat_square(100, 100, 200), "crs": crs},
        "category": "burglary",
        "urgency": "urgent",
        "message": "Let op.",
    }
    response = client.post(reverse("api:alert-preview"), body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "crs" in json.dumps(response.json())


def test_a_request_over_the_size_limit_is_a_json_413_on_the_api(town, settings):
    """Finding 9. A proposal with a 100,000-vertex area was over DATA_UPLOAD_MAX_MEMORY_SIZE: Django's
    HTML "Bad Request (400)" on 45aa4a3. The API answers JSON (413), whichever view reads the body."""
    ring = [[4.2 + i * 1.234567e-7, 50.7 + i * 1.234567e-8] for i in range(100_000)]
    body = {
        "name": "BIN Groot",
        "initiator_type": "resident",
        "initiators": [{"name": "Groot", "email": "groot@example.be"}],
        "area": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }
    client = english()
    response = client.post(reverse("api:network-propose"), body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"] == "The request is larger than 2.6 MB."
    # The limit is Django's setting.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body["area"] = lonlat_square(100, 100, 200)
    body["initiators"] *= 20
    response = client.post(reverse("api:network-propose"), body, content_type="application/json")
    assert response.status_code == 413 and response["Content-Type"] == "application/json"


def test_json_problem_counts_brackets_outside_strings_only():
    """Finding 9 (the depth check itself)."""
    assert json_problem(b'{"a": "[[[[[[[[[[[[[["}', max_depth=2) is None
    assert json_problem(b'{"a": "\\"[[[["}', max_depth=2) is None
    assert json_problem(b'{"a": [[1]]}', max_depth=2) is not None
    assert json_problem(b"[" * 65 + b"]" * 65, max_depth=64) is not None
    assert json_problem(b"[" * 64 + b"]" * 64, max_depth=64) is None


# --- finding 11: no Content-Security-Policy, third-party tiles ------------------------------------------

PAGES = [
    ("maps:lookup", [], None),
    ("maps:municipality", ["99001"], None),
    ("maps:police-zone", [5999], None),
    ("maps:municipality-embed", ["99001"], None),
    ("maps:police-alert", [5999], "police"),
    ("maps:evaluation", [5999], "police"),
    ("members:join", [], None),
    ("members:network-start", [], None),
    ("members:dashboard", [], "coord_a"),
    ("access:login", [], None),
    ("api:network-list", [], None),
    ("api:docs", [], None),
    ("admin:areas_network_changelist", [], "superuser"),
    ("admin:login", [], None),
]


@pytest.mark.parametrize(("url_name", "args", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_has_a_content_security_policy_and_the_scanner_headers(town, url_name, args, who):
    """Finding 11. 45aa4a3 sent no Content-Security-Policy (nor Permissions-Policy) on any page. Scripts
    now run from this site or with the response's nonce, which every inline script of the page carries;
    only the embeddable maps may be framed by other sites."""
    client = login(getattr(town, who)) if who else Client()
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200, response.content[:300]
    policy = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in response["Content-Security-Policy"].split(";")
    )
    script_src = policy["script-src"].split()
    assert (
        "'self'" in script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    )
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    if url_name.endswith("-embed"):
        assert "frame-ancestors" not in policy and "X-Frame-Options" not in response
    else:
        assert policy["frame-ancestors"] == "'none'" and response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    nonce = [s for s in script_src if s.startswith("'nonce-")]
    for attributes in inline:
        if 'type="application/json"' in attributes or "type='application/json'" in attributes:
            continue  # data, not script
        assert nonce and f'nonce="{nonce[0][7:-1]}"' in attributes, (url_name, attributes)


def test_tiles_come_from_the_configured_server_and_the_policy_allows_only_it(client, town, settings):
    """Finding 11. On 45aa4a3 every map loaded tile.openstreetmap.org, hard-coded; the tile server is a
    setting now, and the policy allows images from it (and this site) only."""
    settings.BIN_TILE_URL = "https://tiles.example.be/osm/{z}/{x}/{y}.png"
    settings.BIN_TILE_ATTRIBUTION = "Tiles: example"
    response = client.get(reverse("maps:municipality", args=["99001"]))
    html = response.content.decode()
    assert "https://tiles.example.be/osm/{z}/{x}/{y}.png" in html and "tile.openstreetmap.org" not in html
    img_src = re.search(r"img-src ([^;]+)", response["Content-Security-Policy"]).group(1).split()
    assert img_src == ["'self'", "data:", "https://tiles.example.be"]


def slippy_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def upstream():
    """A fake tile server on loopback (no internet here): answers PNG bytes and counts requests."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append((self.path, self.headers.get("User-Agent")))
            body = b"not a tile" if "bad" in self.path else PNG
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.hits = hits
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_tile_proxy_serves_the_service_area_from_its_cache(client, town, settings, tmp_path, upstream):
    """Finding 11. With BIN_TILE_PROXY the browser asks this service only: /tiles/<z>/<x>/<y>.png, fetched
    once from the upstream server, then from the disk cache; the policy allows images from 'self' only.
    45aa4a3 had no proxy (/tiles/... was a 404) and its maps named tile.openstreetmap.org."""
    settings.BIN_TILE_PROXY = True
    settings.BIN_TILE_URL = upstream.url + "/{z}/{x}/{y}.png"
    settings.BIN_TILE_CACHE_DIR = tmp_path
    page = client.get(reverse("maps:municipality", args=["99001"]))
    assert '"/tiles/{z}/{x}/{y}.png"' in page.content.decode()
    img_src = re.search(r"img-src ([^;]+)", page["Content-Security-Policy"]).group(1).split()
    assert img_src == ["'self'", "data:"]

    x, y = slippy_tile(4.24, 50.73, 13)  # Halle
    url = reverse("tiles:tile", args=[13, x, y])
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    assert b"".join(first) == PNG and "max-age=" in first["Cache-Control"]
    assert upstream.hits == [(f"/13/{x}/{y}.png", settings.BIN_TILE_USER_AGENT)]
    again = client.get(url)
    assert again.status_code == 200 and b"".join(again) == PNG
    assert len(upstream.hits) == 1  # from the cache
    assert (tmp_path / "13" / str(x) / f"{y}.png").read_bytes() == PNG

    # Outside the service area, beyond the zoom levels, off the grid: nothing is fetched.
    far_x, far_y = slippy_tile(-74.0, 40.7, 13)  # New York
    for args in ([13, far_x, far_y], [20, 0, 0], [2, 4, 0], [99999, 0, 0]):
        assert client.get(reverse("tiles:tile", args=args)).status_code == 404, args
    assert len(upstream.hits) == 1


def test_tile_proxy_refuses_what_is_no_tile_and_serves_stale_tiles_when_upstream_fails(
    client, town, settings, tmp_path, upstream
):
    """Finding 11 (the proxy's failure modes)."""
    settings.BIN_TILE_PROXY = True
    settings.BIN_TILE_URL = upstream.url + "/bad/{z}/{x}/{y}.png"
    settings.BIN_TILE_CACHE_DIR = tmp_path
    x, y = slippy_tile(4.24, 50.73, 12)
    assert client.get(reverse("tiles:tile", args=[12, x, y])).status_code == 502  # not a PNG
    # Upstream unreachable: a stale copy is better than a hole in the map.
    stale = tmp_path / "12" / str(x) / f"{y}.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(PNG)
    settings.BIN_TILE_CACHE_SECONDS = 0
    settings.BIN_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    response = client.get(reverse("tiles:tile", args=[12, x, y]))
    assert response.status_code == 200 and b"".join(response) == PNG
    # Without fetching (an air-gapped cache): only what the cache holds.
    settings.BIN_TILE_PROXY_FETCH = False
    hits = len(upstream.hits)
    assert client.get(reverse("tiles:tile", args=[12, x + 1, y])).status_code == 502
    assert len(upstream.hits) == hits
    settings.BIN_TILE_PROXY = False
    assert client.get(reverse("tiles:tile", args=[12, x, y])).status_code == 404


def test_the_admins_map_widget_runs_under_the_policy(town):
    """Finding 11, and issue 15: the admin's geometry fields use our own editor on the vendored Leaflet
    (areas.boundary_editor), with no inline script; the admin's policy allows no other script source than
    the site and no hash (Django's OpenLayers widget needed jsdelivr and its inline start-up script)."""
    client = login(town.superuser)
    response = client.get(reverse("admin:areas_network_change", args=[town.alfa.pk]))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    html = response.content.decode()
    # Only JSON data (json_script) is inline; every script runs from this site's static files.
    assert not re.findall(r"<script(?![^>]*(?:type=\"application/json\"|src=))[^>]*>", html)
    assert "bin-boundary-editor" in html
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "cdn.jsdelivr.net" not in script_src and "sha256-" not in script_src
