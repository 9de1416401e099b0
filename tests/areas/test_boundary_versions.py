"""Boundary versions (areas.versions): the database keeps every boundary a network had, whoever writes.

The triggers of areas/sql/boundary_versions.sql add a version when a network is inserted or its boundary
changes and close the one before; areas.services.boundary_change says who and why. These tests change
boundaries through the service, an import, the admin and raw SQL.
"""

import json

import pytest
from django.db import connection, transaction
from django.urls import reverse

from areas.importers import import_networks
from areas.models import Network, NetworkBoundaryVersion
from areas.services import boundary_change, network_save
from areas.versions import BoundaryChangeSource
from members.services import network_propose
from tests.factories import X0, Y0, lonlat_square, square
from tests.test_admin import post_data

pytestmark = pytest.mark.django_db


def versions(network: Network) -> list[NetworkBoundaryVersion]:
    return list(NetworkBoundaryVersion.objects.filter(network_id=network.pk).order_by("valid_from", "id"))


def test_a_new_network_has_one_open_version_from_sql_when_nobody_said_who(town):
    (first,) = versions(town.alfa)
    assert first.valid_to is None
    assert first.source == BoundaryChangeSource.SQL and first.changed_by is None and first.reason == ""
    assert first.boundary.equals(town.alfa.boundary)


def test_a_service_change_closes_the_old_version_and_records_who_and_why(town):
    with boundary_change(
        user=town.municipality, reason="Veldweg joins Alfa", source=BoundaryChangeSource.API
    ):
        town.alfa.boundary = square(-500, -500, 1500)
        network_save(network=town.alfa)
    old, new = versions(town.alfa)
    assert old.valid_to == new.valid_from and new.valid_to is None
    assert old.boundary.area == pytest.approx(1000 * 1000)
    assert new.boundary.area == pytest.approx(1500 * 1500)
    assert (new.changed_by, new.reason, new.source) == (town.municipality, "Veldweg joins Alfa", "api")


def test_saving_other_fields_adds_no_version(town):
    before = versions(town.alfa)
    with boundary_change(user=town.superuser, reason="rename", source=BoundaryChangeSource.ADMIN):
        town.alfa.name = "BIN Alfa Nieuw"
        network_save(network=town.alfa)
    Network.objects.filter(pk=town.alfa.pk).update(published=False, boundary=town.alfa.boundary)
    assert versions(town.alfa) == before


def test_a_raw_sql_update_is_versioned_with_source_sql(town):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE areas_network SET boundary = ST_Multi(ST_Buffer(boundary, 100, 'join=mitre'))"
            " WHERE id IN (%s, %s)",
            [town.alfa.pk, town.gamma.pk],
        )
    for network in (town.alfa, town.gamma):
        old, new = versions(network)
        assert new.source == "sql" and new.changed_by_id is None and new.reason == ""
        assert new.boundary.area == pytest.approx(old.boundary.area + 4 * 100 * 1000 + 4 * 100 * 100)


def test_the_settings_end_with_the_block_and_nested_blocks_restore_the_outer_ones(town):
    with boundary_change(user=town.superuser, reason="outer", source=BoundaryChangeSource.ADMIN):
        with boundary_change(reason="inner", source=BoundaryChangeSource.IMPORT):
            Network.objects.filter(pk=town.alfa.pk).update(boundary=square(0, 0, 900))
        Network.objects.filter(pk=town.beta.pk).update(boundary=square(1000, 0, 900))
    Network.objects.filter(pk=town.gamma.pk).update(boundary=square(5000, 0, 900))
    inner, outer, after = versions(town.alfa)[-1], versions(town.beta)[-1], versions(town.gamma)[-1]
    assert (inner.changed_by, inner.reason, inner.source) == (town.superuser, "inner", "import")
    assert (outer.changed_by, outer.reason, outer.source) == (town.superuser, "outer", "admin")
    assert (after.changed_by, after.reason, after.source) == (None, "", "sql")


def test_a_rolled_back_change_leaves_no_version(town):
    with pytest.raises(RuntimeError), boundary_change(reason="oops", source=BoundaryChangeSource.API):
        Network.objects.filter(pk=town.alfa.pk).update(boundary=square(0, 0, 900))
        raise RuntimeError
    assert len(versions(town.alfa)) == 1


def test_two_changes_in_one_transaction_keep_their_order(town):
    with transaction.atomic():
        Network.objects.filter(pk=town.alfa.pk).update(boundary=square(0, 0, 900))
        Network.objects.filter(pk=town.alfa.pk).update(boundary=square(0, 0, 800))
    areas = [round(v.boundary.area) for v in versions(town.alfa)]
    assert areas == [1000 * 1000, 900 * 900, 800 * 800]
    first, second, third = versions(town.alfa)
    assert first.valid_to == second.valid_from < second.valid_to == third.valid_from


def test_a_deleted_network_keeps_its_history_closed(town):
    pk = town.dissolved.pk
    town.dissolved.delete()
    (version,) = NetworkBoundaryVersion.objects.filter(network_id=pk)
    assert version.valid_to is not None


def test_the_admin_records_the_user_and_the_reason_given(admin_client, town):
    url = reverse("admin:areas_network_change", args=[town.alfa.pk])
    data = post_data(town.alfa, boundary=square(-500, -500, 1500).ewkt, change_reason="Council decision 12")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = versions(town.alfa)[-1]
    assert new.source == "admin" and new.reason == "Council decision 12"
    assert new.changed_by.username == "admin"


def test_an_import_records_the_file_name(town, tmp_path):
    ring = [[X0 - 500, Y0 - 500], [X0 + 1000, Y0 - 500], [X0 + 1000, Y0 + 1000], [X0 - 500, Y0 + 1000]]
    feature = {
        "type": "Feature",
        "properties": {"name": "BIN Alfa"},
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }
    path = tmp_path / "wijken-2026.geojson"
    collection = {"type": "FeatureCollection", "features": [feature]}
    collection["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}}
    path.write_text(json.dumps(collection))
    report = import_networks(path=path, defaults={"municipality": "99001"})
    assert report.updated == 1, report
    new = versions(town.alfa)[-1]
    assert (new.source, new.reason) == ("import", "import wijken-2026.geojson")


def test_an_online_proposal_records_its_source(town):
    proposal = network_propose(
        name="BIN Veld",
        initiator_type="resident",
        initiators=[{"name": "Vera", "email": "vera@example.be"}],
        area_geojson=lonlat_square(0, 2500, 300),
        notify=False,
    )
    (first,) = versions(proposal.network)
    assert (first.source, first.reason, first.changed_by) == ("proposal", "online proposal", None)
