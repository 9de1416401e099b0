"""Every public, member and staff page on a phone (390 x 844) in Chromium, in every language of the site
but English: nothing scrolls sideways (`scrollWidth <= 390`) and axe-core finds no serious or critical
violation.

The inventory is checked against the URL configuration itself: a new URL pattern fails
`test_every_url_pattern_is_in_the_inventory` until it is listed in PAGES (how to reach it) or in EXCLUDED
(why it is no page to check: an API, a download, a POST-only action...)."""

from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from alerts.messages import reaction_token
from alerts.models import AlertRelay, Delivery
from members.models import Membership, NetworkProposal
from members.tokens import CONFIRM, INVITE, MANAGE, token_make
from tests.factories import MembershipFactory, alert_sent, member_at, square
from tests.members.helpers import JOIN

from .conftest import TIMEOUT_MS, log_in
from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
ADDRESS = "Kerkstraat 5, 9990 Teststad"

# Who sees a page: None (anyone, no login), or the Town attribute of the user logged in.
# name: (who, reverse() arguments as a function of the objects `o` of _objects(), query string or None)
PAGES = {
    # Residents
    "maps:lookup": (None, lambda o: [], None),
    "maps:lookup?q": (None, lambda o: [], {"q": ADDRESS}),
    "maps:municipalities": (None, lambda o: [], None),
    "maps:municipality": (None, lambda o: ["99001"], None),
    "maps:municipality-embed": (None, lambda o: ["99001"], None),
    "maps:police-zone": (None, lambda o: [5999], None),
    "maps:police-zone-embed": (None, lambda o: [5999], None),
    "members:join": (None, lambda o: [], None),
    "members:network-join": (None, lambda o: ["bin-alfa"], None),
    "members:network-start": (None, lambda o: [], None),
    "members:network-start-sent": (None, lambda o: [], None),
    "members:request-link": (None, lambda o: [], None),
    "access:login": (None, lambda o: [], None),
    # The join steps after the address (the session holds the earlier steps: see _join_session)
    "members:join-network": ("join", lambda o: [], None),
    "members:join-details": ("join", lambda o: [], None),
    "members:join-consent": ("join", lambda o: [], None),
    "members:join-sent": ("join", lambda o: [], None),
    # Members, through the signed links of their e-mails and SMS
    "members:confirm": (None, lambda o: [o.confirm], None),
    "members:manage": (None, lambda o: [o.manage], None),
    "members:addresses": (None, lambda o: [o.manage], None),
    "members:erase": (None, lambda o: [o.manage], None),
    "members:invitation": (None, lambda o: [o.invite], None),
    "alerts:react": (None, lambda o: [o.react], None),
    # Coordinators
    "members:dashboard": ("coord_a", lambda o: [], None),
    "members:pending": ("coord_a", lambda o: [], None),
    "members:network-members": ("coord_a", lambda o: ["bin-alfa"], None),
    "members:member-detail": ("coord_a", lambda o: [o.member.pk], None),
    "members:member-register": ("coord_a", lambda o: ["bin-alfa"], None),
    "alerts:relay": ("coord_b", lambda o: [o.relay.pk], None),  # BIN Beta takes the police's via coord_b
    "alerts:relays": ("coord_b", lambda o: [], None),  # the messages waiting for BIN Beta's coordinator
    "access:two-factor-setup": ("coord_a", lambda o: [], None),  # under BIN_2FA_REQUIRED
    # Police
    "maps:police-home": ("police", lambda o: [], None),
    "maps:police-alert": ("police", lambda o: [5999], None),
    "maps:evaluation": ("police", lambda o: [5999], None),
    "maps:alert": ("police", lambda o: [o.alert.pk], None),
    "maps:alert-approval": ("police", lambda o: [o.alert.pk], None),
    "alerts:new": ("police", lambda o: [], None),
    "alerts:content": ("police", lambda o: [5999], None),
    # Municipality staff
    "maps:municipality-home": ("municipality", lambda o: [], None),
    "maps:municipality-coverage": ("municipality", lambda o: ["99001"], None),
}

# Namespaces and names that are no page for a person to read, with the reason.
EXCLUDED_NAMESPACES = {
    "admin": "Django's admin: staff at a desk, its own CSS (tests/test_admin.py)",
    "api": "JSON, CSV and file downloads of the API (tests/*/test_api*.py, tests/security/test_fuzz.py)",
    "ogc": "OGC API - Features: JSON for GIS software",
    "tiles": "map tiles (PNG, MVT)",
    "pwa": "the web app manifest and the service worker (JSON, JavaScript)",
}
EXCLUDED = {
    "healthz": "probe",
    "readyz": "probe",
    "metrics": "Prometheus",
    "set_language": "POST only: redirects back",
    "maps:home": "redirects a logged-in user to their own home (police, municipality or dashboard)",
    "access:logout": "POST only: redirects to the login page",
    "access:two-factor": "needs a confirmed TOTP device: the same template as two-factor-setup's step",
    "members:leave": "POST only: redirects to the manage page",
    "members:export": "a JSON download",
    "members:sign-out": "POST only: redirects",
    "members:address-channels": "POST only: redirects to the addresses page",
    "members:address-remove": "POST only: redirects to the addresses page",
    "members:push-subscribe": "POST only: JSON for the service worker",
    "members:push-unsubscribe": "POST only: JSON for the service worker",
    "members:decide": "POST only: redirects to the pending list",
    "members:network-members-csv": "a CSV download",
    "members:counts": "JSON for the dashboard's chart",
}


def _patterns(resolver=None, namespace=""):
    """(namespace, name) of every URL pattern of the site."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(filter(None, [namespace, p.namespace]))
            yield from _patterns(p, inner)
        elif isinstance(p, URLPattern):
            yield namespace, p.name


@pytest.mark.django_db(transaction=False)
def test_every_url_pattern_is_in_the_inventory():
    pages = {name.partition("?")[0] for name in PAGES}
    missing = set()
    for namespace, name in _patterns():
        if namespace.partition(":")[0] in EXCLUDED_NAMESPACES:
            continue
        full = f"{namespace}:{name}" if namespace else name
        if full not in pages and full not in EXCLUDED:
            missing.add(full)
    assert missing == set(), "a page to add to PAGES (how to reach it) or EXCLUDED (why not)"
    known = {f"{ns}:{n}" if ns else n for ns, n in _patterns()}
    assert (pages | set(EXCLUDED)) - known == set(), "entries of no URL pattern any more"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != "en"]


def _objects(town, language):
    """What the pages show: a member of Alfa invited to Beta and their signed links, an alert with its
    delivery to them, an alert that BIN Beta's coordinator relays, a proposal for a new BIN."""
    member = member_at(400, 520, town.alfa, language=language, address_text=ADDRESS)
    MembershipFactory(member=member, network=town.beta, status=Membership.Status.INVITED)
    alert = alert_sent(town.police)
    town.beta.relay_via_coordinator = True
    town.beta.save(update_fields=["relay_via_coordinator"])
    member_at(1500, 500, town.beta)
    relayed = alert_sent(town.police, center=(1500, 500))
    NetworkProposal.objects.create(  # a row in the tables of proposals
        name="BIN Veldweg",
        municipality=town.muni,
        initiator_type=NetworkProposal.Initiator.ASSOCIATION,
        initiators=[{"name": "Jan Janssens", "organisation": "Buurtcomité", "email": "jan@example.be"}],
        boundary=square(0, 2500, 800),
    )
    # With transaction=True the alert's fan-out ran on commit: the member has their delivery.
    delivery = Delivery.objects.filter(alert=alert, member=member).first()
    return SimpleNamespace(
        member=member,
        alert=alert,
        confirm=token_make(member=member, purpose=CONFIRM),
        manage=token_make(member=member, purpose=MANAGE),
        invite=token_make(member=member, purpose=INVITE, network_id=town.beta.pk),
        react=reaction_token(delivery.pk),
        relay=AlertRelay.objects.get(alert=relayed, network=town.beta),
    )


def _join_session(page, live_server, language):
    """A join in progress in the page's session: the address, then the BIN chosen; a Django test client
    walks the steps whose form the page then shows, and hands its session to the browser."""
    client = Client()
    with translation.override(language):
        client.get(reverse("members:join") + "?" + urlencode({"address": ADDRESS}))
        client.post(reverse("members:join-network"), {"networks": ["bin-alfa"]})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return client


def _check(page, url, language) -> list[str]:
    response = page.goto(url)
    problems = []
    if response is None or response.status != 200:
        problems.append(f"HTTP {response and response.status}")
    if page.url != url:
        problems.append(f"went to {page.url}")
    if page.get_attribute("html", "lang") != language:
        problems.append(f"html lang {page.get_attribute('html', 'lang')}")
    # The measure, exactly: the document no wider than the phone (no_sideways_scroll allows 1 px).
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > PHONE["width"] or not no_sideways_scroll(page):
        problems.append(f"scrollWidth {width} > {PHONE['width']}")
    problems += _map_controls(page)
    problems += axe_serious(page)
    return problems


# The map's controls (zoom, layers, search, scale, credits): each inside the map and the screen, none over
# another, and none cut off (a control whose text is wider than its box, like credits in one long line).
MAP_CONTROLS = """() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  for (const map of document.querySelectorAll('.leaflet-container')) {
    const m = map.getBoundingClientRect();
    if (m.width === 0) continue;
    const controls = [...map.querySelectorAll('.leaflet-control')].filter(c => c.offsetWidth > 0);
    const name = c => c.className.split(' ').filter(n => n !== 'leaflet-control').join('.');
    const boxes = controls.map(c => [c, c.getBoundingClientRect()]);
    for (const [c, r] of boxes) {
      if (r.left < m.left - 1 || r.right > m.right + 1 || r.right > vw + 1)
        out.push(`${name(c)} outside the map`);
      if (c.scrollWidth > c.clientWidth + 1)
        out.push(`${name(c)} cut off (${c.scrollWidth} > ${c.clientWidth})`);
    }
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, p] = boxes[i], [b, q] = boxes[j];
      if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
        out.push(`${name(a)} over ${name(b)}`);
    }
  }
  return out;
}"""


def _map_controls(page) -> list[str]:
    return page.evaluate(MAP_CONTROLS)


def _url(live_server, language, name, objects) -> str:
    _who, args, query = PAGES[name]
    with translation.override(language):
        path = reverse(name.partition("?")[0], args=args(objects))
    return live_server.url + path + (f"?{urlencode(query)}" if query else "")


@pytest.mark.parametrize("language", _languages())
def test_every_page_on_a_phone(live_server, browser, town, language):
    objects = _objects(town, language)
    context = browser.new_context(viewport=PHONE, locale=f"{language}-BE")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    failures = {}
    try:
        by_who = {}
        for name, (who, _args, _query) in PAGES.items():
            by_who.setdefault(who, []).append(name)
        for who, names in by_who.items():
            context.clear_cookies()
            client = None
            if who == "join":
                client = _join_session(page, live_server, language)
            elif who is not None:
                log_in(page, live_server, getattr(town, who))
            for name in names:
                if who == "join":
                    _join_step_before(client, name, language)
                url = _url(live_server, language, name, objects)
                with override_settings(BIN_2FA_REQUIRED=name == "access:two-factor-setup"):
                    problems = _check(page, url, language)
                if problems:
                    failures[name] = problems
    finally:
        context.close()
    assert failures == {}, "\n".join(f"{name}: {p}" for name, p in failures.items())
    assert errors == [], f"JavaScript errors: {errors}"


def _join_step_before(client, name, language):
    """The step the resident took before the join page `name` (its form posted by the test client)."""
    before = {
        "members:join-consent": (
            "members:join-details",
            {k: v for k, v in JOIN.items() if k not in ("address", "networks", "consent")},
        ),
        "members:join-sent": ("members:join-consent", {"consent": "on"}),
    }
    if name in before:
        step, data = before[name]
        with translation.override(language):
            client.post(reverse(step), data)
