"""Map pages over HTTP: the municipality and zone pages, the embeddable map, 404s, the static export."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse, translate_url

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_municipality_page_by_nis_code(client, town, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        r = client.get(reverse("maps:municipality", args=["99001"]), **EN)
    assert r.status_code == 200
    html = r.content.decode()
    assert "<title>Neighbourhood information networks in Teststad</title>" in html
    assert 'class="folium-map"' in html
    assert "/static/maps/vendor/leaflet-1.9.4/leaflet.js" in html
    for network in town.published:
        assert f'data-network-slug="{network.slug}"' in html  # the list under the map
        assert network.name in html
    assert "BIN Verborgen" not in html
    assert "BIN Opgeheven" not in html
    # The page itself may not be framed; the embed page may.
    assert r["X-Frame-Options"] == "DENY"
    assert reverse("maps:police-zone", args=[5999]) in html
    # folium's viewport tag would forbid zooming the page on phones; the site's own tag stays.
    assert "user-scalable=no" not in html
    assert html.count('name="viewport"') == 1


def test_municipality_page_by_name_slug_in_any_language(client, town):
    for key in ("teststad", "ville-test", "Teststad"):
        r = client.get(reverse("maps:municipality", args=[key]), **EN)
        assert r.status_code == 200, key
        assert "BIN Alfa" in r.content.decode()


def test_municipality_page_offers_an_iframe_snippet(client, town):
    html = client.get(reverse("maps:municipality", args=["teststad"]), **EN).content.decode()
    embed = reverse("maps:municipality-embed", args=["99001"])
    assert f"&lt;iframe src=&quot;http://testserver{embed}&quot;" in html
    assert "data-embed-snippet" in html


def test_embed_page_is_a_bare_map_that_other_sites_may_frame(client, town):
    r = client.get(reverse("maps:municipality-embed", args=["99001"]), **EN)
    assert r.status_code == 200
    assert "X-Frame-Options" not in r.headers
    html = r.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Neighbourhood information networks in Teststad</title>" in html
    assert "BIN Alfa" in html and "BIN-Z Markt" in html
    assert "data-map-search" in html
    assert "<header>" not in html  # no site chrome


def test_embed_page_shows_public_networks_even_to_staff(client, town):
    client.force_login(UserFactory(is_staff=True))
    assert (
        "BIN Verborgen" not in client.get(reverse("maps:municipality-embed", args=["99001"])).content.decode()
    )
    # The full page previews them for staff, marked.
    html = client.get(reverse("maps:municipality", args=["99001"]), **EN).content.decode()
    assert "BIN Verborgen" in html
    assert "not published" in html


@pytest.mark.parametrize(
    "url",
    [
        ("maps:municipality", ["nergens"]),
        ("maps:municipality", ["12345"]),
        ("maps:municipality-embed", ["nergens"]),
        ("maps:police-zone", [1]),
        ("maps:police-zone-embed", [1]),
    ],
)
def test_unknown_areas_are_404(client, town, url):
    name, args = url
    assert client.get(reverse(name, args=args)).status_code == 404


def test_police_zone_page_and_embed(client, town):
    r = client.get(reverse("maps:police-zone", args=[5999]), **EN)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Neighbourhood information networks in police zone PZ Testzone" in html
    for name in ("BIN Alfa", "BIN Beta", "BIN-Z Markt", "BIN Gamma"):
        assert name in html
    assert "BIN Elders" not in html
    assert reverse("maps:municipality", args=["99003"]) in html
    r = client.get(reverse("maps:police-zone-embed", args=[5999]))
    assert r.status_code == 200
    assert "X-Frame-Options" not in r.headers


def test_export_map_writes_one_self_contained_file(town, tmp_path):
    out = io.StringIO()
    path = tmp_path / "teststad.html"
    call_command("export_map", "99001", "-o", str(path), "--site-url", "https://bin.example.be", stdout=out)
    html = path.read_text()
    assert "<script src=" not in html and "<link rel" not in html
    for network in town.published:
        assert network.name in html
    # The links of a map exported in Dutch (export_map's default) lead to the Dutch pages.
    join = translate_url(reverse("members:network-join", args=["bin-alfa"]), "nl")
    assert "https://bin.example.be" + join in html
    assert "BIN Verborgen" not in html
    # No API behind a file: the search box is left out, and the command says so.
    assert "data-map-search" not in html
    assert "/api/lookup/" not in html
    assert "address search is not in the file" in out.getvalue()


def test_export_map_of_a_police_zone_without_site_url(town, tmp_path):
    out = io.StringIO()
    path = tmp_path / "zone.html"
    call_command("export_map", "--zone", "5999", "-o", str(path), stdout=out)
    html = path.read_text()
    assert "BIN Gamma" in html
    assert "/join/" not in html
    assert "no join links" in out.getvalue()


def test_export_map_in_french(town, tmp_path):
    path = tmp_path / "ville-test.html"
    call_command("export_map", "ville-test", "-o", str(path), "--language", "fr", stdout=io.StringIO())
    html = path.read_text()
    assert "<title>Réseaux d&#x27;information de quartier à Ville-Test</title>" in html
    assert "Commune de Ville-Test" in html
    assert "PLP (habitants)" in html


def test_export_map_refuses_unknown_areas(town, tmp_path):
    with pytest.raises(CommandError, match="no municipality"):
        call_command("export_map", "nergens", "-o", str(tmp_path / "x.html"))
    with pytest.raises(CommandError, match="no police zone"):
        call_command("export_map", "--zone", "1", "-o", str(tmp_path / "x.html"))
    with pytest.raises(CommandError, match="not both"):
        call_command("export_map", "99001", "--zone", "5999", "-o", str(tmp_path / "x.html"))
