"""The one town every app's tests use: the `town` fixture (tests/conftest.py registers it).

Metres east (x) and north (y) of (X0, Y0) in Lambert 72 (tests/factories.py); [x1, x2] x [y1, y2] is a
rectangle, [a, b]² a square. The two police zones touch at x = 10000:

    PZ Testzone (5999) [-2000, 10000]²                  | PZ Elders (5998) [10000, 22000] x [-2000, 10000]
      Teststad (99001, Ville-Test, postcode 9990)       |   Anderdorp (99002, Autrevillage, postcode 9991)
        [-1000, 4000]²: the centre below                |     [11000, 16000] x [-1000, 4000]
      Buurdorp (99003) [4000, 9000] x [-1000, 4000]     |     BIN Elders [12000, 13000] x [0, 1000], with
        BIN Gamma [5000, 6000] x [0, 1000]              |     Anderdorp's Kerkstraat 5 at (12500, 500)

Teststad's centre (not to scale; "." an address, "_" a missing number, M the Marktplein):

    3000  . . . Veldweg 1 3 5 (x = 100 n)      +--- BIN Verborgen ---+
                                              |    (unpublished)    +-- BIN Opgeheven --+
    2000                                 1500 +---------------------+ 2500 (dissolved) -+ 3000
    1000  +--------------- BIN Alfa ---------------+--------------- BIN Beta ----------------+
     620  |                         790 +----------+----------+ 1210                         |
     520  |  1 . 3 . 5 ... 13 (odd)     | 15  17  19  21  23  | 25 ... 35 (odd)              |
     480  |  2 4 6 _ _ 12 12A 14        | 16  18      20  22  | 24 ... 36 (even)             |
     300  |  Kerkstraat                 | M 1 2 3     BIN-Z   |                              |
     200  |                             +----------+----------+                              |
     100  |                                        |  Molenstraat 1 ... 9                    |
       0  +----------------------------------------+-----------------------------------------+
          0                                       1000                                    2000

Networks, oldest first (the lowest id owns a shared border): BIN Alfa [0, 1000]² (active) and BIN Beta
[1000, 2000] x [0, 1000] (recognised) touch at x = 1000; BIN-Z Markt [790, 1210] x [200, 620] lies over
that border; BIN Verborgen [1500, 2500] x [2000, 3000] is not published; BIN Opgeheven [2500, 3000] x
[2000, 2500] is dissolved; BIN Gamma is Buurdorp's, BIN Elders Anderdorp's. Alfa, Beta and the BIN-Z have
the contact addresses alfa@, beta@ and markt@bin.example.be; the others bin@example.be.

Streets of Teststad (postcode 9990), each address a point:
- Kerkstraat / Rue de l'Église, through Alfa, the BIN-Z and Beta: 1-36, number n at x = 50 + 50 n, odd on
  the north side (y = 520), even on the south side (y = 480). 19 stands exactly on the Alfa|Beta border;
  8 and 10 are missing (interpolation: 8 lies between 6 at x = 350 and 12 at x = 650); 12A stands at
  x = 655, 14 has boxes 1 and 2 (x = 750). 15-23 and 16-22 lie in the BIN-Z too.
- Molenstraat, in Beta only: 1-9 at x = 1100 + 50 n, y = 100.
- Marktplein, in Alfa and the BIN-Z: 1-3 at x = 820 + 40 n, y = 300.
- Veldweg, in no BIN: odd numbers only, 1, 3 and 5 at x = 100 n, y = 3000 (2000 m north of Alfa, 1000 m
  west of BIN Verborgen).

People (attribute: username; password "pw", e-mail <username>@example.be): coord_a, coord_b, coord_z
("coord-a", ...) coordinate Alfa, Beta and the BIN-Z; police ("police") and police_other ("police-other")
are officers of PZ Testzone and PZ Elders; municipality ("gemeente-teststad") and municipality_other
("gemeente-anderdorp") work for Teststad and Anderdorp; superuser ("root") is an administrator. Nobody is
a member: tests place members where they need them (tests.factories.member_at, or the `density` fixture of
tests/conftest.py for the density grid).
"""

from dataclasses import dataclass

import pytest

from areas.models import Municipality, Network, PoliceZone
from streets.models import Street

from .factories import (
    MunicipalityFactory,
    NetworkFactory,
    PoliceZoneFactory,
    StreetFactory,
    UserFactory,
    addresses,
    municipality_staff,
    police_officer,
    square,
)

__all__ = ["Town", "town", "town_build"]


@dataclass
class Town:
    """What town_build() made, by name (the module docstring says where each thing is)."""

    zone: PoliceZone
    other_zone: PoliceZone
    muni: Municipality
    neighbour: Municipality
    other_muni: Municipality
    alfa: Network
    beta: Network
    binz: Network
    hidden: Network
    dissolved: Network
    gamma: Network
    elders: Network
    kerkstraat: Street
    molenstraat: Street
    marktplein: Street
    veldweg: Street
    other_kerkstraat: Street
    coord_a: object
    coord_b: object
    coord_z: object
    police: object
    police_other: object
    municipality: object
    municipality_other: object
    superuser: object

    @property
    def published(self) -> list[Network]:
        """Teststad's networks that anyone sees: Alfa, Beta and the BIN-Z."""
        return [self.alfa, self.beta, self.binz]


def town_build() -> Town:
    """Build the town of the module docstring."""
    zone = PoliceZoneFactory(number=5999, name="PZ Testzone", boundary=square(-2000, -2000, 12000))
    other_zone = PoliceZoneFactory(number=5998, name="PZ Elders", boundary=square(10000, -2000, 12000))
    muni = MunicipalityFactory(
        nis_code="99001",
        name_nl="Teststad",
        name_fr="Ville-Test",
        police_zone=zone,
        boundary=square(-1000, -1000, 5000),
    )
    neighbour = MunicipalityFactory(
        nis_code="99003", name_nl="Buurdorp", police_zone=zone, boundary=square(4000, -1000, 5000)
    )
    other_muni = MunicipalityFactory(
        nis_code="99002",
        name_nl="Anderdorp",
        name_fr="Autrevillage",
        police_zone=other_zone,
        boundary=square(11000, -1000, 5000),
    )

    def network(name, slug, boundary, contact="", municipality=muni, **kwargs):
        email = f"{contact}@bin.example.be" if contact else "bin@example.be"
        return NetworkFactory(
            name=name, slug=slug, boundary=boundary, contact_email=email, municipality=municipality, **kwargs
        )

    alfa = network("BIN Alfa", "bin-alfa", square(0, 0, 1000), "alfa")
    beta = network("BIN Beta", "bin-beta", square(1000, 0, 1000), "beta", status=Network.Status.RECOGNISED)
    binz = network("BIN-Z Markt", "bin-z-markt", square(790, 200, 420), "markt", kind=Network.Kind.BIN_Z)
    hidden = network("BIN Verborgen", "bin-verborgen", square(1500, 2000, 1000), published=False)
    dissolved = network(
        "BIN Opgeheven", "bin-opgeheven", square(2500, 2000, 500), status=Network.Status.DISSOLVED
    )
    gamma = network("BIN Gamma", "bin-gamma", square(5000, 0, 1000), municipality=neighbour)
    elders = network("BIN Elders", "bin-elders", square(12000, 0, 1000), municipality=other_muni)

    kerkstraat = StreetFactory(
        municipality=muni, name_nl="Kerkstraat", name_fr="Rue de l'Église", postcode="9990"
    )
    numbers = [n for n in range(1, 37) if n not in (8, 10)]
    addresses(kerkstraat, {str(n): (50 + 50 * n, 520 if n % 2 else 480) for n in numbers})
    addresses(kerkstraat, {"12A": (655, 480)})
    for box in ("1", "2"):
        addresses(kerkstraat, {"14": (750, 480)}, box_number=box)
    molenstraat = StreetFactory(municipality=muni, name_nl="Molenstraat", postcode="9990")
    addresses(molenstraat, {str(n): (1100 + 50 * n, 100) for n in range(1, 10)})
    marktplein = StreetFactory(municipality=muni, name_nl="Marktplein", postcode="9990")
    addresses(marktplein, {str(n): (820 + 40 * n, 300) for n in range(1, 4)})
    veldweg = StreetFactory(municipality=muni, name_nl="Veldweg", postcode="9990")
    addresses(veldweg, {str(n): (100 * n, 3000) for n in (1, 3, 5)})
    other_kerkstraat = StreetFactory(municipality=other_muni, name_nl="Kerkstraat", postcode="9991")
    addresses(other_kerkstraat, {"5": (12500, 500)})

    coordinators = {}
    for key, network_ in (("coord_a", alfa), ("coord_b", beta), ("coord_z", binz)):
        coordinators[key] = UserFactory(username=key.replace("_", "-"))
        network_.coordinators.add(coordinators[key])
    return Town(
        zone=zone,
        other_zone=other_zone,
        muni=muni,
        neighbour=neighbour,
        other_muni=other_muni,
        alfa=alfa,
        beta=beta,
        binz=binz,
        hidden=hidden,
        dissolved=dissolved,
        gamma=gamma,
        elders=elders,
        kerkstraat=kerkstraat,
        molenstraat=molenstraat,
        marktplein=marktplein,
        veldweg=veldweg,
        other_kerkstraat=other_kerkstraat,
        **coordinators,
        police=police_officer(zone, username="police"),
        police_other=police_officer(other_zone, username="police-other"),
        municipality=municipality_staff(muni, username="gemeente-teststad"),
        municipality_other=municipality_staff(other_muni, username="gemeente-anderdorp"),
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
    )


@pytest.fixture
def town(db) -> Town:
    """The town of this module's docstring, on real PostGIS."""
    return town_build()
