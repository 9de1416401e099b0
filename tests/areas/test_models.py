"""Networks: validity, the no-overlap rule for residential BINs, touching edges, BIN-Z overlaps."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.exceptions import ValidationError

from areas.models import Network
from areas.services import network_save
from core.geometry import to_storage_multipolygon
from tests.factories import X0, Y0, square

pytestmark = pytest.mark.django_db


def test_overlapping_residential_bin_is_refused_with_name_and_area(town):
    # 200 m x 1000 m of BIN Alfa's west side = 200,000 m²
    new = Network(
        name="BIN Nieuw", kind=Network.Kind.BIN, municipality=town.muni, boundary=square(-800, 0, 1000)
    )
    with pytest.raises(ValidationError) as exc:
        network_save(network=new)
    message = " ".join(exc.value.message_dict["boundary"])
    assert "BIN Alfa" in message
    assert "200000 m²" in message
    assert not Network.objects.filter(name="BIN Nieuw").exists()


# What a new network of the town may do (beside BIN Alfa [0, 1000]², unless said otherwise).
ACCEPTED = {
    "touching a residential BIN": {"boundary": square(-500, 0, 500)},
    "a BIN-Z over a residential BIN": {"kind": Network.Kind.BIN_Z, "boundary": square(200, 200, 300)},
    "over a BIN of another municipality": {"municipality": "neighbour", "boundary": square(500, 500, 1000)},
    # 0.0005 m x 1000 m = 0.5 m²: the residue of rounded coordinates, not a real overlap.
    "a sliver below the tolerance": {"boundary": square(-999.9995, 0, 1000)},
    "where a dissolved BIN was (BIN Opgeheven)": {"boundary": square(2500, 2000, 500)},
}


@pytest.mark.parametrize("case", ACCEPTED)
def test_network_save_accepts(town, case):
    fields = {"kind": Network.Kind.BIN, "municipality": "muni", **ACCEPTED[case]}
    fields["municipality"] = getattr(town, fields["municipality"])
    new = Network(name="BIN Nieuw", **fields)
    network_save(network=new)
    assert new.pk and new.slug == "bin-nieuw"


def test_editing_a_network_does_not_compare_it_with_itself(town):
    town.alfa.boundary = square(-100, -100, 1100)  # grown west and south: still only touching Beta
    network_save(network=town.alfa)


def bow_tie(srid=31370):
    x, y = X0, Y0
    return MultiPolygon(Polygon(((x, y), (x + 100, y + 100), (x + 100, y), (x, y + 100), (x, y))), srid=srid)


def test_invalid_polygon_is_refused_saying_where():
    with pytest.raises(ValidationError) as exc:
        to_storage_multipolygon(bow_tie())
    message = exc.value.messages[0]
    assert "Self-intersection" in message
    assert f"{X0 + 50:.0f}" in message.replace(".", "").replace(" ", "") or "145050" in message


def test_invalid_polygon_is_refused_by_full_clean(town):
    net = Network(name="BIN Vlinder", municipality=town.muni, boundary=bow_tie())
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
