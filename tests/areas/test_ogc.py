"""The OGC API - Features (areas.api.ogc) over HTTP: landing page, conformance, collections, items with
bbox, limit, paging, crs and datetime, one item; what anonymous users and staff see; 400 and 404 with the
OGC exception JSON. tests/areas/test_ogc_gdal.py reads it with GDAL."""

import json

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.urls import reverse

from areas.models import Network
from tests.factories import X0, Y0, login, lonlat

from .test_exports import within_a_centimetre

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
LAMBERT = "http://www.opengis.net/def/crs/EPSG/0/31370"
# Published and not dissolved, in id order: Alfa, Beta, the BIN-Z, Gamma, Elders.
PUBLIC = ["bin-alfa", "bin-beta", "bin-z-markt", "bin-gamma", "bin-elders"]


def items(client, collection="networks", **params):
    response = client.get(reverse("ogc:items", args=[collection]), params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/geo+json"
    return response, response.json()


def links(document) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in document["links"]}


def test_landing_page_links_the_rest(client, db):
    data = client.get(reverse("ogc:landing")).json()
    found = links(data)
    assert found["self"] == "http://testserver/ogc/"
    assert found["conformance"] == "http://testserver/ogc/conformance"
    assert found["data"] == "http://testserver/ogc/collections"
    assert found["service-desc"] == "http://testserver/ogc/api"
    api = client.get(found["service-desc"])
    assert api["Content-Type"].startswith("application/vnd.oai.openapi+json")
    paths = api.json()["paths"]
    assert (
        "/collections/{collectionId}/items" in paths
        and api.json()["servers"][0]["url"] == "http://testserver/ogc"
    )


def test_conformance_declares_core_geojson_and_crs(client, db):
    classes = client.get(reverse("ogc:conformance")).json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in classes


def test_collections_with_extent_crs_and_items_link(client, town):
    data = client.get(reverse("ogc:collections")).json()
    collections = {c["id"]: c for c in data["collections"]}
    assert list(collections) == ["networks", "municipalities", "police-zones"]
    networks = collections["networks"]
    assert links(networks)["items"] == "http://testserver/ogc/collections/networks/items"
    assert networks["crs"] == [CRS84, EPSG4326, LAMBERT] and networks["storageCrs"] == LAMBERT
    west, south, east, north = networks["extent"]["spatial"]["bbox"][0]
    # The lon/lat box of the public networks' vertices.
    shapes = [Network.objects.get(slug=slug).boundary.transform(4326, clone=True) for slug in PUBLIC]
    expected = [
        min(g.extent[0] for g in shapes),
        min(g.extent[1] for g in shapes),
        max(g.extent[2] for g in shapes),
        max(g.extent[3] for g in shapes),
    ]
    assert [west, south, east, north] == pytest.approx(expected, abs=1e-6)
    one = client.get(reverse("ogc:collection", args=["networks"])).json()
    assert one["id"] == "networks" and one["extent"] == networks["extent"]


def test_items_anonymous_see_the_public_networks_with_the_download_attributes(client, town):
    response, data = items(client)
    assert response["Content-Crs"] == f"<{CRS84}>"
    assert [f["id"] for f in data["features"]] == PUBLIC
    assert data["numberMatched"] == data["numberReturned"] == 5
    alfa = data["features"][0]
    assert alfa["properties"]["muni_nis"] == "99001" and alfa["properties"]["zone_nr"] == 5999
    assert "@" not in json.dumps(data)  # no e-mail address, no coordinator
    assert alfa["links"][0]["href"] == "http://testserver/ogc/collections/networks/items/bin-alfa"


def test_items_staff_see_unpublished_and_dissolved(client, town):
    _, data = items(login(town.superuser))
    assert {"bin-verborgen", "bin-opgeheven"} <= {f["id"] for f in data["features"]}
    assert items(login(town.coord_a))[1]["numberMatched"] == 5


def test_paging_by_limit_and_offset_with_next_and_prev(client, town):
    _, first = items(client, limit="2")
    assert [f["id"] for f in first["features"]] == PUBLIC[:2]
    assert (first["numberMatched"], first["numberReturned"]) == (5, 2)
    assert "prev" not in links(first)
    seen, page = [], first
    while True:
        seen += [f["id"] for f in page["features"]]
        if "next" not in links(page):
            break
        page = client.get(links(page)["next"]).json()
    assert seen == PUBLIC
    assert links(page)["prev"].endswith("limit=2&offset=2")
    # A limit above the maximum is the maximum, not an error.
    _, data = items(client, limit="5000")
    assert data["numberReturned"] == 5


def stored(slug):
    return Network.objects.get(slug=slug).boundary


def test_crs_lambert_and_epsg_4326_axis_order(client, town):
    response, data = items(client, crs=LAMBERT, limit="1")
    assert response["Content-Crs"] == f"<{LAMBERT}>"
    shape = GEOSGeometry(json.dumps(data["features"][0]["geometry"]))
    shape.srid = 31370
    assert within_a_centimetre(shape, stored("bin-alfa"))
    assert data["features"][0]["geometry"]["coordinates"][0][0][0] == [X0, Y0]
    _, crs84 = items(client, limit="1")
    _, epsg4326 = items(client, crs=EPSG4326, limit="1")
    lon, lat = crs84["features"][0]["geometry"]["coordinates"][0][0][0]
    # EPSG:4326 is latitude first (OGC), CRS84 longitude first.
    assert epsg4326["features"][0]["geometry"]["coordinates"][0][0][0] == [lat, lon]
    assert [lon, lat] == pytest.approx(lonlat(0, 0), abs=1e-7)


def test_bbox_in_crs84_lambert_and_epsg_4326(client, town):
    # A box around Gamma (Buurdorp) only.
    (w, s), (e, n) = lonlat(5100, 100), lonlat(5200, 200)
    assert [f["id"] for f in items(client, bbox=f"{w},{s},{e},{n}")[1]["features"]] == ["bin-gamma"]
    assert items(client, bbox=f"{s},{w},{n},{e}", **{"bbox-crs": EPSG4326})[1]["numberMatched"] == 1
    box = f"{X0 + 900},{Y0 + 300},{X0 + 1100},{Y0 + 400}"
    found = [f["id"] for f in items(client, bbox=box, **{"bbox-crs": LAMBERT})[1]["features"]]
    assert found == ["bin-alfa", "bin-beta", "bin-z-markt"]
    # Far away (the Pacific) and the whole world.
    assert items(client, bbox="-170,-10,-160,10")[1]["numberMatched"] == 0
    assert items(client, bbox="-180,-90,180,90")[1]["numberMatched"] == 5


def test_datetime_filters_on_the_last_update(client, town):
    Network.objects.filter(slug="bin-alfa").update(updated="2020-05-01T10:00:00Z")
    assert [f["id"] for f in items(client, datetime="2020-05-01")[1]["features"]] == ["bin-alfa"]
    assert items(client, datetime="../2020-12-31")[1]["numberMatched"] == 1
    assert items(client, datetime="2021-01-01T00:00:00Z/..")[1]["numberMatched"] == 4


def test_one_item_in_a_crs_and_404_when_hidden(client, town):
    url = reverse("ogc:item", args=["networks", "bin-beta"])
    response = client.get(url, {"crs": LAMBERT})
    assert response.status_code == 200 and response["Content-Crs"] == f"<{LAMBERT}>"
    feature = response.json()
    assert feature["id"] == "bin-beta" and feature["properties"]["status"] == "recognised"
    assert feature["geometry"]["coordinates"][0][0][0] == [X0 + 1000, Y0]
    hidden = reverse("ogc:item", args=["networks", "bin-verborgen"])
    assert client.get(hidden).status_code == 404
    assert login(town.superuser).get(hidden).status_code == 200


def test_municipalities_and_police_zones(client, town):
    _, data = items(client, "municipalities")
    assert [f["id"] for f in data["features"]] == ["99001", "99003", "99002"]
    assert data["features"][0]["properties"]["name_fr"] == "Ville-Test"
    zone = client.get(reverse("ogc:item", args=["police-zones", town.zone.code])).json()
    assert zone["properties"]["number"] == 5999


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "4.3,50,4.2,51"}, "lower corner"),
        ({"bbox": "4,50,5,nan"}, "bbox"),
        ({"bbox": "4,50,500,51"}, "longitudes"),
        ({"crs": "EPSG:3857"}, "crs"),
        ({"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/3857", "bbox": "1,2,3,4"}, "bbox-crs"),
        ({"datetime": "yesterday"}, "datetime"),
        ({"datetime": "2021-01-01/2020-01-01"}, "start"),
        ({"f": "html"}, "JSON"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_parameters_are_400_with_a_message(client, town, params, says):
    response = client.get(reverse("ogc:items", args=["networks"]), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidParameterValue" and says in body["description"]


def test_unknown_collection_and_item_are_404(client, town):
    for url in (
        reverse("ogc:collection", args=["members"]),
        reverse("ogc:items", args=["members"]),
        reverse("ogc:item", args=["networks", "nope"]),
    ):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "NotFound"
    # Municipalities have no time: datetime is refused there.
    assert (
        client.get(reverse("ogc:items", args=["municipalities"]), {"datetime": "2020-01-01"}).status_code
        == 400
    )


def test_items_in_few_queries(client, town, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        items(client)
