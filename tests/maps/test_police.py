"""The police maps: the alert map (Draw plugin, member density, the composer), an alert's page and the
evaluation map, as rendered HTML and over HTTP. What they show comes from the alerts app, tested there
(density: tests/alerts/test_recipients.py; statistics and threads: tests/alerts/test_statistics.py); who
may open them: tests/access/test_police_pages.py."""

import json
import math
import re
from datetime import timedelta

import folium
import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.urls import reverse, translate_url
from django.utils import timezone

from alerts.models import Reaction
from alerts.reactions import reaction_record
from alerts.selectors import alerts_in_period
from alerts.services import alert_follow_up
from maps.police import alert_map, evaluation_map, police_alert_map
from tests.factories import lonlat

from .test_builders import feature_collections, render

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def composer_options(html: str) -> dict:
    """The options the AlertComposer hands its script (`var o = {...};`)."""
    return json.loads(re.search(r"var o = (\{.*?\});\n", html).group(1))


def positions_near(html: str, members, within_m: float = 5.0) -> list[tuple[float, float]]:
    """Every coordinate pair in the page ([lon, lat] or [lat, lon]) within `within_m` of a member's home."""
    homes = [m.point.transform(4326, clone=True) for m in members]
    found = []
    for a, b in re.findall(r"\[\s*(-?\d+\.\d+),\s*(-?\d+\.\d+)", html):
        a, b = float(a), float(b)
        lon, lat = (a, b) if abs(a) < abs(b) else (b, a)  # Belgium: longitude < latitude
        for home in homes:
            dx = (lon - home.x) * 111_320 * math.cos(math.radians(lat))
            dy = (lat - home.y) * 110_540
            if math.hypot(dx, dy) < within_m:
                found.append((lon, lat))
    return found


# --- the police alert map ----------------------------------------------------------------------------


def test_police_alert_map_has_draw_density_all_zone_bins_and_the_composer(town, density):
    m = police_alert_map(police_zone=town.zone)
    assert isinstance(m, folium.Map)
    html = render(m)
    # Draw: vendored Leaflet.draw, polygon/circle/marker on, the rest off.
    assert "/static/maps/vendor/leaflet-draw-1.0.4/leaflet.draw.js" in html
    assert "/static/maps/vendor/leaflet-draw-1.0.4/leaflet.draw.css" in html
    assert "new L.Control.Draw(" in html
    draw = json.loads(re.search(r"draw: (\{.*?\}),\n", html).group(1))
    assert draw["polyline"] is False and draw["rectangle"] is False and draw["circlemarker"] is False
    assert draw["polygon"]["allowIntersection"] is False and "circle" in draw and "marker" in draw
    assert "cdnjs.cloudflare.com" not in html and "cdn.jsdelivr.net" not in html
    # Every network of the zone, published or not, in both municipalities; not the dissolved or far one.
    features = [f for fc in feature_collections(html) for f in fc.get("features", [])]
    slugs = {f["properties"]["slug"] for f in features if "slug" in f["properties"]}
    assert {"bin-alfa", "bin-beta", "bin-z-markt", "bin-verborgen", "bin-gamma"} <= slugs
    assert "bin-opgeheven" not in slugs and "bin-elders" not in slugs
    assert "/join/" not in html
    # The composer posts to the alert API and goes to the map page of the alert it created.
    options = composer_options(html)
    assert options["preview_url"] == reverse("api:alert-preview") == "/api/alerts/preview/"
    assert options["create_url"] == reverse("api:alert-list") == "/api/alerts/"
    assert options["alert_url"] == "/en/maps/alerts/{id}/"  # the page's language
    assert options["police_zone"] == town.zone.pk
    assert options["csrf_cookie"] == "csrftoken"
    assert ["burglary", "burglary"] in options["categories"]
    assert [u[0] for u in options["urgencies"]] == ["urgent", "non_urgent"]
    # Its script is a static file (maps/static/maps/alert_composer.js), loaded before the map's.
    assert '<script src="/static/maps/alert_composer.js"></script>' in html
    assert "window.BinAlertComposer.start(" in html
    assert options["lookup_url"] == reverse("api:lookup") and options["street_search_url"] == "/api/streets/"


def test_density_layer_holds_counts_and_no_member_position(town, density):
    html = render(police_alert_map(police_zone=town.zone))
    layers = [
        fc
        for fc in feature_collections(html)
        if fc.get("features") and "count" in fc["features"][0]["properties"]
    ]
    assert len(layers) == 1
    (cell,) = layers[0]["features"]
    assert cell["properties"] == {"count": 4}
    members = [*density["counted"], density["pending"], density["elsewhere"]]
    # The cells' corners are the only positions near the members; none is within 5 m of a home.
    assert "4.3" in html and positions_near(html, members, within_m=1000)
    assert positions_near(html, members) == []
    for member in members:
        assert member.name not in html and member.mobile not in html and member.email not in html
    assert "bin-map-density-cell" in html
    legend = {e["key"]: e for e in json.loads(re.search(r"var entries = (\[.*?\]);\n", html).group(1))}
    assert legend["density-3"]["label"] == "3 to 4 members per 250 m square"
    assert legend["density-3"]["count"] == 1
    assert not {"density-5", "density-10", "density-25", "density-50"} & set(legend)
    assert legend["density-note"]["label"] == "3 members in squares with fewer than 3 are left out."


def test_the_composer_can_sit_beside_the_map(town):
    m = police_alert_map(police_zone=town.zone, panel_target="#alert-panel")
    assert composer_options(render(m))["panel_target"] == "#alert-panel"


# --- an alert's map and the evaluation map -----------------------------------------------------------


def test_alert_map_shows_the_perimeter_and_the_incident(town, density, send_alert):
    alert = send_alert(town.police, center=(340, 440), location=lonlat(335, 445))
    html = render(alert_map(alert=alert))
    features = [f for fc in feature_collections(html) for f in fc.get("features", [])]
    (perimeter,) = [f for f in features if f["geometry"]["type"] == "MultiPolygon"]
    expected = alert.perimeter.transform(4326, clone=True)
    assert len(perimeter["geometry"]["coordinates"][0][0]) == expected.num_coords
    assert GEOSGeometry(json.dumps(perimeter["geometry"]), srid=4326).equals_exact(expected, 1e-6)
    assert "bin-map-alert-perimeter" in html
    incident = alert.location.transform(4326, clone=True)
    assert f"[{incident.y}, {incident.x}]" in html
    assert "Incident" in html


def test_evaluation_map_clusters_the_alerts_with_vendored_markercluster(town, density, send_alert):
    send_alert(town.police, center=(340, 440))
    send_alert(town.police, center=(1630, 540), message="Verdacht voertuig <b>AB-123</b>")
    today = timezone.localdate()
    alerts = alerts_in_period(police_zone=town.zone, start=today, end=today)
    html = render(evaluation_map(police_zone=town.zone, alerts=alerts, alert_links=True))
    assert "/static/maps/vendor/leaflet-markercluster-1.5.3/leaflet.markercluster.js" in html
    assert "/static/maps/vendor/leaflet-markercluster-1.5.3/MarkerCluster.Default.css" in html
    assert "L.markerClusterGroup(" in html
    assert html.count("L.marker(") == 2
    for a in alerts:
        assert reverse("maps:alert", args=[a["id"]]) in html
    # The message is text in the popup (JSON put in with textContent: maps.markup.TextPopup), never markup.
    assert "<b>AB-123</b>" not in html and "Verdacht voertuig \\u003cb\\u003eAB-123" in html
    without_links = render(evaluation_map(police_zone=town.zone, alerts=alerts, alert_links=False))
    assert "/maps/alerts/" not in without_links


# --- the pages -----------------------------------------------------------------------------------


def test_alert_map_page_holds_the_map_and_the_form_and_sets_the_csrf_cookie(client, town):
    client.force_login(town.police)
    response = client.get(reverse("maps:police-alert", args=[5999]), **EN)
    html = response.content.decode()
    assert "<title>New alert in police zone PZ Testzone</title>" in html
    assert 'id="alert-panel"' in html and "data-police-alert-map" in html
    assert composer_options(html)["panel_target"] == "#alert-panel"
    assert "csrftoken" in response.cookies
    assert reverse("maps:evaluation", args=[5999]) in html
    assert client.get(reverse("maps:police-alert", args=[1]), **EN).status_code == 404


def test_alert_page_shows_the_thread_reactions_and_outcome_without_members(client, town, density, send_alert):
    # Centred near, not on, BIN Alfa's four members: the incident is where the officer puts it.
    alert = send_alert(town.police, center=(500, 700), radius_m=400)
    first, second = alert.deliveries.order_by("pk")[:2]
    reaction_record(delivery=first, kind="seen")
    reaction_record(delivery=second, kind="observation", text="Witte bestelwagen, 1-ABC-234")
    follow_up = alert_follow_up(
        original=alert, user=town.police, msg_type="feedback", message="Dank", outcome="Twee verdachten"
    )
    client.force_login(town.police)
    html = client.get(reverse("maps:alert", args=[alert.pk]), **EN).content.decode()
    assert f'data-alert-id="{alert.pk}"' in html
    assert "bin-map-alert-perimeter" in html
    assert html.count('data-reaction-kind="') == 2
    assert "Witte bestelwagen, 1-ABC-234" in html
    assert "1 seen, 1 observations" in html
    assert "Twee verdachten" in html
    assert 'data-message-type="feedback"' in html
    for member in density["counted"]:
        assert member.name not in html and member.mobile not in html
    assert positions_near(html, density["counted"]) == []
    # A follow-up's address leads to the alert it follows.
    response = client.get(reverse("maps:alert", args=[follow_up.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("maps:alert", args=[alert.pk])
    assert Reaction.objects.count() == 2


def test_evaluation_page_takes_a_period(client, town, density, send_alert):
    old = send_alert(town.police, center=(340, 440), sent_at=timezone.now() - timedelta(days=200))
    new = send_alert(town.police, center=(1630, 540))
    client.force_login(town.municipality)
    html = client.get(reverse("maps:evaluation", args=[5999]), **EN).content.decode()
    # By default the last 90 days.
    assert f'data-alert-id="{new.pk}"' in html and f'data-alert-id="{old.pk}"' not in html
    assert "/maps/alerts/" not in html  # municipality staff do not open the police's alert pages
    assert 'data-network-slug="bin-beta"' in html
    day = timezone.localdate(old.sent_at).isoformat()
    url = reverse("maps:evaluation", args=[5999])
    html = client.get(url, {"from": day, "to": day}, **EN).content.decode()
    assert f'data-alert-id="{old.pk}"' in html and f'data-alert-id="{new.pk}"' not in html
    assert 'data-alerts="1" data-recipients="4"' in html  # BIN Alfa's four members
    client.force_login(town.police)
    html = client.get(reverse("maps:evaluation", args=[5999]), **EN).content.decode()
    assert reverse("maps:alert", args=[new.pk]) in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2024-13-01"}, "is not a date"),
        ({"to": "gisteren"}, "is not a date"),
        ({"from": "2024-05-02", "to": "2024-05-01"}, "starts after it ends"),
    ],
)
def test_evaluation_page_refuses_a_wrong_period(client, town, query, message):
    client.force_login(town.police)
    response = client.get(reverse("maps:evaluation", args=[5999]), query, **EN)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("language", "title", "send"),
    [
        # ngettext's forms for 0, 1 and 2 members: French says "0 membre", Dutch "0 leden".
        (
            "nl",
            "Nieuwe melding in politiezone PZ Testzone",
            ["Versturen naar %(n)s leden…", "Versturen naar %(n)s lid…", "Versturen naar %(n)s leden…"],
        ),
        (
            "fr",
            "Nouvelle alerte dans la zone de police PZ Testzone",
            ["Envoyer à %(n)s membre…", "Envoyer à %(n)s membre…", "Envoyer à %(n)s membres…"],
        ),
    ],
)
def test_alert_map_page_speaks_dutch_and_french(client, town, language, title, send):
    client.force_login(town.police)
    response = client.get(
        translate_url(reverse("maps:police-alert", args=[5999]), language), HTTP_ACCEPT_LANGUAGE=language
    )
    html = response.content.decode()
    assert f"<title>{title}</title>" in html
    assert composer_options(html)["labels"]["send_to"] == send
