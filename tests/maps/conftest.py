"""A small town for the map tests: two touching BINs, a BIN-Z over their border, an unpublished and a
dissolved BIN, a neighbouring municipality in the same police zone and one far away in another zone."""

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.contrib.gis.geos import Point

from areas.models import Network
from tests.factories import (
    X0,
    Y0,
    AddressFactory,
    MunicipalityFactory,
    NetworkFactory,
    PoliceZoneFactory,
    StreetFactory,
    square,
)


def lambert(x, y):
    return Point(X0 + x, Y0 + y, srid=31370)


@pytest.fixture
def town(db):
    zone = PoliceZoneFactory(number=5999, name="PZ Kaartstreek", boundary=square(-2000, -2000, 12000))
    muni = MunicipalityFactory(
        nis_code="99101",
        name_nl="Kaartdorp",
        name_fr="Village-Carte",
        police_zone=zone,
        boundary=square(-1000, -1000, 5000),
    )
    alfa = NetworkFactory(
        name="BIN Alfa",
        slug="bin-alfa",
        municipality=muni,
        boundary=square(0, 0, 1000),
        contact_email="alfa@bin.example.be",
    )
    beta = NetworkFactory(
        name="BIN Beta",
        slug="bin-beta",
        municipality=muni,
        boundary=square(1000, 0, 1000),
        status=Network.Status.RECOGNISED,
        contact_email="beta@bin.example.be",
    )
    markt = NetworkFactory(
        name="BIN-Z Markt",
        slug="bin-z-markt",
        kind=Network.Kind.BIN_Z,
        municipality=muni,
        boundary=square(790, 200, 420),
        contact_email="markt@bin.example.be",
    )
    hidden = NetworkFactory(
        name="BIN Verborgen",
        slug="bin-verborgen",
        municipality=muni,
        published=False,
        boundary=square(0, 2000, 1000),
    )
    dissolved = NetworkFactory(
        name="BIN Opgeheven",
        slug="bin-opgeheven",
        municipality=muni,
        status=Network.Status.DISSOLVED,
        boundary=square(2000, 2000, 500),
    )
    neighbour = MunicipalityFactory(
        nis_code="99102", name_nl="Buurdorp", police_zone=zone, boundary=square(4000, -1000, 5000)
    )
    gamma = NetworkFactory(
        name="BIN Gamma", slug="bin-gamma", municipality=neighbour, boundary=square(5000, 0, 1000)
    )
    far = MunicipalityFactory(nis_code="99103", name_nl="Verweg", boundary=square(20000, 20000, 3000))
    delta = NetworkFactory(
        name="BIN Delta", slug="bin-delta", municipality=far, boundary=square(20500, 20500, 500)
    )
    street = StreetFactory(municipality=muni, name_nl="Kaartstraat", postcode="9990")
    addresses = {
        "alfa": AddressFactory(
            street=street, house_number="3", number=3, postcode="9990", point=lambert(300, 500)
        ),
        "beta": AddressFactory(
            street=street, house_number="5", number=5, postcode="9990", point=lambert(1700, 500)
        ),
        "markt": AddressFactory(
            street=street, house_number="7", number=7, postcode="9990", point=lambert(1100, 400)
        ),
        "none": AddressFactory(
            street=street, house_number="9", number=9, postcode="9990", point=lambert(3500, 3500)
        ),
    }
    return {
        "zone": zone,
        "muni": muni,
        "neighbour": neighbour,
        "far": far,
        "alfa": alfa,
        "beta": beta,
        "markt": markt,
        "hidden": hidden,
        "dissolved": dissolved,
        "gamma": gamma,
        "delta": delta,
        "street": street,
        "addresses": addresses,
        "published": [alfa, beta, markt],
    }


@pytest.fixture
def police(town):
    """Members and people of the police zone 5999 of `town`: an officer of the zone, one of another zone,
    municipality staff inside and outside the zone, and members placed for the density grid.

    Density (250 m cells centred on multiples of 250 m, as X0 and Y0 are): four approved members of BIN
    Alfa share the cell centred at (250, 500); two of BIN Beta share (1500, 500) and stay hidden (below
    3); one of BIN Gamma is alone; a pending member and a member of the far BIN Delta are not counted.
    """
    from access.models import Role
    from members.models import Membership
    from tests.alerts.factories import member_at, police_officer
    from tests.alerts.factories import user as saved_user

    zone = town["zone"]
    officer = police_officer(zone, username="agent-kaart")
    other = police_officer(town["far"].police_zone, username="agent-verweg")
    clerk = saved_user(username="bediende-kaartdorp")
    Role.objects.create(user=clerk, kind=Role.Kind.MUNICIPALITY, municipality=town["muni"])
    far_clerk = saved_user(username="bediende-verweg")
    Role.objects.create(user=far_clerk, kind=Role.Kind.MUNICIPALITY, municipality=town["far"])
    alfa = [member_at(x, y, town["alfa"]) for x, y in ((310, 420), (330, 460), (360, 380), (340, 440))]
    beta = [member_at(x, y, town["beta"]) for x, y in ((1560, 530), (1590, 560))]
    gamma = [member_at(5300, 300, town["gamma"])]
    pending = member_at(320, 430, town["alfa"], status=Membership.Status.PENDING)
    far = member_at(20700, 20700, town["delta"])
    return {
        "zone": zone,
        "officer": officer,
        "other": other,
        "clerk": clerk,
        "far_clerk": far_clerk,
        "members": {"alfa": alfa, "beta": beta, "gamma": gamma, "pending": pending, "far": far},
        "counted": alfa + beta + gamma,
    }


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Prepare, store and send an alert through the alerts services; the fan-out runs in-process."""
    from alerts.models import Alert
    from alerts.services import alert_create, alert_prepare, alert_send
    from tests.alerts.factories import lonlat

    def _send(user, *, center, radius_m=300, sent_at=None, **kwargs):
        data = alert_prepare(
            user=user,
            category=kwargs.pop("category", "burglary"),
            urgency=kwargs.pop("urgency", "urgent"),
            message=kwargs.pop("message", "Inbraak in de Kaartstraat; let op."),
            center=lonlat(*center),
            radius_m=radius_m,
            **kwargs,
        )
        with django_capture_on_commit_callbacks(execute=True):
            alert = alert_send(alert=alert_create(user=user, data=data), user=user)
        if sent_at is not None:
            Alert.objects.filter(pk=alert.pk).update(sent_at=sent_at)
            alert.refresh_from_db()
        return alert

    return _send


# --- the browser (test_browser*.py) ------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with
    # a running loop unless told it is safe (it is: the loop is Playwright's, not an async view's).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    requests = []

    def only_local(route):
        url = route.request.url
        requests.append(url)
        parsed = urlparse(url)
        if parsed.scheme in ("file", "data", "about") or parsed.hostname in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.errors = []
    page.requests = requests
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()
    assert page.errors == [], f"JavaScript errors: {page.errors}"
