"""A small town on real PostGIS: two police zones side by side, BINs in each, members, officers."""

import pytest
from rest_framework.test import APIClient

from alerts.backends import sms as sms_backends
from areas.models import Network
from tests.factories import MunicipalityFactory, NetworkFactory, PoliceZoneFactory, square

from .factories import lonlat, police_officer


@pytest.fixture(autouse=True)
def _sms_outbox():
    sms_backends.outbox.clear()
    yield
    sms_backends.outbox.clear()


@pytest.fixture
def town(db):
    """Zone A covers x in [-5000, 15000), zone B x in [15000, 35000) (relative to X0, metres).

    In zone A: BIN a1 = [0, 1000]², BIN a2 = [1000, 2000] x [0, 1000] (touching a1), BIN-Z az over the
    a1|a2 border; in zone B: BIN b1 = [16000, 17000] x [0, 1000].
    """
    zone_a = PoliceZoneFactory(name="PZ Alfa", number=9101, boundary=square(-5000, -5000, 20000))
    zone_b = PoliceZoneFactory(name="PZ Beta", number=9102, boundary=square(15000, -5000, 20000))
    muni_a = MunicipalityFactory(police_zone=zone_a, boundary=square(-5000, -5000, 20000))
    muni_b = MunicipalityFactory(police_zone=zone_b, boundary=square(15000, -5000, 20000))
    a1 = NetworkFactory(name="BIN A1", slug="bin-a1", municipality=muni_a, boundary=square(0, 0, 1000))
    a2 = NetworkFactory(name="BIN A2", slug="bin-a2", municipality=muni_a, boundary=square(1000, 0, 1000))
    az = NetworkFactory(
        name="BIN-Z A",
        slug="bin-z-a",
        kind=Network.Kind.BIN_Z,
        municipality=muni_a,
        boundary=square(800, 200, 400),
    )
    b1 = NetworkFactory(name="BIN B1", slug="bin-b1", municipality=muni_b, boundary=square(16000, 0, 1000))
    officer_a = police_officer(zone_a, username="agent_a")
    officer_b = police_officer(zone_b, username="agent_b")
    return type(
        "Town",
        (),
        {
            "zone_a": zone_a,
            "zone_b": zone_b,
            "a1": a1,
            "a2": a2,
            "az": az,
            "b1": b1,
            "officer_a": officer_a,
            "officer_b": officer_b,
        },
    )


def circle(x, y, radius_m):
    return {"center": lonlat(x, y), "radius_m": radius_m}


def polygon(*xy):
    ring = [lonlat(x, y) for x, y in xy]
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def api():
    # The messages are asserted in English; without this header the site speaks Dutch (LANGUAGE_CODE).
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def alert_body(perimeter, **kwargs):
    return {
        "perimeter": perimeter,
        "category": "burglary",
        "urgency": "urgent",
        "message": "Verdachte personen bij de Kerkstraat, let op.",
        **kwargs,
    }
