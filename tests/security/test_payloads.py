"""Issue 11, findings 1 and 5 and the class "output encoding by construction": a corpus of payloads in every
name field, and every page that shows them opened in Chromium. Nothing may run.

Each field gets a payload that breaks out of HTML text, an attribute, a JavaScript string or template
literal and a <script> element at once, and that sets `window.__xss` to the field's number if any part of
it runs. On each page the test also opens every tooltip and popup of the map (their content is built
then), and checks that `window.__xss` stays unset, that no element of a payload became markup, that the
Content-Security-Policy refused nothing (an injected handler that the policy blocks is still a bug: the
`page` fixture fails on it) and that no JavaScript error happened. On 45aa4a3 the network name ran on the
resident page (finding 1: folium's tooltip in a template literal) and the municipality and zone names in
the layer control of the public, embedded and police maps (finding 5: innerHTML).

The browser and the page (tests/maps/conftest.py) refuse every request that is not to the test server.
"""

import pytest
from django.urls import reverse

from alerts.approval import alert_submit
from alerts.messages import reaction_token
from alerts.models import Delivery, MessageTemplate, SavedArea, Tip, ZoneAlertPolicy
from alerts.reactions import reaction_record
from alerts.services import alert_create, alert_prepare
from members.models import Membership, NetworkProposal
from tests.factories import alert_sent, lonlat, member_at, police_officer, square
from tests.maps.conftest import browser, log_in, page  # noqa: F401 (the fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def payload(n: int) -> str:
    """Field n's payload (under 200 characters, the shortest name field's limit)."""
    return (
        f"Evil{n}\"'><img src=x onerror=__xss={n}>${{__xss={n}}}`;__xss={n};`"
        f"</script><script>__xss={n}</script><svg onload=__xss={n}>javascript:__xss={n}//"
    )


FIELDS = [
    "network name",
    "municipality name",
    "police zone name",
    "proposal name",
    "proposal initiator",
    "member name",
    "member address",
    "tip title",
    "tip text",
    "alert message",
    "reaction text",
    "member business name",
    "message template name",
    "message template text",
    "saved area name",
    "alert awaiting approval",
]
P = {field: payload(n) for n, field in enumerate(FIELDS, start=1)}
# Names of 120 characters at most: the payload up to there (every break-out but the last stays in).
for field in ("message template name", "saved area name"):
    P[field] = P[field][:120]
# A template's text may hold no brace but a placeholder's (alerts.content): the same break-outs with
# $(...) for ${...}, so that the console offers it (its data, json_script; shown only once picked).
P["message template text"] = P["message template text"].replace("${", "$(").replace("}", ")")
NOT_SHOWN_AS_TEXT = {"message template text"}

# Opens every tooltip and popup on the page's folium maps; returns how many it opened.
JS_OPEN_ALL = """() => {
    let opened = 0;
    document.querySelectorAll('.folium-map').forEach(div => {
        const map = window[div.id];
        if (!map) { return; }
        map.eachLayer(layer => {
            try {
                if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened++; }
                if (layer.getPopup && layer.getPopup()) { layer.openPopup(); opened++; }
            } catch (e) { /* a group without a position of its own */ }
        });
    });
    return opened;
}"""
JS_INJECTED = """() => Array.from(document.querySelectorAll(
    'img[src="x"], svg[onload], [onerror], [onmouseover], [onfocus], script:not([src]):not([nonce])'
)).filter(e => e.type !== 'application/json').map(e => e.outerHTML.slice(0, 120))"""


def poison(town) -> dict:
    """Put the payloads into the town's names and add what the pages show: members, a proposal, a tip,
    an alert with a reaction. Returns the ids the pages need."""
    town.alfa.name = P["network name"]
    town.alfa.save()
    town.muni.name_nl = town.muni.name_fr = P["municipality name"]
    town.muni.save()
    town.zone.name = P["police zone name"]
    town.zone.save()
    members = [
        member_at(
            x,
            y,
            town.alfa,
            name=P["member name"],
            address_text=P["member address"],
            business_name=P["member business name"],
        )
        for x, y in ((310, 420), (330, 460), (360, 380))
    ]
    member_at(340, 440, town.alfa, status=Membership.Status.PENDING, name=P["member name"])
    NetworkProposal.objects.create(
        name=P["proposal name"],
        municipality=town.muni,
        initiator_type=NetworkProposal.Initiator.RESIDENT,
        initiators=[{"name": P["proposal initiator"], "email": "evil@example.be"}],
        boundary=square(0, 2800, 400),
    )
    tip_fields = {"category": "burglary", "title": P["tip title"], "text_nl": P["tip text"]}
    if any(f.name == "police_zone" for f in Tip._meta.get_fields()):
        tip_fields["police_zone"] = town.zone
    tip = Tip.objects.create(**tip_fields)
    alert = alert_sent(town.police, center=(340, 440), message=P["alert message"], tip_id=tip.pk)
    delivery = Delivery.objects.filter(alert=alert).order_by("pk").first()
    reaction_record(delivery=delivery, kind="observation", text=P["reaction text"])
    # What the console shows (issue 14): the zone's templates and saved areas, written straight to the
    # database (the services refuse braces in a template's text, so that one does not depend on them), and
    # an alert a second officer submitted for approval once the zone works with four eyes.
    MessageTemplate.objects.create(
        police_zone=town.zone, name=P["message template name"], text_nl=P["message template text"]
    )
    SavedArea.objects.create(police_zone=town.zone, name=P["saved area name"], geometry=square(300, 300, 400))
    ZoneAlertPolicy.objects.create(police_zone=town.zone, four_eyes=True)
    second = police_officer(town.zone, username="police-two")
    data = alert_prepare(
        user=second,
        category="burglary",
        urgency="urgent",
        message=P["alert awaiting approval"],
        center=lonlat(340, 440),
        radius_m=300,
    )
    pending = alert_submit(alert=alert_create(user=second, data=data), user=second)
    return {"alert": alert.pk, "member": members[0].pk, "delivery": delivery.pk, "pending": pending.pk}


def pages(town, ids) -> list[tuple[str, object]]:
    """(URL, who is logged in) of every page that shows one of the fields."""
    return [
        (reverse("maps:lookup") + "?q=Kerkstraat+3%2C+9990", None),
        (reverse("maps:municipality", args=["99001"]), None),
        (reverse("maps:municipality-embed", args=["99001"]), None),
        (reverse("maps:police-zone", args=[5999]), None),
        (reverse("maps:police-zone-embed", args=[5999]), None),
        (reverse("maps:municipality", args=["99001"]), town.municipality),  # staff see more networks
        (reverse("maps:police-alert", args=[5999]), town.police),
        (reverse("maps:alert", args=[ids["alert"]]), town.police),
        (reverse("maps:evaluation", args=[5999]), town.police),
        (reverse("maps:evaluation", args=[5999]), town.municipality),
        (reverse("members:dashboard"), town.coord_a),
        (reverse("members:dashboard"), town.police),
        (reverse("members:dashboard"), town.municipality),
        (reverse("members:network-members", args=["bin-alfa"]), town.coord_a),
        (reverse("members:member-detail", args=[ids["member"]]), town.coord_a),
        (reverse("members:pending"), town.coord_a),
        (reverse("members:join"), None),
        (reverse("members:network-join", args=["bin-alfa"]), None),
        (reverse("alerts:react", args=[reaction_token(ids["delivery"])]), None),
        (reverse("alerts:new"), town.police),
        (reverse("maps:police-home"), town.police),
        (reverse("maps:municipality-home"), town.municipality),
        (reverse("maps:municipality-coverage", args=["99001"]), town.municipality),
        (reverse("maps:alert-approval", args=[ids["pending"]]), town.police),
        (reverse("alerts:content", args=[5999]), town.police),
        (reverse("admin:areas_network_changelist"), town.superuser),
        (reverse("admin:areas_municipality_changelist"), town.superuser),
        (reverse("admin:areas_policezone_changelist"), town.superuser),
        # Issues 15 and 16: the municipality list, the answer with no BIN (the nearest BINs and contacts) and
        # the admin's boundary editor (its context layers carry the neighbours' and municipality's names).
        (reverse("maps:municipalities"), None),
        (reverse("maps:lookup") + "?q=Veldweg+1%2C+9990", None),
        (reverse("admin:areas_network_change", args=[town.alfa.pk]), town.superuser),
    ]


def test_no_payload_runs_on_any_page(live_server, page, town):  # noqa: F811
    ids = poison(town)
    shown_anywhere = set()
    for url, user in pages(town, ids):
        page.context.clear_cookies()
        if user is not None:
            log_in(page, live_server, user)
        response = page.goto(live_server.url + url)
        assert response.status == 200, (url, response.status)
        page.wait_for_load_state("load")
        if page.locator(".folium-map").count():
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.folium-map')).every(d => window[d.id])"
            )
            page.evaluate(JS_OPEN_ALL)
            page.wait_for_timeout(300)  # popups fade in
        ran = page.evaluate("() => window.__xss")
        assert ran is None, f"{url}: the payload of the {FIELDS[ran - 1]} ran"
        assert page.evaluate(JS_INJECTED) == [], url
        text = page.evaluate("() => document.body.innerText")
        shown = {field for field, p in P.items() if f"Evil{FIELDS.index(field) + 1}\"'><img" in text}
        assert shown or url == reverse("members:join"), f"{url} shows none of the payloads"
        shown_anywhere |= shown
        assert page.errors == [] and page.csp_reports == [], url
    # Every field reached some page, as text (the popups and tooltips included).
    assert shown_anywhere == set(FIELDS) - NOT_SHOWN_AS_TEXT, sorted(set(FIELDS) - shown_anywhere)


def test_pages_without_names_work_under_the_policy_too(live_server, page, town):  # noqa: F811
    """Finding 11: the Content-Security-Policy refuses nothing these pages need (the `page` fixture fails
    on any refusal or JavaScript error): the API's documentation (Swagger UI), the proposal form's map,
    the login pages."""
    page.goto(live_server.url + reverse("api:docs"))
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    page.goto(live_server.url + reverse("members:network-start"))
    page.wait_for_selector("#draw-map.leaflet-container")
    for name in ("access:login", "admin:login"):
        page.goto(live_server.url + reverse(name))
        page.wait_for_load_state("load")
