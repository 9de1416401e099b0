"""Factories for the alert tests: members with memberships, police officers; geometry in Lambert 72 metres."""

import factory
from django.contrib.gis.geos import Point
from django.utils import timezone

from access.models import Role
from members.models import Member, Membership
from tests.factories import SRID, X0, Y0, UserFactory


def lambert(x: float, y: float) -> Point:
    """A point at (X0 + x, Y0 + y) in the storage CRS."""
    return Point(X0 + x, Y0 + y, srid=SRID)


def lonlat(x: float, y: float) -> list[float]:
    """[lon, lat] in EPSG:4326 of the storage point (X0 + x, Y0 + y)."""
    p = lambert(x, y).transform(4326, clone=True)
    return [round(p.x, 8), round(p.y, 8)]


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"Lid {n}")
    address_text = factory.Sequence(lambda n: f"Teststraat {n}, 1502 Lembeek")
    point = factory.LazyFunction(lambda: lambert(500, 500))
    mobile = factory.Sequence(lambda n: f"+3247{n:07d}")
    email = factory.Sequence(lambda n: f"lid{n}@example.be")
    language = "nl"
    consent_at = factory.LazyFunction(timezone.now)
    consent_version = "2024-1"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    status = Membership.Status.APPROVED


def member_at(x: float, y: float, *networks, status=Membership.Status.APPROVED, **kwargs) -> Member:
    """A member at (X0 + x, Y0 + y) with a membership of `status` in each of `networks`."""
    member = MemberFactory(point=lambert(x, y), **kwargs)
    for network in networks:
        MembershipFactory(member=member, network=network, status=status)
    return member


def user(**kwargs):
    """A saved user: the shared UserFactory sets the password after saving and does not save again, so
    a session made with force_login would not match the stored password hash."""
    u = UserFactory(**kwargs)
    u.save()
    return u


def police_officer(zone, **kwargs):
    user_ = user(**kwargs)
    Role.objects.create(user=user_, kind=Role.Kind.POLICE, police_zone=zone)
    return user_
