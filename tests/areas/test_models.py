"""Networks: validity, the no-overlap rule for residential BINs, touching edges, BIN-Z overlaps."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.exceptions import ValidationError

from areas.models import Network
from areas.services import network_save
from core.geometry import to_storage_multipolygon
from tests.factories import X0, Y0, MunicipalityFactory, NetworkFactory, square

pytestmark = pytest.mark.django_db


def test_overlapping_residential_bin_is_refused_with_name_and_area():
    existing = NetworkFactory(name="BIN Lembeek-Centrum", boundary=square(0, 0, 1000))
    # 200 m x 1000 m of overlap = 200,000 m²
    new = Network(
        name="BIN Nieuw",
        kind=Network.Kind.BIN,
        municipality=existing.municipality,
        boundary=square(800, 0, 1000),
    )
    with pytest.raises(ValidationError) as exc:
        network_save(network=new)
    message = " ".join(exc.value.message_dict["boundary"])
    assert "BIN Lembeek-Centrum" in message
    assert "200000 m²" in message
    assert not Network.objects.filter(name="BIN Nieuw").exists()


def test_touching_residential_bins_are_fine():
    existing = NetworkFactory(boundary=square(0, 0, 1000))
    new = Network(
        name="BIN Buur",
        kind=Network.Kind.BIN,
        municipality=existing.municipality,
        boundary=square(1000, 0, 500),
    )
    network_save(network=new)
    assert new.pk and new.slug == "bin-buur"


def test_bin_z_may_overlap_a_residential_bin():
    existing = NetworkFactory(boundary=square(0, 0, 1000))
    shops = Network(
        name="BIN-Z Markt",
        kind=Network.Kind.BIN_Z,
        municipality=existing.municipality,
        boundary=square(200, 200, 300),
    )
    network_save(network=shops)
    assert shops.pk


def test_residential_bins_of_different_municipalities_are_not_compared():
    NetworkFactory(boundary=square(0, 0, 1000))
    other = MunicipalityFactory()
    new = Network(
        name="BIN Elders", kind=Network.Kind.BIN, municipality=other, boundary=square(500, 500, 1000)
    )
    network_save(network=new)
    assert new.pk


def test_a_sliver_below_the_tolerance_is_not_an_overlap():
    existing = NetworkFactory(boundary=square(0, 0, 1000))
    # 0.0005 m x 1000 m = 0.5 m²: the residue of rounded coordinates, not a real overlap.
    new = Network(
        name="BIN Sliver",
        kind=Network.Kind.BIN,
        municipality=existing.municipality,
        boundary=square(999.9995, 0, 1000),
    )
    network_save(network=new)
    assert new.pk


def test_editing_a_network_does_not_compare_it_with_itself():
    net = NetworkFactory(boundary=square(0, 0, 1000))
    net.boundary = square(0, 0, 1100)
    network_save(network=net)


def test_dissolved_bins_do_not_block_a_new_one():
    old = NetworkFactory(boundary=square(0, 0, 1000), status=Network.Status.DISSOLVED)
    new = Network(
        name="BIN Opvolger", kind=Network.Kind.BIN, municipality=old.municipality, boundary=square(0, 0, 1000)
    )
    network_save(network=new)
    assert new.pk


def bow_tie(srid=31370):
    x, y = X0, Y0
    return MultiPolygon(Polygon(((x, y), (x + 100, y + 100), (x + 100, y), (x, y + 100), (x, y))), srid=srid)


def test_invalid_polygon_is_refused_saying_where():
    with pytest.raises(ValidationError) as exc:
        to_storage_multipolygon(bow_tie())
    message = exc.value.messages[0]
    assert "Self-intersection" in message
    assert f"{X0 + 50:.0f}" in message.replace(".", "").replace(" ", "") or "145050" in message


def test_invalid_polygon_is_refused_by_full_clean():
    municipality = MunicipalityFactory()
    net = Network(name="BIN Vlinder", municipality=municipality, boundary=bow_tie())
    with pytest.raises(ValidationError) as exc:
        network_save(network=net)
    assert "Self-intersection" in str(exc.value)
    assert not Network.objects.filter(name="BIN Vlinder").exists()


def test_wgs84_polygon_is_stored_in_lambert_72():
    poly = Polygon(((4.22, 50.71), (4.23, 50.71), (4.23, 50.72), (4.22, 50.71)), srid=4326)
    stored = to_storage_multipolygon(poly)
    assert stored.srid == 31370
    assert 135000 < stored.centroid.x < 145000  # Lembeek: x ≈ 140 km
    assert 155000 < stored.centroid.y < 165000


@pytest.mark.parametrize(
    "geom, message",
    [
        (None, "empty"),
        (MultiPolygon(srid=31370), "empty"),
        (Polygon(((0, 0), (1, 0), (1, 1), (0, 0))).centroid, "Expected a polygon"),
    ],
)
def test_geometry_edge_cases(geom, message):
    if geom is not None and not geom.srid:
        geom.srid = 31370
    with pytest.raises(ValidationError, match=message):
        to_storage_multipolygon(geom)
