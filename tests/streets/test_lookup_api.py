"""The lookup API over HTTP on real PostGIS: every input form, the edge cases, bad input, query bounds.

The town (tests/town.py): the Kerkstraat runs through BIN Alfa and BIN Beta, 19 on their border, 8 and 10
missing, 12A and 14 bus 1/2 there; the Veldweg lies in no BIN and has odd numbers only."""

import csv
import io

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse, translate_url

from tests.country import belgium_only
from tests.factories import SRID, lambert, latlon

# tests/streets/test_postal_names.py takes the town fixture from here (`from .test_lookup_api import town`).
from tests.town import town as town

pytestmark = pytest.mark.django_db


# What anyone sees of the town: neither BIN Verborgen (unpublished) nor BIN Opgeheven (dissolved).
PUBLIC = {"bin-alfa", "bin-beta", "bin-z-markt", "bin-gamma", "bin-elders"}


def lookup(client, **params):
    # Messages are asserted in English; the service answers in the language the client asks for.
    return client.get(reverse("api:lookup"), params, HTTP_ACCEPT_LANGUAGE="en")


def slugs(result):
    return [n["slug"] for n in result["networks"]]


# --- address text ----------------------------------------------------------------------------------


def test_exact_address_with_municipality(client, town, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        r = lookup(client, address="Kerkstraat 3, 9990 Teststad")
    assert r.status_code == 200, r.content
    top = r.json()["results"][0]
    assert top["match"] == "exact"
    assert top["house_number"] == "3"
    assert slugs(top) == ["bin-alfa"]
    assert top["networks"][0]["role"] == "residential"
    assert top["networks"][0]["contact_email"] == "alfa@bin.example.be"
    assert top["networks"][0]["municipality"]["nis_code"] == "99001"
    lon, lat = top["point"]["coordinates"]
    assert (round(lat, 5), round(lon, 5)) == tuple(round(v, 5) for v in latlon(200, 520))


@belgium_only  # French street names
def test_french_name_and_accents(client, town):
    r = lookup(client, address="rue de l'eglise 25 ville-test")
    top = r.json()["results"][0]
    assert top["match"] == "exact" and top["house_number"] == "25"
    assert slugs(top) == ["bin-beta"]


@belgium_only  # "bus 2"; tests/nl/ has the Dutch toevoeging
def test_box_and_suffix(client, town):
    top = lookup(client, address="Kerkstraat 14 bus 2, Teststad").json()["results"][0]
    assert (top["match"], top["house_number"], top["box"]) == ("exact", "14", "2")
    top = lookup(client, address="Kerkstraat 12A Teststad").json()["results"][0]
    assert (top["match"], top["house_number"]) == ("exact", "12A")


def test_missing_number_is_interpolated_between_neighbours_on_the_same_side(client, town):
    top = lookup(client, address="Kerkstraat 8, Teststad").json()["results"][0]
    assert top["match"] == "interpolated"
    lon, lat = top["point"]["coordinates"]
    # between 6 (x=350) and 12 (x=650) on the even side: 8 lies a third of the way, x=450
    p = Point(lon, lat, srid=4326).transform(SRID, clone=True)
    assert p.distance(lambert(450, 480)) < 0.5
    assert slugs(top) == ["bin-alfa"]


def test_number_beyond_the_end_answers_from_the_nearest_on_the_same_side(client, town):
    top = lookup(client, address="Kerkstraat 40 Teststad").json()["results"][0]
    assert top["match"] == "nearest_same_side"
    assert top["house_number"] == "36"
    assert slugs(top) == ["bin-beta"]


def test_street_only(client, town):
    top = lookup(client, address="Kerkstraat, Teststad").json()["results"][0]
    assert top["match"] == "street"
    assert top["networks"]


def test_abbreviation_and_typo(client, town):
    top = lookup(client, address="Kerkstr. 3 Teststad").json()["results"][0]
    assert top["match"] == "exact" and slugs(top) == ["bin-alfa"]
    top = lookup(client, address="Kerkstraaat 3 Teststad").json()["results"][0]
    assert top["house_number"] == "3"


def test_ambiguous_text_gives_several_candidates(client, town):
    body = lookup(client, address="Kerkstraat 5").json()
    assert body["ambiguous"] is True
    municipalities = {r["street"]["municipality"]["nis_code"] for r in body["results"]}
    assert municipalities == {"99001", "99002"}


def test_postcode_that_does_not_match_the_municipality_is_said_and_answered(client, town):
    body = lookup(client, address="Kerkstraat 3, 1000 Teststad").json()
    assert body["warnings"] and "1000" in body["warnings"][0]
    assert body["results"][0]["match"] == "exact"


def test_postcode_only(client, town):
    body = lookup(client, address="9990").json()
    top = body["results"][0]
    assert top["match"] == "postcode"
    assert {"bin-alfa", "bin-beta", "bin-z-markt"} <= set(slugs(top))
    assert "bin-verborgen" not in slugs(top)


def test_no_match_is_404_with_suggestions(client, town):
    r = lookup(client, address="Kerkstrat 3, Nergensdorp")
    assert r.status_code in (200, 404)
    r = lookup(client, address="Xyzzylaan 3")
    assert r.status_code == 404
    assert "Xyzzylaan" in r.json()["detail"]
    assert "suggestions" in r.json()


# --- edge cases ----------------------------------------------------------------------------------------


def test_point_on_the_shared_border_belongs_to_the_older_bin(client, town):
    top = lookup(client, address="Kerkstraat 19 Teststad").json()["results"][0]
    residential = [n for n in top["networks"] if n["role"] == "residential"]
    assert [n["slug"] for n in residential] == ["bin-alfa"]
    assert residential[0]["on_border"] is True
    assert residential[0]["border_with"] == ["bin-beta"]


def test_bin_z_overlapping_a_bin_both_returned_and_labelled(client, town):
    lat, lon = latlon(900, 500)
    body = lookup(client, lat=lat, lon=lon).json()
    assert [(n["slug"], n["role"]) for n in body["networks"]] == [
        ("bin-alfa", "residential"),
        ("bin-z-markt", "business"),
    ]


def test_address_in_no_bin_gives_nearest_bins_and_how_to_start_one(client, town):
    top = lookup(client, address="Veldweg 5 Teststad").json()["results"][0]
    assert top["networks"] == []
    assert top["message"]
    nearest = top["nearest_networks"]
    assert nearest[0]["slug"] == "bin-alfa"
    assert nearest[0]["distance_m"] == 2000  # from y=3000 down to the top edge y=1000
    # BIN Verborgen lies 1000 m east of it, but is not published.
    assert "bin-verborgen" not in [n["slug"] for n in nearest]
    assert top["start_url"] == reverse("members:network-start")


def test_point_lookup(client, town, django_assert_max_num_queries):
    lat, lon = latlon(1500, 100)
    with django_assert_max_num_queries(2):
        r = lookup(client, lat=lat, lon=lon)
    assert slugs(r.json()) == ["bin-beta"]


def test_unpublished_bin_is_not_shown_to_anonymous_users(client, town):
    lat, lon = latlon(2000, 2500)  # inside BIN Verborgen
    body = lookup(client, lat=lat, lon=lon).json()
    assert body["networks"] == []


# --- bad input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"address": ""}, ""),
        ({"address": "   "}, ""),
        ({"address": "Kerkstraat " + "x" * 2048}, "200"),
        ({"address": "Kerkstraat\x07 3"}, "control"),
        ({"address": "Kerkstraat\x00 3"}, "null"),
        ({"lat": "abc", "lon": "4.2"}, "number"),
        ({"lat": "50.7", "lon": "nan"}, "number"),
        ({"lat": "95", "lon": "4.2"}, "90"),
        ({"lat": "50.7", "lon": "190"}, "180"),
        ({"lat": "4.22", "lon": "50.71"}, "swapped"),
        ({"lat": "-33.9", "lon": "18.4"}, "outside"),
        ({"lat": "50.7"}, "lon"),
        ({}, "address"),
        ({"address": "Kerkstraat 3", "lat": "50.7", "lon": "4.2"}, "not both"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, town, params, fragment):
    r = lookup(client, **params)
    assert r.status_code == 400, r.content
    assert fragment.lower() in r.content.decode().lower()


@pytest.mark.parametrize("text", ["'; DROP TABLE streets_street; --", "%_%", "\\\\", "1=1 OR", "<script>"])
def test_sql_like_text_is_just_text(client, town, text):
    r = lookup(client, address=text)
    assert r.status_code in (200, 404)
    assert lookup(client, address="Kerkstraat 3 Teststad").status_code == 200


# --- streets and networks ------------------------------------------------------------------------------


# A text that matches as typed takes one statement; a typo a second one (the typo stages).
@pytest.mark.parametrize(
    "q, queries", [("kerkstr", 1), ("KERKSTRAAT", 1), ("kerkstraaat", 2), ("eglise", 1), ("Église", 1)]
)
def test_street_autocomplete(client, town, q, queries, django_assert_max_num_queries):
    with django_assert_max_num_queries(queries):
        r = client.get(reverse("api:street-search"), {"q": q})
    assert r.status_code == 200
    names = [s["name_nl"] for s in r.json()["results"]]
    assert names and names[0] == "Kerkstraat"


def test_street_autocomplete_by_municipality(client, town):
    r = client.get(reverse("api:street-search"), {"q": "kerkstraat", "municipality": "99002"})
    assert [s["municipality"]["nis_code"] for s in r.json()["results"]] == ["99002"]
    r = client.get(reverse("api:street-search"), {"q": "kerkstraat", "municipality": "autrevillage"})
    assert [s["municipality"]["nis_code"] for s in r.json()["results"]] == ["99002"]
    r = client.get(reverse("api:street-search"), {"q": "kerkstraat", "municipality": "Atlantis"})
    assert r.status_code == 400


def test_street_autocomplete_bad_input(client, town):
    assert client.get(reverse("api:street-search")).status_code == 400
    assert client.get(reverse("api:street-search"), {"q": "x" * 500}).status_code == 400


def ranges(item):
    return {(r["side"], r["from"], r["to"]) for r in item["ranges"]}


def test_street_split_across_a_bin_border(client, town, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        r = client.get(reverse("api:street-networks", args=[town.kerkstraat.pk]))
    body = r.json()
    assert body["coverage"] == "split"
    by_slug = {n["slug"]: n for n in body["networks"]}
    # 19 stands on the border: it counts for the older BIN (Alfa).
    assert ranges(by_slug["bin-alfa"]) == {("odd", "1", "19"), ("even", "2", "18")}
    assert ranges(by_slug["bin-beta"]) == {("odd", "21", "35"), ("even", "20", "36")}
    assert ranges(by_slug["bin-z-markt"]) == {("odd", "15", "23"), ("even", "16", "22")}
    assert by_slug["bin-alfa"]["coverage"] == "part"
    assert body["uncovered"] == []


def test_network_streets_json_and_csv(client, town):
    # BIN Beta holds the Kerkstraat's east part (from 20 and 21; 19 on the border is Alfa's) and the whole
    # Molenstraat.
    expected = {
        ("Kerkstraat", "odd", "21", "35"),
        ("Kerkstraat", "even", "20", "36"),
        ("Molenstraat", "odd", "1", "9"),
        ("Molenstraat", "even", "2", "8"),
    }
    r = client.get(reverse("api:network-streets", args=["bin-beta"]))
    body = r.json()
    assert body["count"] == 2
    assert {(s["name_nl"], *side) for s in body["streets"] for side in ranges(s)} == expected
    # The CSV is the street-list format import_street_lists reads (streets.streetlists): the Kerkstraat's
    # 20-36 on both sides is one `all` row, the whole Molenstraat has no numbers.
    r = client.get(reverse("api:network-streets", args=["bin-beta"]), {"format": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    assert {(row["street"], row["from"], row["to"], row["parity"]) for row in rows} == {
        ("Kerkstraat", "20", "36", "all"),
        ("Molenstraat", "", "", "all"),
    }
    rest = {(row["network"], row["municipality"], row["postcode"]) for row in rows}
    assert rest == {("BIN Beta", "99001", "9990")}


def test_networks_feed_is_geojson_and_hides_unpublished(client, town, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        r = client.get(reverse("api:network-list"))
    body = r.json()
    assert body["type"] == "FeatureCollection"
    ids = {f["id"] for f in body["features"]}
    assert ids == PUBLIC
    lon, lat = body["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 2 < lon < 7 and 49 < lat < 54  # RFC 7946: lon/lat degrees (Belgium or the Netherlands)
    assert client.get(reverse("api:network-detail", args=["bin-verborgen"])).status_code == 404


def test_networks_feed_filters(client, town):
    def ids(**params):
        return {f["id"] for f in client.get(reverse("api:network-list"), params).json()["features"]}

    teststad = {"bin-alfa", "bin-beta", "bin-z-markt"}
    assert ids(kind="BIN-Z") == {"bin-z-markt"}
    assert ids(municipality="99001") == teststad
    assert ids(municipality="Teststad") == teststad
    assert ids(municipality="99002") == {"bin-elders"}
    assert ids(police_zone=str(town.zone.number)) == teststad | {"bin-gamma"}
    assert ids(status="active") == PUBLIC - {"bin-beta"}  # Beta is recognised
    s_lat, w_lon = latlon(1500, 100)
    n_lat, e_lon = latlon(1600, 200)
    assert ids(in_bbox=f"{w_lon},{s_lat},{e_lon},{n_lat}") == {"bin-beta"}
    r = client.get(reverse("api:network-list"), {"kind": "XYZ"})
    assert r.status_code == 400
    # The whole world is cut to the service area; a box beside Belgium holds nothing.
    assert ids(in_bbox="-180,-90,180,90") == PUBLIC
    assert ids(in_bbox="-70,40,-60,45") == set()


@pytest.mark.parametrize(
    "box, fragment",
    [
        ("a,b,c", "west,south,east,north"),
        ("1,2,3", "west,south,east,north"),
        ("4.2,50.7,4.3,nan", "between -180 and 180"),
        ("-5.9e-08,-1.5,-8.3e-186,-1.7e16", "between -180 and 180"),  # found by schemathesis: was a 500
        ("4.2,50.7,inf,50.8", "between -180 and 180"),
        ("4.3,50.7,4.2,50.8", "west ≤ east"),
    ],
)
def test_networks_feed_bad_boxes_are_400(client, town, box, fragment):
    r = client.get(reverse("api:network-list"), {"in_bbox": box}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and fragment in r.json()["in_bbox"][0]


def test_staff_see_unpublished(admin_client, town):
    assert admin_client.get(reverse("api:network-detail", args=["bin-verborgen"])).status_code == 200


# --- schema and page -----------------------------------------------------------------------------------


def test_openapi_schema_lists_every_endpoint(client):
    r = client.get(reverse("api:schema"), {"format": "json"})
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in [
        "/api/lookup/",
        "/api/streets/",
        "/api/streets/{id}/networks/",
        "/api/networks/",
        "/api/networks/{slug}/",
        "/api/networks/{slug}/streets/",
    ]:
        assert path in paths, sorted(paths)


def test_documentation_page_loads_swagger_ui_from_our_own_static_files(client):
    import re

    from django.contrib.staticfiles import finders

    r = client.get(reverse("api:docs"))
    assert r.status_code == 200
    html = r.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))], sources
    scripts = [s for s in sources if s.endswith(".js")]
    assert any("swagger-ui" in s for s in scripts)
    for url in scripts:
        path = url.split("?")[0].removeprefix("/static/")
        assert finders.find(path), url


def test_openapi_schema_validates():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "openapi" in out.getvalue()


def test_resident_page_answers_without_javascript(client, town):
    r = client.get(reverse("maps:lookup"), {"q": "Kerkstraat 3, Teststad"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "BIN Alfa" in html
    assert reverse("members:network-join", args=["bin-alfa"]) in html


@belgium_only  # French is no language of the Dutch profile
def test_resident_page_no_bin_and_languages(client, town):
    html = client.get(
        translate_url(reverse("maps:lookup"), "nl"), {"q": "Veldweg 5 Teststad"}, HTTP_ACCEPT_LANGUAGE="nl"
    ).content
    assert "Geen BIN" in html.decode()
    html = client.get(
        translate_url(reverse("maps:lookup"), "fr"), {"q": "Veldweg 5 Teststad"}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content
    assert "Aucun PLP" in html.decode()
    r = client.get(reverse("maps:lookup"), {"q": "\x00"})
    assert r.status_code == 400


def test_number_on_a_side_with_no_addresses_answers_with_the_street(client, town):
    # The Veldweg has only odd numbers: an even number falls back to the street, not a 500.
    r = lookup(client, address="Veldweg 6 Teststad")
    assert r.status_code == 200
    top = r.json()["results"][0]
    assert top["match"] == "street"
