"""A Dutch village for the BIN_COUNTRY=NL pass (tests/country.py): addresses as the BAG writes them
(core/country.py), in RD New metres relative to (X0, Y0) near Amersfoort (tests/factories.py).

    Ons Dorp (GM9901, postcode 1234AB) [-1000, 4000]², police zone "Basisteam Dorp"
      Buurtpreventie Dorp [0, 1000]²: Dorpsstraat 10, 12, 12-II, 12a, 14 at x = 200, 400, 410, 450, 600
        (y = 500)
      Stationsweg 1-5 (postcode 1234AC) at x = 3000, y = 100 n: in no network
    Ander Dorp (GM9902, postcode 5678CD) [11000, 16000] x [-1000, 4000]: Dorpsstraat 12 at (12000, 500)
"""

from dataclasses import dataclass

import pytest

from areas.models import Municipality, Network
from streets.models import Street
from tests.factories import (
    MunicipalityFactory,
    NetworkFactory,
    PoliceZoneFactory,
    StreetFactory,
    addresses,
    square,
)


@dataclass
class Village:
    """What the `village` fixture made (the module docstring says where)."""

    muni: Municipality
    other_muni: Municipality
    network: Network
    dorpsstraat: Street
    stationsweg: Street
    other_dorpsstraat: Street


@pytest.fixture
def village(db) -> Village:
    """The village of the module docstring, on real PostGIS in RD New."""
    zone = PoliceZoneFactory(number=9901, name="Basisteam Dorp", boundary=square(-2000, -2000, 20000))
    muni = MunicipalityFactory(
        nis_code="GM9901", name_nl="Ons Dorp", police_zone=zone, boundary=square(-1000, -1000, 5000)
    )
    other = MunicipalityFactory(
        nis_code="GM9902", name_nl="Ander Dorp", police_zone=zone, boundary=square(11000, -1000, 5000)
    )
    network = NetworkFactory(
        name="Buurtpreventie Dorp", slug="buurtpreventie-dorp", municipality=muni, boundary=square(0, 0, 1000)
    )
    dorpsstraat = StreetFactory(municipality=muni, name_nl="Dorpsstraat", postcode="1234AB")
    addresses(dorpsstraat, {"10": (200, 500), "12": (400, 500), "12a": (450, 500), "14": (600, 500)})
    addresses(dorpsstraat, {"12": (410, 500)}, box_number="II")  # the BAG's huisnummertoevoeging
    stationsweg = StreetFactory(municipality=muni, name_nl="Stationsweg", postcode="1234AC")
    addresses(stationsweg, {str(n): (3000, 100 * n) for n in range(1, 6)})
    other_dorpsstraat = StreetFactory(municipality=other, name_nl="Dorpsstraat", postcode="5678CD")
    addresses(other_dorpsstraat, {"12": (12000, 500)})
    return Village(muni, other, network, dorpsstraat, stationsweg, other_dorpsstraat)
