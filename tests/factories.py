"""The one set of factory_boy factories and geometry helpers of the tests.

Geometry is written in metres relative to (X0, Y0), a point near Lembeek (Halle) in the storage CRS
(Lambert 72): `lambert(300, 500)` is 300 m east and 500 m north of it. The API speaks lon/lat: `lonlat` and
`latlon` give the same place in EPSG:4326, `circle` and `polygon` an alert perimeter there.
"""

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.test import Client
from django.utils import timezone

from access.models import Role
from areas.models import Municipality, Network, PoliceZone
from members.models import Member, Membership
from streets.models import Address, Street

SRID = settings.BIN_STORAGE_SRID
# Near Lembeek (Halle) in Lambert 72 metres; multiples of 250 m, so the density grid's cells are centred
# on multiples of 250 m of the relative coordinates too. With BIN_COUNTRY=NL (RD New, tests/nl/) the same
# town lies near Amersfoort, the origin of the Dutch grid.
X0, Y0 = (155000.0, 463000.0) if SRID == 28992 else (145000.0, 160000.0)


# --- geometry ------------------------------------------------------------------------------------------


def lambert(x: float, y: float) -> Point:
    """The point (X0 + x, Y0 + y) in the storage CRS."""
    return Point(X0 + x, Y0 + y, srid=SRID)


def lonlat(x: float, y: float) -> list[float]:
    """[lon, lat] in EPSG:4326 (GeoJSON order) of the storage point (X0 + x, Y0 + y)."""
    p = lambert(x, y).transform(4326, clone=True)
    return [round(p.x, 8), round(p.y, 8)]


def latlon(x: float, y: float) -> tuple[float, float]:
    """(lat, lon) of the storage point (X0 + x, Y0 + y), in the order the lookup's parameters take."""
    p = lambert(x, y).transform(4326, clone=True)
    return p.y, p.x


def square(x: float, y: float, size: float, srid: int = SRID) -> MultiPolygon:
    """An axis-aligned square with its lower-left corner at (X0 + x, Y0 + y), `size` metres wide."""
    x, y = X0 + x, Y0 + y
    return MultiPolygon(
        Polygon(((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))), srid=srid
    )


def polygon(*xy: tuple[float, float]) -> dict:
    """A GeoJSON Polygon in lon/lat through the storage points (X0 + x, Y0 + y), closed if it is not."""
    ring = [lonlat(x, y) for x, y in xy]
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def lonlat_square(x: float, y: float, size: float) -> dict:
    """square() as a GeoJSON Polygon in lon/lat."""
    return polygon((x, y), (x + size, y), (x + size, y + size), (x, y + size))


def circle(x: float, y: float, radius_m: float) -> dict:
    """An alert perimeter of the API: a circle around the storage point (X0 + x, Y0 + y)."""
    return {"center": lonlat(x, y), "radius_m": radius_m}


# --- areas and streets ---------------------------------------------------------------------------------


class AreaFactory(factory.django.DjangoModelFactory):
    """A police zone or a municipality: 20 km wide around (X0, Y0) unless told otherwise."""

    class Meta:
        abstract = True

    boundary = factory.LazyFunction(lambda: square(-5000, -5000, 20000))


class PoliceZoneFactory(AreaFactory):
    class Meta:
        model = PoliceZone

    code = factory.Sequence(lambda n: f"ipz-test-{n}")
    number = factory.Sequence(lambda n: 9000 + n)
    name = factory.Sequence(lambda n: f"PZ Test {n}")


class MunicipalityFactory(AreaFactory):
    class Meta:
        model = Municipality

    nis_code = factory.Sequence(lambda n: f"{90000 + n}")
    name_nl = factory.Sequence(lambda n: f"Testgemeente {n}")
    name_fr = factory.Sequence(lambda n: f"Commune test {n}")
    police_zone = factory.SubFactory(PoliceZoneFactory)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"BIN Test {n}")
    slug = factory.Sequence(lambda n: f"bin-test-{n}")
    kind = Network.Kind.BIN
    status = Network.Status.ACTIVE
    published = True
    municipality = factory.SubFactory(MunicipalityFactory)
    police_zone = factory.LazyAttribute(lambda o: o.municipality.police_zone)
    boundary = factory.LazyFunction(lambda: square(0, 0, 1000))
    contact_email = "bin@example.be"


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    municipality = factory.SubFactory(MunicipalityFactory)
    name_nl = factory.Sequence(lambda n: f"Teststraat {n}")
    postcode = "1502"
    source_id = factory.Sequence(lambda n: f"test:street:{n}")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    street = factory.SubFactory(StreetFactory)
    house_number = factory.Sequence(lambda n: str(n + 1))
    number = factory.LazyAttribute(
        lambda o: int("".join(c for c in o.house_number if c.isdigit()) or 0) or None
    )
    postcode = factory.LazyAttribute(lambda o: o.street.postcode)
    point = factory.LazyFunction(lambda: lambert(500, 500))
    source_id = factory.Sequence(lambda n: f"test:address:{n}")


def addresses(street: Street, at: dict[str, tuple[float, float]], **kwargs) -> list[Address]:
    """Addresses of `street` from {house number: (x, y)}; the number is the house number's digits."""
    return [
        AddressFactory(street=street, house_number=house_number, point=lambert(x, y), **kwargs)
        for house_number, (x, y) in at.items()
    ]


# --- people ----------------------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the password "pw", hashed before the one save (a session checks the stored hash)."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.be")
    password = factory.django.Password("pw")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = Role.Kind.POLICE
    police_zone = factory.SubFactory(PoliceZoneFactory)
    municipality = None


def police_officer(zone: PoliceZone, **kwargs):
    """A user with a police role in `zone`."""
    return RoleFactory(user=UserFactory(**kwargs), kind=Role.Kind.POLICE, police_zone=zone).user


def municipality_staff(municipality: Municipality, **kwargs):
    """A user who works for `municipality`."""
    return RoleFactory(
        user=UserFactory(**kwargs), kind=Role.Kind.MUNICIPALITY, police_zone=None, municipality=municipality
    ).user


def login(user) -> Client:
    """A test client with `user`'s session, asking for English pages."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


class MemberFactory(factory.django.DjangoModelFactory):
    """A confirmed member who consented, speaks Dutch (the service's default) and lives in BIN Alfa."""

    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"Lid Nummer{n}")
    address_text = factory.Sequence(lambda n: f"Kerkstraat {n + 1}, 9990 Teststad")
    point = factory.LazyFunction(lambda: lambert(500, 500))
    email = factory.Sequence(lambda n: f"lid{n}@example.be")
    mobile = factory.Sequence(lambda n: f"+32470{n % 10**6:06d}")
    language = Member.Language.NL
    email_confirmed_at = factory.LazyFunction(timezone.now)
    consent_at = factory.LazyFunction(timezone.now)
    consent_version = "2026-01"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    network = factory.SubFactory(NetworkFactory)
    status = Membership.Status.APPROVED


def member_at(x: float, y: float, *networks, status=Membership.Status.APPROVED, **kwargs) -> Member:
    """A member at (X0 + x, Y0 + y) with a membership of `status` in each of `networks`."""
    member = MemberFactory(point=lambert(x, y), **kwargs)
    for network in networks:
        MembershipFactory(member=member, network=network, status=status)
    return member


# --- alerts --------------------------------------------------------------------------------------------


def alert_sent(
    user,
    *,
    center: tuple[float, float] = (500, 500),
    radius_m: float = 300,
    category: str = "burglary",
    urgency: str = "urgent",
    message: str = "Inbraak in de Kerkstraat; let op.",
    **kwargs,
):
    """An alert of `user` around the storage point `center`, prepared, stored and sent through the alerts
    services. Its deliveries go out when the transaction commits (inside a test's transaction: never,
    unless the test runs the on-commit callbacks)."""
    from alerts.services import alert_create, alert_prepare, alert_send

    data = alert_prepare(
        user=user,
        category=category,
        urgency=urgency,
        message=message,
        center=lonlat(*center),
        radius_m=radius_m,
        **kwargs,
    )
    return alert_send(alert=alert_create(user=user, data=data), user=user)
