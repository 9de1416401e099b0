"""factory_boy factories shared by the app tests: tiny geometries in the storage CRS (Lambert 72)."""

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from areas.models import Municipality, Network, PoliceZone
from streets.models import Address, Street

SRID = settings.BIN_STORAGE_SRID
# Near Lembeek (Halle) in Lambert 72 metres.
X0, Y0 = 145000.0, 160000.0


def square(x: float, y: float, size: float, srid: int = SRID) -> MultiPolygon:
    """An axis-aligned square with its lower-left corner at (X0 + x, Y0 + y), `size` metres wide."""
    x, y = X0 + x, Y0 + y
    return MultiPolygon(
        Polygon(((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))), srid=srid
    )


class PoliceZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoliceZone

    code = factory.Sequence(lambda n: f"ipz-test-{n}")
    number = factory.Sequence(lambda n: 9000 + n)
    name = factory.Sequence(lambda n: f"PZ Test {n}")
    boundary = factory.LazyFunction(lambda: square(-5000, -5000, 20000))


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    nis_code = factory.Sequence(lambda n: f"{90000 + n}")
    name_nl = factory.Sequence(lambda n: f"Testgemeente {n}")
    name_fr = factory.Sequence(lambda n: f"Commune test {n}")
    police_zone = factory.SubFactory(PoliceZoneFactory)
    boundary = factory.LazyFunction(lambda: square(-5000, -5000, 20000))


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
    postcode = "1502"
    point = factory.LazyFunction(lambda: Point(X0 + 500, Y0 + 500, srid=SRID))
    source_id = factory.Sequence(lambda n: f"test:address:{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.be")
    password = factory.PostGenerationMethodCall("set_password", "pw")
