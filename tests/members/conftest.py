"""Fixtures of the membership tests: a small town on real PostGIS, the people who run its BINs, and a real
SMTP server on loopback (aiosmtpd) that every e-mail of these tests goes through."""

import email
import logging
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.contrib.gis.geos import Point
from django.test import Client

from access.models import Role
from areas.models import Network
from tests.factories import (
    SRID,
    X0,
    Y0,
    AddressFactory,
    MunicipalityFactory,
    NetworkFactory,
    PoliceZoneFactory,
    StreetFactory,
    UserFactory,
    square,
)


def lambert(x, y):
    return Point(X0 + x, Y0 + y, srid=SRID)


class Inbox:
    """The aiosmtpd handler: keeps every message it receives, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m["message"] for m in self.messages if address.lower() in (a.lower() for a in m["to"])]

    def last(self, address: str):
        found = self.to(address)
        assert found, f"no e-mail to {address}; got mail for {[m['to'] for m in self.messages]}"
        return found[-1]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, address: str, kind: str) -> str:
        """The path of the last `kind` link ("confirm", "manage") in the last e-mail to `address`."""
        body = self.body(self.last(address))
        found = re.findall(rf"http://testserver(/members/{kind}/[^\s/]+/)", body)
        assert found, f"no {kind} link in:\n{body}"
        return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture(autouse=True)
def mailbox(smtp_server, settings):
    """Every test here sends real SMTP to the loopback server; the inbox starts empty."""
    controller, inbox = smtp_server
    inbox.messages.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.BIN_PUBLIC_URL = "http://testserver"
    settings.DEFAULT_FROM_EMAIL = "bin@example.be"
    return inbox


@pytest.fixture
def client():
    """Pages in English, as the tests read them."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def town(db):
    """Teststad: BIN Alfa | BIN Beta side by side (border x=1000), a BIN-Z over Alfa's market, a street
    in each, and a Veldweg outside every BIN. A second police zone with its own town and BIN.

    Kerkstraat (in Alfa): numbers 1-19, odd north (y=520), even south (y=480) at x = 50 + 40 n; 8 missing.
    Molenstraat (in Beta): 1-9 at x = 1100 + 50 n. Veldweg 1-5 at y=3000 (no BIN). Marktplein 1-3 in the
    BIN-Z (and in Alfa).
    """
    zone = PoliceZoneFactory(number=5999, name="PZ Testzone")
    muni = MunicipalityFactory(nis_code="99001", name_nl="Teststad", name_fr="Ville-Test", police_zone=zone)
    a = NetworkFactory(name="BIN Alfa", slug="bin-alfa", municipality=muni, boundary=square(0, 0, 1000))
    b = NetworkFactory(name="BIN Beta", slug="bin-beta", municipality=muni, boundary=square(1000, 0, 1000))
    z = NetworkFactory(
        name="BIN-Z Markt",
        slug="bin-z-markt",
        kind=Network.Kind.BIN_Z,
        municipality=muni,
        boundary=square(600, 600, 300),
    )
    kerk = StreetFactory(municipality=muni, name_nl="Kerkstraat", postcode="9990")
    for n in range(1, 20):
        if n == 8:
            continue
        AddressFactory(
            street=kerk,
            house_number=str(n),
            number=n,
            postcode="9990",
            point=lambert(50 + 40 * n, 520 if n % 2 else 480),
        )
    molen = StreetFactory(municipality=muni, name_nl="Molenstraat", postcode="9990")
    for n in range(1, 10):
        AddressFactory(
            street=molen, house_number=str(n), number=n, postcode="9990", point=lambert(1100 + 50 * n, 300)
        )
    veld = StreetFactory(municipality=muni, name_nl="Veldweg", postcode="9990")
    for n in range(1, 6):
        AddressFactory(
            street=veld, house_number=str(n), number=n, postcode="9990", point=lambert(100 * n, 3000)
        )
    markt = StreetFactory(municipality=muni, name_nl="Marktplein", postcode="9990")
    for n in range(1, 4):
        AddressFactory(
            street=markt, house_number=str(n), number=n, postcode="9990", point=lambert(650 + 50 * n, 700)
        )
    other_zone = PoliceZoneFactory(number=5998, name="PZ Elders")
    other_muni = MunicipalityFactory(nis_code="99002", name_nl="Elders", police_zone=other_zone)
    elsewhere = NetworkFactory(
        name="BIN Elders", slug="bin-elders", municipality=other_muni, boundary=square(8000, 8000, 500)
    )
    return {
        "zone": zone,
        "muni": muni,
        "a": a,
        "b": b,
        "z": z,
        "kerk": kerk,
        "molen": molen,
        "veld": veld,
        "markt": markt,
        "other_zone": other_zone,
        "other_muni": other_muni,
        "elsewhere": elsewhere,
    }


@pytest.fixture
def people(town):
    """One user per role, each with an e-mail address (the notifications go there)."""
    coord_a = UserFactory(username="coord-a")
    town["a"].coordinators.add(coord_a)
    coord_z = UserFactory(username="coord-z")
    town["z"].coordinators.add(coord_z)
    coord_b = UserFactory(username="coord-b")
    town["b"].coordinators.add(coord_b)
    police = UserFactory(username="police")
    Role.objects.create(user=police, kind=Role.Kind.POLICE, police_zone=town["zone"])
    police_other = UserFactory(username="police-other")
    Role.objects.create(user=police_other, kind=Role.Kind.POLICE, police_zone=town["other_zone"])
    muni = UserFactory(username="gemeente")
    Role.objects.create(user=muni, kind=Role.Kind.MUNICIPALITY, municipality=town["muni"])
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    return {
        "coord_a": coord_a,
        "coord_b": coord_b,
        "coord_z": coord_z,
        "police": police,
        "police_other": police_other,
        "municipality": muni,
        "superuser": superuser,
    }
