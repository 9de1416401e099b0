"""areas_networkdisplayshape: the database keeps each network's display shapes current, whoever writes.

The trigger of areas/sql/display_shapes.sql writes one row per display tolerance when a network is inserted
or its boundary changes; these tests change a boundary through each writer (the service, the admin form, a
raw SQL UPDATE) and check the stored shapes follow, and that the rows go with the network.
"""

import re

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.urls import reverse

from areas.models import Network, NetworkDisplayShape
from areas.services import network_save
from maps.selectors import COORDINATE_DECIMALS, DISPLAY_TOLERANCES
from tests.factories import SRID, square
from tests.test_admin import post_data

pytestmark = pytest.mark.django_db


def stored_area(network: Network, tolerance_m: float = 0.5) -> float:
    """The area in m² of the shape stored for `network` at `tolerance_m`."""
    text = NetworkDisplayShape.objects.get(
        network=network, tolerance_m=tolerance_m, decimals=COORDINATE_DECIMALS
    ).geojson
    return GEOSGeometry(text, srid=4326).transform(SRID, clone=True).area


def shape_ids(network: Network) -> set[int]:
    return set(NetworkDisplayShape.objects.filter(network=network).values_list("pk", flat=True))


def test_the_ladder_of_tolerances_is_the_same_in_python_and_in_the_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT bin_display_tolerances()")
        assert tuple(cursor.fetchone()[0]) == DISPLAY_TOLERANCES


def test_a_new_network_gets_a_shape_per_tolerance_in_wgs84_rounded(town):
    rows = NetworkDisplayShape.objects.filter(network=town.alfa)
    assert sorted(r.tolerance_m for r in rows) == list(DISPLAY_TOLERANCES)
    assert {r.decimals for r in rows} == {COORDINATE_DECIMALS}
    assert stored_area(town.alfa) == pytest.approx(1000 * 1000, rel=1e-3)
    shape = GEOSGeometry(rows[0].geojson)
    assert 2 < shape.extent[0] < 7 and 49 < shape.extent[1] < 52  # lon/lat in Belgium
    decimals = {len(n) for n in re.findall(r"\.(\d+)", rows[0].geojson)}
    assert max(decimals) <= COORDINATE_DECIMALS


def test_bulk_create_stores_every_network(town):
    created = Network.objects.bulk_create(
        [
            Network(
                name=f"BIN Bulk {i}",
                slug=f"bin-bulk-{i}",
                municipality=town.muni,
                boundary=square(i * 10, 5000, 5),
            )
            for i in range(3)
        ]
    )
    for network in created:
        assert stored_area(network) == pytest.approx(25, rel=0.05)


def test_the_service_changing_a_boundary_rewrites_the_shapes(town):
    network = town.alfa
    network.boundary = square(-500, -500, 1500)
    network_save(network=network)
    assert stored_area(network) == pytest.approx(1500 * 1500, rel=1e-3)
    assert stored_area(network, 50.0) == pytest.approx(1500 * 1500, rel=1e-2)


def test_the_admin_form_changing_a_boundary_rewrites_the_shapes(admin_client, town):
    url = reverse("admin:areas_network_change", args=[town.alfa.pk])
    response = admin_client.post(url, post_data(town.alfa, boundary=square(-500, -500, 1500).ewkt))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored_area(town.alfa) == pytest.approx(1500 * 1500, rel=1e-3)


def test_a_raw_sql_update_rewrites_the_shapes(town):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE areas_network SET boundary = ST_Multi(ST_Buffer(boundary, 100, 'join=mitre'))"
            " WHERE id = %s",
            [town.alfa.pk],
        )
    assert stored_area(town.alfa) == pytest.approx(1200 * 1200, rel=1e-3)


def test_saving_without_a_boundary_change_keeps_the_rows(town):
    # The admin and the services save every column; only a changed boundary costs a simplification.
    before = shape_ids(town.alfa)
    town.alfa.name = "BIN Alfa Nieuw"
    network_save(network=town.alfa)
    Network.objects.filter(pk=town.alfa.pk).update(published=False)
    assert shape_ids(town.alfa) == before


def test_the_shapes_go_with_the_network_whoever_deletes_it(town):
    ids = [town.dissolved.pk, town.hidden.pk]
    assert NetworkDisplayShape.objects.filter(network_id__in=ids).count() == 2 * len(DISPLAY_TOLERANCES)
    town.dissolved.delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM areas_network WHERE id = %s", [town.hidden.pk])
    assert not NetworkDisplayShape.objects.filter(network_id__in=ids).exists()
