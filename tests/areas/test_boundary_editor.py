"""The admin's boundary editor (areas.boundary_editor), issue 15: a save nobody edited keeps the boundary
byte for byte, an edit moves only what was edited, and the areas around are shown as context."""

import html
import json
import re

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from areas.boundary_editor import BoundaryFormField, editor_json, snapped_back
from areas.models import Network
from tests.factories import SRID, X0, Y0, NetworkFactory, login, square
from tests.test_admin import post_data

pytestmark = pytest.mark.django_db


def stored(network) -> tuple[bytes, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsBinary(boundary), ST_AsText(boundary) FROM areas_network WHERE id = %s", [network.pk]
        )
        wkb, wkt = cursor.fetchone()
    return bytes(wkb), wkt


def st_equals(network, wkb: bytes) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Equals(boundary, ST_GeomFromWKB(%s, %s)) FROM areas_network WHERE id = %s",
            [wkb, SRID, network.pk],
        )
        return cursor.fetchone()[0]


def editor_text(page: str) -> str:
    """What a change page puts in the editor's textarea (the form sends it back unless edited)."""
    found = re.search(r'<textarea name="boundary"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no boundary editor on the page"
    return html.unescape(found.group(1))


def editor_value(client, network) -> str:
    return editor_text(client.get(reverse("admin:areas_network_change", args=[network.pk])).content.decode())


def save(client, network, boundary: str, **extra):
    network.refresh_from_db()
    url = reverse("admin:areas_network_change", args=[network.pk])
    return client.post(url, post_data(network, boundary=boundary, **extra))


@pytest.fixture
def lembeek(town):
    """BIN Lembeek-like: irregular coordinates (a real survey's), and a stored overlap of 0.75 m² with BIN
    Alfa below it, under the 1 m² tolerance: 1000 m of shared side, 0.75 mm deep."""
    ring = [
        (X0 + 0.123456789, Y0 + 1000 - 0.00075),
        (X0 + 1000 - 0.000123, Y0 + 1000 - 0.00075),
        (X0 + 987.654321012, Y0 + 1456.789012345),
        (X0 + 13.579246801, Y0 + 1499.999999),
        (X0 + 0.123456789, Y0 + 1000 - 0.00075),
    ]
    return NetworkFactory(
        name="BIN Lembeek-Centrum",
        slug="bin-lembeek-centrum",
        municipality=town.muni,
        boundary=MultiPolygon(Polygon(ring), srid=SRID),
    )


def test_a_form_saved_unchanged_five_times_keeps_the_boundary_byte_for_byte(town, lembeek):
    client = login(town.superuser)
    before, _ = stored(lembeek)
    for _n in range(5):
        value = editor_value(client, lembeek)
        response = save(client, lembeek, value, description="saved again")
        assert response.status_code == 302, response.content.decode()[:3000]
        after, _ = stored(lembeek)
        assert after == before
        assert st_equals(lembeek, before)


def test_the_editor_speaks_geojson_in_4326_with_every_digit(town, lembeek):
    value = json.loads(editor_value(login(town.superuser), lembeek))
    assert value["type"] == "MultiPolygon"
    lon, lat = value["coordinates"][0][0][0]
    assert 4 < lon < 5 and 50 < lat < 51
    # A double's shortest repr: far more than the 6 decimals (10 cm) of Leaflet's own toGeoJSON.
    assert len(repr(lon).split(".")[1]) >= 12


def test_moving_one_vertex_changes_only_that_vertex(town, lembeek):
    client = login(town.superuser)
    _, before_wkt = stored(lembeek)
    before = GEOSGeometry(before_wkt).coords[0][0]
    value = json.loads(editor_value(client, lembeek))
    ring = value["coordinates"][0][0]
    # Vertex 2 (987.65…, 1456.79…) goes about 3.5 m south-west; the browser sends every vertex back.
    ring[2] = [ring[2][0] - 0.00005, ring[2][1] - 0.00003]
    response = save(client, lembeek, json.dumps(value))
    assert response.status_code == 302, response.content.decode()[:3000]
    after = GEOSGeometry(stored(lembeek)[1]).coords[0][0]
    assert len(after) == len(before)
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        if i == 2:
            assert (
                2
                < GEOSGeometry(f"POINT({old[0]} {old[1]})").distance(
                    GEOSGeometry(f"POINT({new[0]} {new[1]})")
                )
                < 6
            )
        else:
            assert new == old, f"vertex {i} moved: {old} -> {new}"


def test_an_edit_is_checked_like_any_other_boundary(town, lembeek):
    client = login(town.superuser)
    value = json.loads(editor_value(client, lembeek))
    ring = value["coordinates"][0][0]
    # The first vertex (and the ring's closing copy) 30 m south, into BIN Alfa: refused, naming it.
    moved = [ring[0][0], ring[0][1] - 0.0003]
    ring[0], ring[-1] = moved, moved
    response = save(client, lembeek, json.dumps(value))
    assert response.status_code == 200
    assert "BIN Alfa" in response.content.decode()


def test_a_vertex_snapped_to_a_neighbour_lies_exactly_on_its_vertex(town):
    field = BoundaryFormField(srid=SRID, geom_type="MULTIPOLYGON")
    field.original = town.alfa.boundary
    field.snap_to = [town.beta.boundary]
    # A triangle whose last corner the browser snapped onto Beta's corner (2000, 1000): in lon/lat, it
    # comes back up to 0.4 mm off (the CRS round trip), and lies exactly on it once stored.
    beta_corner = json.loads(editor_json(town.beta.boundary))["coordinates"][0][0][2]
    alfa = json.loads(editor_json(town.alfa.boundary))["coordinates"][0][0]
    shape = {"type": "Polygon", "coordinates": [[alfa[0], alfa[1], beta_corner, alfa[3], alfa[0]]]}
    geom = field.clean(json.dumps(shape))
    assert isinstance(geom, MultiPolygon) and geom.srid == SRID
    coords = geom.coords[0][0]
    assert coords[2] == (X0 + 2000, Y0 + 1000)
    assert coords[0] == (X0, Y0) and coords[1] == (X0 + 1000, Y0) and coords[3] == (X0, Y0 + 1000)


def test_snapping_back_leaves_a_moved_vertex_alone():
    original = square(0, 0, 100)
    moved = MultiPolygon(
        Polygon(((X0, Y0), (X0 + 100.02, Y0), (X0 + 100, Y0 + 100), (X0, Y0 + 100), (X0, Y0))), srid=SRID
    )
    result = snapped_back(moved, stored=[original])
    assert result.coords[0][0][1] == (X0 + 100.02, Y0)  # 2 cm: moved on purpose
    nearly = MultiPolygon(
        Polygon(((X0, Y0), (X0 + 100.004, Y0), (X0 + 100, Y0 + 100), (X0, Y0 + 100), (X0, Y0))), srid=SRID
    )
    assert snapped_back(nearly, stored=[original]).coords[0][0][1] == (X0 + 100, Y0)  # 4 mm: the original


def test_typed_wkt_in_the_storage_crs_still_works(town):
    field = BoundaryFormField(srid=SRID, geom_type="MULTIPOLYGON")
    geom = field.clean(square(10, 10, 100).wkt)
    assert geom.srid == SRID and geom.equals_exact(square(10, 10, 100), 1e-9)


def test_the_editor_shows_the_municipality_and_the_neighbours_as_text(town):
    town.gamma.name = 'BIN <img src=x onerror="alert(1)">'
    town.gamma.save()
    # Gamma (Buurdorp) lies 4 km east of Alfa; a network of Buurdorp that touches Alfa is shown.
    touching = NetworkFactory(
        name="BIN <b>Buur</b>", slug="bin-buur", municipality=town.neighbour, boundary=square(0, -500, 500)
    )
    page = login(town.superuser).get(reverse("admin:areas_network_change", args=[town.alfa.pk]))
    text = page.content.decode()
    data = json.loads(html.unescape(re.search(r'id="id_boundary_editor"[^>]*>(.*?)</script>', text, re.S)[1]))
    names = {(layer["role"], layer["name"]) for layer in data["context"]}
    assert ("municipality", str(town.muni)) in names
    assert {("network", "BIN Beta"), ("network", str(town.binz)), ("network", touching.name)} <= names
    assert ("network", "BIN Alfa") not in names  # not itself
    assert all(n != town.gamma.name for _r, n in names)  # another municipality's, not touching
    assert "<b>Buur</b>" not in text  # json_script escapes <, > and &
    assert data["tiles"]["url"] and data["geomType"] == "MULTIPOLYGON"


def test_the_network_page_speaks_the_users_language(town):
    client = login(town.superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = client.get(reverse("admin:areas_network_change", args=[town.alfa.pk])).content.decode()
    assert '<html lang="fr"' in page and "Enregistrer" in page
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("admin:areas_network_change", args=[town.alfa.pk])).content.decode()
    # The section titles are ours, translated like the rest (nl and fr in locale/).
    assert "Life cycle" in page and "Contacts" in page and "Area" in page


def test_a_network_saved_unchanged_keeps_its_network_row(town):
    client = login(town.superuser)
    before, _ = stored(town.alfa)
    response = save(client, town.alfa, editor_value(client, town.alfa), status="suspended")
    assert response.status_code == 302
    town.alfa.refresh_from_db()
    assert town.alfa.status == Network.Status.SUSPENDED
    assert stored(town.alfa)[0] == before


def test_a_self_intersecting_edit_is_refused_saying_where(town):
    field = BoundaryFormField(srid=SRID, geom_type="MULTIPOLYGON")
    field.original = town.alfa.boundary
    ring = json.loads(editor_json(town.alfa.boundary))["coordinates"][0][0]
    # Two corners swapped: a bow tie.
    bow_tie = {"type": "Polygon", "coordinates": [[ring[0], ring[2], ring[1], ring[3], ring[0]]]}
    with pytest.raises(ValidationError, match="Self-intersection"):
        field.clean(json.dumps(bow_tie))
