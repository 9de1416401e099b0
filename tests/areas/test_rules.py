"""The named rules about networks (areas/rules.py): each rule's ORM form and SQL form select the same
networks, over every kind, status and publication state, and over the two ways a network has a zone."""

import itertools

import pytest
from django.db import connection

from access.permissions import Scope, scope_reaches
from areas.models import Network
from areas.rules import border_rule, exclusive_sql, existing_sql, in_police_zone_sql, live_sql, public_sql
from tests.factories import NetworkFactory, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_network(town):
    """The town, and a network of each kind x status x published added to it, in its two zones and two
    municipalities; some without a zone of their own. Returns PZ Testzone."""
    zone, other = town.zone, town.other_zone
    combinations = itertools.product(Network.Kind.values, Network.Status.values, (True, False))
    for i, (kind, status, published) in enumerate(combinations):
        NetworkFactory(
            kind=kind,
            status=status,
            published=published,
            municipality=town.muni if i % 3 else town.other_muni,
            # Every fifth has no zone of its own: it belongs to its municipality's.
            police_zone=None if i % 5 == 0 else (zone if i % 2 else other),
            # Tiny squares south of BIN Alfa (the rules compare no geometry).
            boundary=square(i * 10, -600, 5),
        )
    return zone


def sql_ids(condition: str, params=None) -> set[int]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT n.id FROM areas_network n WHERE {condition}", params or {})
        return {row[0] for row in cur.fetchall()}


def orm_ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("rule", "sql"),
    [
        ("existing", existing_sql("n")),
        ("public", public_sql("n")),
        ("live", live_sql("n")),
        ("exclusive", exclusive_sql("n")),
    ],
)
def test_orm_and_sql_forms_select_the_same_networks(every_network, rule, sql):
    ours = orm_ids(getattr(Network.objects, rule)())
    assert ours == sql_ids(sql)
    assert 0 < len(ours) < Network.objects.count()


def test_in_police_zone_orm_and_sql_agree(every_network):
    ours = orm_ids(Network.objects.in_police_zones([every_network.pk]))
    assert ours == sql_ids(in_police_zone_sql("n", zone="%(zone)s"), {"zone": every_network.pk})
    for network in Network.objects.filter(pk__in=ours).select_related("municipality"):
        assert network.effective_zone_id == every_network.pk
    assert {n.effective_zone_id for n in Network.objects.exclude(pk__in=ours)} != {every_network.pk}


def test_live_for_one_network_is_the_rule_for_many(every_network):
    live = orm_ids(Network.objects.live())
    assert {n.pk for n in Network.objects.all() if n.is_live} == live


def test_a_scope_reaches_its_networks_zones_and_municipalities(every_network):
    assert orm_ids(Network.objects.in_scope(Scope(everything=True))) == orm_ids(Network.objects.all())
    assert orm_ids(Network.objects.in_scope(Scope())) == set()
    by_zone = orm_ids(Network.objects.in_scope(Scope(police_zones=frozenset({every_network.pk}))))
    assert by_zone == orm_ids(Network.objects.in_police_zones([every_network.pk]))
    one = Network.objects.first()
    assert orm_ids(Network.objects.in_scope(Scope(networks=frozenset({one.pk})))) == {one.pk}


class Hit:
    def __init__(self, name, kind):
        self.name, self.kind = name, kind

    def __repr__(self):
        return self.name


def test_border_rule():
    a, b = Hit("a", Network.Kind.BIN), Hit("b", Network.Kind.BIN)
    z = Hit("z", Network.Kind.BIN_Z)
    # Inside a residential BIN: that one alone, then the BIN-Z.
    assert border_rule([(a, False), (b, True), (z, True)]) == [(b, False, ()), (z, False, ())]
    # On the border of two: the oldest (first by id) owns it and names the other.
    assert border_rule([(a, False), (b, False)]) == [(a, True, (b,))]
    # A BIN-Z on its own edge is on the border of nothing but itself.
    assert border_rule([(z, False)]) == [(z, True, ())]
    assert border_rule([]) == []


def test_a_scope_reaches_the_same_networks_one_by_one(every_network):
    one = Network.objects.first()
    scopes = [
        Scope(everything=True),
        Scope(),
        Scope(police_zones=frozenset({every_network.pk})),
        Scope(networks=frozenset({one.pk}), municipalities=frozenset({one.municipality_id})),
    ]
    for scope in scopes:
        one_by_one = {n.pk for n in Network.objects.select_related("municipality") if scope_reaches(scope, n)}
        assert one_by_one == orm_ids(Network.objects.in_scope(scope)), scope
