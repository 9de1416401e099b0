"""Which networks cover a point: the border rule, visibility, several points at once, and what comes back."""

import pytest
from django.contrib.gis.geos import Point

from areas.api.serializers import NetworkBrief, network_brief
from areas.selectors import networks_covering_points
from core.geometry import to_storage, to_wgs84, transformed
from tests.factories import UserFactory
from tests.factories import lambert as at

pytestmark = pytest.mark.django_db


def ids(covering):
    return [c.network.pk for c in covering]


def test_several_points_in_one_query(town, django_assert_num_queries):
    # In Alfa, in Beta, on their border under the BIN-Z, beside it in Alfa and the BIN-Z, in no BIN.
    points = [at(500, 500), at(1500, 500), at(1000, 500), at(950, 500), at(5000, 5000)]
    with django_assert_num_queries(1):
        answers = networks_covering_points(points=points)
    a, b, z = town.alfa.pk, town.beta.pk, town.binz.pk
    assert [ids(c) for c in answers] == [[a], [b], [a, z], [a, z], []]
    border = answers[2][0]
    assert border.on_border and border.border_with == (town.beta,)
    assert not answers[3][0].on_border and answers[3][1].on_border is False


def test_hidden_and_dissolved_networks_only_for_staff(town):
    points = [at(2000, 2500), at(2750, 2250)]  # in BIN Verborgen, in BIN Opgeheven
    assert networks_covering_points(points=points) == [[], []]
    staff = UserFactory(is_staff=True)
    answers = networks_covering_points(points=points, user=staff)
    assert [ids(c) for c in answers] == [[town.hidden.pk], [town.dissolved.pk]]


def test_answers_carry_municipality_and_zone_and_load_the_boundary_on_demand(town, django_assert_num_queries):
    (covering,) = networks_covering_points(points=[at(500, 500)])
    network = covering[0].network
    with django_assert_num_queries(0):
        assert network.municipality.nis_code == town.alfa.municipality.nis_code
        assert network.police_zone.number == town.alfa.police_zone.number
        assert network_brief(network) == NetworkBrief(town.alfa).data
    with django_assert_num_queries(1):
        assert network.boundary.equals(town.alfa.boundary)


def test_points_must_be_in_the_storage_crs(town):
    with pytest.raises(ValueError, match="EPSG:31370"):
        networks_covering_points(points=[to_wgs84(at(500, 500))])


def test_cached_transformations_agree_with_gdal():
    p = at(123.4, 567.8)
    there = to_wgs84(p)
    assert there.srid == 4326
    assert there.equals_exact(p.transform(4326, clone=True), tolerance=1e-9)
    back = to_storage(there)
    # A round trip through the datum shift: under a millimetre.
    assert back.srid == 31370 and back.distance(p) < 1e-3
    assert transformed(p, 31370) is not p and transformed(p, 31370).equals(p)
    with pytest.raises(ValueError):
        transformed(Point(1, 2), 4326)


def test_nearest_bins_of_several_points_in_one_query(town, django_assert_num_queries):
    from areas.selectors import networks_near_points

    points = [at(500, 1300), at(2500, 500), at(500, 500), at(30000, 30000)]
    with django_assert_num_queries(1):
        answers = networks_near_points(points=points, within_m=10_000, limit=2)
    a, b = town.alfa, town.beta
    # 300 m north of A (B's corner 583 m off); 500 m east of B; inside A; nothing within 10 km.
    assert [[n.pk for n in near] for near in answers] == [[a.pk, b.pk], [b.pk, a.pk], [a.pk, b.pk], []]
    assert round(answers[0][0].distance.m) == 300 and round(answers[1][0].distance.m) == 500
    assert answers[2][0].distance.m == 0
    # Only residential BINs are offered (not the BIN-Z), and never an unpublished or dissolved one.
    assert town.binz.pk not in {n.pk for near in answers for n in near}
    # Inside BIN Verborgen, 500 m from BIN Opgeheven: the public BINs within 10 km are offered (BIN Elders
    # lies 10.1 km off), not those two.
    (near,) = networks_near_points(points=[at(2000, 2500)], limit=5)
    assert {n.pk for n in near} == {a.pk, b.pk, town.gamma.pk}
