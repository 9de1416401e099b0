"""Factories for members, memberships and roles (the areas and streets ones live in tests/factories.py)."""

import factory
from django.contrib.gis.geos import Point
from django.utils import timezone

from access.models import Role
from members.models import Member, Membership
from tests.factories import SRID, X0, Y0, NetworkFactory, PoliceZoneFactory, UserFactory


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"Lid Nummer{n}")
    address_text = factory.Sequence(lambda n: f"Kerkstraat {n + 1}, 9990 Teststad")
    point = factory.LazyFunction(lambda: Point(X0 + 300, Y0 + 500, srid=SRID))
    email = factory.Sequence(lambda n: f"lid{n}@example.be")
    mobile = factory.Sequence(lambda n: f"+32470{200000 + n:06d}")
    language = Member.Language.EN
    email_confirmed_at = factory.LazyFunction(timezone.now)
    consent_at = factory.LazyFunction(timezone.now)
    consent_version = "2026-01"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    network = factory.SubFactory(NetworkFactory)
    status = Membership.Status.APPROVED


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = Role.Kind.POLICE
    police_zone = factory.SubFactory(PoliceZoneFactory)
    municipality = None
