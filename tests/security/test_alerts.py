"""Issue 11, the alerts' findings: the preview (finding 4), the tip library (6), and of findings 9 and 10 the
statistics' number parsing, control characters in CAP, the follow-ups' length limit, reaction links of
members who left or were erased, and other zones' alert ids. Each test says which finding it covers and
what it caught on commit 45aa4a3.
"""

import itertools
import json
from datetime import timedelta
from pathlib import Path

import capvalidator
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from lxml import etree

from alerts.messages import reaction_token
from alerts.models import Alert, AlertPreviewLog, Delivery, Reaction, Tip
from alerts.outbox import deliveries_process
from alerts.preview import parts_shown
from alerts.reactions import reaction_link_gone_message
from members.models import Membership
from members.services import member_erase
from tests.alerts.helpers import alert_body
from tests.factories import circle, lonlat_square, member_at, police_officer, polygon

NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}

pytestmark = pytest.mark.django_db

MIN_COUNT = 5  # BIN_PREVIEW_MIN_COUNT's default
FEWER = f"<{MIN_COUNT}"


def preview(api, user, perimeter, **kwargs):
    api.force_authenticate(user)
    return api.post(reverse("api:alert-preview"), alert_body(perimeter, **kwargs), format="json")


def counts(body: dict) -> dict:
    """What a preview says about members: every count, and nothing about the perimeter itself."""
    return {
        key: body[key]
        for key in ("recipients", "channels", "no_contact", "deferred_quiet_hours", "networks", "min_count")
    }


# --- what a reader can work out of the counts shown --------------------------------------------------------


def possible_values(total: int, shown: list, k: int) -> list[set[int]]:
    """Every value each part can have, by trying every split of `total` that fits what is shown: a number
    exactly, "<k" below k, None (withheld) k or more when a "<k" is shown beside it, else anything. The
    parts are taken to add up to the total (no member in two of them): the reader's strongest assumption."""
    some_fewer = any(isinstance(s, str) for s in shown)

    def candidates(s):
        if isinstance(s, int):
            return [s]
        if isinstance(s, str):
            return range(k)
        return range(k, total + 1) if some_fewer else range(total + 1)

    found = [set() for _ in shown]
    options = [candidates(s) for s in shown]
    for split in itertools.product(*options):
        if sum(split) == total:
            for i, value in enumerate(split):
                found[i].add(value)
    return found


def assert_nothing_comes_back(total: int, shown: list, k: int):
    """No count below k shown, and every "<k" could still be any of 0 ... k-1."""
    assert not any(isinstance(s, int) and s < k for s in shown), shown
    for s, values in zip(shown, possible_values(total, shown, k), strict=True):
        if isinstance(s, str):
            assert s == f"<{k}" and values == set(range(k)), (total, shown, values)


@pytest.mark.parametrize(("k", "parts_max", "n"), [(2, 4, 4), (3, 6, 3), (5, 11, 2), (5, 9, 3)])
def test_no_hidden_count_comes_back_by_subtraction(k, parts_max, n):
    """Finding 4 (the class): whatever the parts (per BIN, per channel) and whatever members they share,
    the parts shown beside an exact total never give a count below k back, exactly or as a bound. On
    45aa4a3 every count was shown as it was."""
    for parts in itertools.product(range(parts_max + 1), repeat=n):
        # The total is the sum when no member is in two parts; overlaps make it smaller.
        for total in range(max(k, max(parts)), sum(parts) + 1):
            shown = parts_shown(total, list(parts), k)
            if any(isinstance(s, str) for s in shown):
                assert_nothing_comes_back(total, shown, k)
            else:
                assert all(s is None or s >= k for s in shown)


# --- finding 4: the preview ------------------------------------------------------------------------------


def test_a_perimeter_around_one_home_is_refused_with_the_minimum(town, api):
    """Finding 4: a 3 m square around a member's home previewed "1 recipient" on 45aa4a3; now a perimeter
    under BIN_ALERT_MIN_AREA_M2 is refused, for previews and alerts alike, and the answer says the
    minimum."""
    member_at(500, 500, town.alfa)
    tiny = lonlat_square(498.5, 498.5, 3)
    response = preview(api, town.police, tiny)
    assert response.status_code == 400
    (message,) = response.json()["perimeter"]
    assert "at least 10,000 m²" in message and "56 m radius" in message
    sent = api.post(reverse("api:alert-list"), alert_body(tiny), format="json")
    assert sent.status_code == 400 and not Alert.objects.exists()
    assert not AlertPreviewLog.objects.exists()  # refused before anything was counted


def test_a_home_and_an_empty_place_preview_alike(town, api):
    """Finding 4: on 45aa4a3 the perimeter with the member said 1 recipient and the one 30 m away 0. Now
    both say "fewer than 5" in every count, 0 included, and no count tells them apart. Sending is not
    blocked: the alert reaches the one member."""
    member_at(500, 500, town.alfa, mobile="")
    around_home = preview(api, town.police, lonlat_square(450, 450, 100)).json()
    beside_it = preview(api, town.police, lonlat_square(450, 580, 100)).json()
    assert counts(around_home) == counts(beside_it)
    assert counts(around_home) == {
        "recipients": FEWER,
        "channels": {"email": FEWER, "sms": FEWER},
        "no_contact": FEWER,
        "deferred_quiet_hours": FEWER,
        "networks": [
            {"id": town.alfa.pk, "slug": "bin-alfa", "name": "BIN Alfa", "kind": "BIN", "total": FEWER}
        ],
        "min_count": MIN_COUNT,
    }
    sent = api.post(reverse("api:alert-list"), alert_body(lonlat_square(450, 450, 100)), format="json")
    assert sent.status_code == 201 and sent.json()["recipients"] == 1


def test_no_small_count_comes_back_from_the_others(town, api):
    """Finding 4: ten members of BIN Alfa and one of BIN Beta in one perimeter (south of the BIN-Z). On
    45aa4a3 the preview said 11 in all, Alfa 10, Beta 1, SMS 11, e-mail 0. Now Alfa's count is withheld
    beside Beta's "<5", and the SMS count beside e-mail's, so that neither small one can be worked out."""
    for i in range(10):
        member_at(100 + 25 * i, 100, town.alfa)
    member_at(1100, 100, town.beta)
    strip = polygon((50, 50), (1500, 50), (1500, 180), (50, 180))
    body = preview(api, town.police, strip).json()
    assert body["recipients"] == 11
    rows = {n["slug"]: n["total"] for n in body["networks"]}
    assert rows == {"bin-alfa": None, "bin-beta": FEWER}
    assert body["channels"] == {"email": FEWER, "sms": None}
    assert_nothing_comes_back(11, list(rows.values()), MIN_COUNT)
    assert_nothing_comes_back(11, [body["channels"]["email"], body["channels"]["sms"]], MIN_COUNT)
    # With enough members on each side every count is shown.
    for i in range(5):
        member_at(1200 + 25 * i, 100, town.beta, mobile="")
    body = preview(api, town.police, strip).json()
    assert {n["slug"]: n["total"] for n in body["networks"]} == {"bin-alfa": 10, "bin-beta": 6}
    assert body["recipients"] == 16 and body["channels"] == {"email": 5, "sms": 11}


def test_every_preview_is_logged(town, api):
    """Finding 4: previews were not logged on 45aa4a3. Now each is, with who, when, the zone, the
    perimeter and its area, and the counts as shown; a repeat (the officer typing the message) too, marked
    as not counted against the limit."""
    member_at(500, 500, town.alfa)
    square = lonlat_square(400, 400, 200)
    preview(api, town.police, square)
    preview(api, town.police, square, message="Another text, the same perimeter.")
    preview(api, town.police, lonlat_square(0, 0, 1000), urgency="non_urgent")
    first, repeat, third = AlertPreviewLog.objects.order_by("pk")
    assert (first.username, first.police_zone, first.urgency, first.counted) == (
        "police",
        town.zone,
        "urgent",
        True,
    )
    assert abs(first.area_m2 - 40_000) < 50 and first.perimeter.area == pytest.approx(first.area_m2)
    assert first.shown["recipients"] == FEWER and first.shown["networks"] == [[town.alfa.pk, FEWER]]
    assert repeat.counted is False and third.counted is True and third.urgency == "non_urgent"
    assert first.at <= repeat.at <= third.at


def test_previews_are_limited_per_officer(town, api, settings):
    """Finding 4: previews were not limited on 45aa4a3. Now an officer previews at most
    BIN_PREVIEW_PER_HOUR new perimeters an hour (and BIN_PREVIEW_PER_DAY a day); beyond, 429 with a
    message. The same perimeter again costs nothing; another officer has their own count."""
    settings.BIN_PREVIEW_PER_HOUR = 3
    for i in range(3):
        assert preview(api, town.police, lonlat_square(100 * i, 0, 200)).status_code == 200
    refused = preview(api, town.police, lonlat_square(500, 0, 200))
    assert refused.status_code == 429
    assert "3 different perimeters within the last hour" in refused.json()["detail"]
    assert preview(api, town.police, lonlat_square(0, 0, 200), message="Typing on.").status_code == 200
    colleague = police_officer(town.zone)
    assert preview(api, colleague, lonlat_square(500, 0, 200)).status_code == 200
    assert AlertPreviewLog.objects.count() == 5  # the refused one showed nothing
    settings.BIN_PREVIEW_PER_HOUR, settings.BIN_PREVIEW_PER_DAY = 100, 1
    refused = preview(api, colleague, lonlat_square(600, 0, 200))
    assert refused.status_code == 429 and "within the last day" in refused.json()["detail"]


# --- finding 6: the tip library -------------------------------------------------------------------------


@pytest.fixture
def tips(town):
    national = Tip.objects.filter(police_zone=None).first()
    ours = Tip.objects.create(police_zone=town.zone, category="theft", title="Ons", text_nl="Sluit af.")
    theirs = Tip.objects.create(police_zone=town.other_zone, category="theft", title="Hun", text_nl="Let op.")
    return national, ours, theirs


def test_tips_belong_to_a_zone_or_to_the_national_library(town, api, tips):
    """Finding 6: on 45aa4a3 every officer and every municipality staff member edited every tip. Now a
    zone's police write its tips, municipality staff read their zone's, and only administrators write the
    national ones; another zone's tips are not found."""
    national, ours, theirs = tips
    url = lambda tip: reverse("api:alert-tip", args=[tip.pk])  # noqa: E731
    change = {"text_nl": "Gewijzigd."}

    api.force_authenticate(town.police)
    assert api.patch(url(ours), change, format="json").status_code == 200
    assert api.patch(url(national), change, format="json").status_code == 403
    assert (
        api.get(url(theirs)).status_code == 404
        and api.patch(url(theirs), change, format="json").status_code == 404
    )
    listed = {t["id"] for t in api.get(reverse("api:alert-tips")).json()}
    assert ours.pk in listed and national.pk in listed and theirs.pk not in listed
    new = {"category": "theft", "title": "Nieuw", "text_nl": "Tekst."}
    assert (
        api.post(
            reverse("api:alert-tips"), {**new, "police_zone": town.other_zone.pk}, format="json"
        ).status_code
        == 403
    )
    assert api.post(reverse("api:alert-tips"), {**new, "police_zone": None}, format="json").status_code == 403
    moved = api.patch(url(ours), {"police_zone": town.other_zone.pk}, format="json")
    assert moved.status_code == 403

    api.force_authenticate(town.municipality)
    listed = {t["id"] for t in api.get(reverse("api:alert-tips")).json()}
    assert ours.pk in listed and national.pk in listed and theirs.pk not in listed
    assert api.patch(url(ours), change, format="json").status_code == 403
    assert api.post(reverse("api:alert-tips"), new, format="json").status_code == 403

    api.force_authenticate(town.superuser)
    assert api.patch(url(national), change, format="json").status_code == 200
    assert api.patch(url(theirs), change, format="json").status_code == 200
    national.refresh_from_db()
    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert (
        national.text_nl == theirs.text_nl == ours.text_nl == "Gewijzigd." and ours.police_zone == town.zone
    )


def test_an_alert_carries_its_zones_or_a_national_tip(town, api, tips):
    """Finding 6: an officer picks from their zone's and the national tips; another zone's tip is "no such
    tip" (on 45aa4a3 tips had no zone)."""
    national, ours, theirs = tips
    api.force_authenticate(town.police)
    body = alert_body(circle(500, 500, 300), tip=theirs.pk)
    refused = api.post(reverse("api:alert-preview"), body, format="json")
    assert refused.status_code == 400 and refused.json()["tip"] == ["No such tip."]
    for tip in (national, ours):
        body = alert_body(circle(500, 500, 300), tip=tip.pk)
        assert api.post(reverse("api:alert-preview"), body, format="json").status_code == 200
    by_zone = api.get(reverse("api:alert-tips"), {"police_zone": town.zone.pk}).json()
    assert ours.pk in {t["id"] for t in by_zone} and national.pk in {t["id"] for t in by_zone}


def test_a_tip_edited_after_sending_changes_nothing_sent(town, api, tips, django_capture_on_commit_callbacks):
    """Finding 6: a non-urgent alert waits for a member's quiet hours; meanwhile the tip is edited. On
    45aa4a3 the message composed when the quiet hours ended carried the edited tip (tips were read at send
    time). Now the alert keeps a copy: the e-mail, the CAP export, the reaction page and the API all show
    the tip as it was sent."""
    _national, ours, _theirs = tips
    now = timezone.localtime()
    member_at(
        500,
        500,
        town.alfa,
        quiet_hours_start=(now - timedelta(hours=2)).time(),
        quiet_hours_end=(now + timedelta(hours=2)).time(),
    )
    api.force_authenticate(town.police)
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(
            reverse("api:alert-list"),
            alert_body(circle(500, 500, 300), urgency="non_urgent", tip=ours.pk),
            format="json",
        )
    assert sent.status_code == 201, sent.json()
    delivery = Delivery.objects.get()
    assert delivery.status == "queued" and delivery.not_before is not None and not mail.outbox
    edited = api.patch(reverse("api:alert-tip", args=[ours.pk]), {"text_nl": "NIEUWE TEKST"}, format="json")
    assert edited.status_code == 200

    Delivery.objects.update(not_before=timezone.now() - timedelta(minutes=1))  # the quiet hours are over
    assert deliveries_process([delivery.pk]).sent == 1
    (email,) = mail.outbox
    assert "Sluit af." in email.body and "NIEUWE TEKST" not in email.body
    cap = api.get(reverse("api:alert-cap", args=[sent.json()["id"]]))
    assert (
        etree.fromstring(cap.content).find("cap:info", NS).findtext("cap:instruction", namespaces=NS)
        == "Sluit af."
    )
    page = Client().get(reverse("alerts:react", args=[reaction_token(delivery.pk)])).content.decode()
    assert "Sluit af." in page and "NIEUWE TEKST" not in page
    detail = api.get(reverse("api:alert-detail", args=[sent.json()["id"]])).json()
    assert detail["tip"] == {
        "id": ours.pk,
        "title": "Ons",
        "text_nl": "Sluit af.",
        "text_fr": "",
        "text_de": "",
    }


# --- finding 9: the statistics' parameters ---------------------------------------------------------------


@pytest.mark.parametrize("param", ["police_zone", "network"])
@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999999"])
def test_statistics_parameters_that_are_no_ids_are_a_400(town, api, param, value):
    """Finding 9: `"²".isdigit()` is True and int("²") raised ValueError (a 500) on 45aa4a3."""
    api.force_authenticate(town.police)
    response = api.get(reverse("api:alert-stats"), {param: value})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()[param] == [f"No such {'police zone' if param == 'police_zone' else 'network'}."]


# --- finding 10 ------------------------------------------------------------------------------------------


@pytest.fixture
def sent_alert(town, api, django_capture_on_commit_callbacks):
    member_at(500, 500, town.alfa)
    api.force_authenticate(town.police)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(reverse("api:alert-list"), alert_body(circle(500, 500, 300)), format="json")
    assert response.status_code == 201
    return Alert.objects.get(pk=response.json()["id"])


def post_json(api, url, body):
    # json.dumps writes "\ud800" as an escape, which the server reads back into the lone surrogate.
    return api.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("char", ["\x01", "\x0b", "\x1b", "\x7f", "\x85", "\uffff"])
def test_control_characters_are_refused_on_every_message_path(town, api, sent_alert, char):
    """Finding 10: on 45aa4a3 a message with a control character was sent, and its CAP XML was not
    well-formed. Now every message path (alert, update, cancel, feedback and its outcome, tips) refuses
    it with a 400 that says where; nothing is stored. (NUL and lone surrogates DRF refuses before.)"""
    text = f"Verdacht{char}voertuig"
    api.force_authenticate(town.police)
    response = post_json(api, reverse("api:alert-list"), alert_body(circle(500, 500, 300), message=text))
    assert response.status_code == 400 and "control character" in response.json()["message"][0]
    for name in ("alert-update", "alert-cancel", "alert-feedback"):
        url = reverse(f"api:{name}", args=[sent_alert.pk])
        response = post_json(api, url, {"message": text, "outcome": "Ok."})
        assert response.status_code == 400 and "control character" in response.json()["message"][0], name
    url = reverse("api:alert-feedback", args=[sent_alert.pk])
    response = post_json(api, url, {"message": "Ok.", "outcome": text})
    assert response.status_code == 400 and "control character" in response.json()["outcome"][0]
    response = post_json(api, reverse("api:alert-tips"), {"category": "theft", "title": "T", "text_nl": text})
    assert response.status_code == 400 and "control character" in response.json()["text_nl"][0]
    assert Alert.objects.count() == 1 and not Tip.objects.filter(title="T").exists()


def test_line_breaks_and_tabs_are_text(town, api):
    """Finding 10: what is refused is control characters, not line breaks (CR LF becomes LF)."""
    api.force_authenticate(town.police)
    body = alert_body(circle(500, 500, 300), message="Regel een\r\nRegel\ttwee")
    response = api.post(reverse("api:alert-list"), body, format="json")
    assert response.status_code == 201 and response.json()["message"] == "Regel een\nRegel\ttwee"


def test_cap_of_a_stored_message_with_control_characters_is_well_formed(town, api, sent_alert):
    """Finding 10: messages stored before the check (or written past the services) lose the characters
    XML cannot carry in the CAP export: the document parses and validates (on 45aa4a3 it did not parse)."""
    xsd = Path(capvalidator.__file__).parent / "static" / "CAP-v1.2-schema.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    Alert.objects.filter(pk=sent_alert.pk).update(
        message="Brand\x0bin de\x01 Kerkstraat\x1b.", outcome="x\x1f"
    )
    response = api.get(reverse("api:alert-cap", args=[sent_alert.pk]))
    doc = etree.fromstring(response.content)
    assert schema.validate(doc), schema.error_log
    info = doc.find("cap:info", NS)
    assert info.findtext("cap:description", namespaces=NS) == "Brandin de Kerkstraat."


def test_follow_ups_keep_the_message_length_limit(town, api, sent_alert, settings):
    """Finding 10: on 45aa4a3 an update or feedback of any length was sent (the limit held for the alert
    only). Now every message path applies BIN_ALERT_MAX_MESSAGE_CHARS."""
    long = "x" * (settings.BIN_ALERT_MAX_MESSAGE_CHARS + 1)
    for name in ("alert-update", "alert-cancel", "alert-feedback"):
        response = api.post(
            reverse(f"api:{name}", args=[sent_alert.pk]), {"message": long, "outcome": "Ok."}, format="json"
        )
        assert response.status_code == 400, name
        assert response.json()["message"] == ["The message has 1001 characters; the limit is 1000."]
    response = api.post(
        reverse("api:alert-feedback", args=[sent_alert.pk]),
        {"message": "Ok.", "outcome": long},
        format="json",
    )
    assert response.status_code == 400 and "outcome" in response.json()
    assert Alert.objects.count() == 1


@pytest.mark.parametrize("how", ["left", "erased"])
def test_reaction_links_stop_when_the_member_left_or_was_erased(town, client, sent_alert, how):
    """Finding 10: on 45aa4a3 the link of a member who had left (or erased themselves) still took
    reactions, stored with whatever personal data they typed. Now the page says the link no longer works
    (410), shows nothing of the alert and stores nothing."""
    delivery = Delivery.objects.get(alert=sent_alert)
    member = delivery.member
    if how == "left":
        Membership.objects.filter(member=member).update(status=Membership.Status.LEFT)
    else:
        member_erase(member=member)
    url = reverse("alerts:react", args=[reaction_token(delivery.pk)])
    page = client.get(url)
    with translation.override("nl"):  # the member's language (Dutch), or Dutch when nothing is known
        said = escape(reaction_link_gone_message())
    assert page.status_code == 410 and said in page.content.decode()
    assert "Verdachte personen" not in page.content.decode()
    posted = client.post(url, {"kind": "observation", "text": f"Ik ben {member.name}, {member.mobile}"})
    assert posted.status_code == 410 and not Reaction.objects.exists()


def test_a_member_of_another_of_the_networks_still_reacts(
    town, client, api, django_capture_on_commit_callbacks
):
    """Finding 10: leaving one of two networks the message came through leaves the link working."""
    member = member_at(950, 500, town.alfa, town.binz)
    api.force_authenticate(town.police)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(reverse("api:alert-list"), alert_body(circle(950, 500, 300)), format="json")
    Membership.objects.filter(member=member, network=town.alfa).update(status=Membership.Status.LEFT)
    token = reaction_token(Delivery.objects.get().pk)
    assert client.post(reverse("alerts:react", args=[token]), {"kind": "seen"}).status_code == 200
    assert Reaction.objects.count() == 1


ALERT_ENDPOINTS = [
    ("get", "alert-detail"),
    ("get", "alert-reactions"),
    ("get", "alert-cap"),
    ("post", "alert-send"),
    ("post", "alert-update"),
    ("post", "alert-cancel"),
    ("post", "alert-feedback"),
]


def test_another_zones_alert_answers_like_a_missing_one(town, api, send_alert):
    """Finding 10: on 45aa4a3 another zone's alert id answered 403 and a missing one 404, so ids could be
    enumerated. Now both answer the same 404 on every alert endpoint and on the alert's page."""
    member_at(12500, 500, town.elders)
    theirs = send_alert(town.police_other, center=(12500, 500), radius_m=300)
    missing = theirs.pk + 1000
    api.force_authenticate(town.police)
    for method, name in ALERT_ENDPOINTS:
        answers = []
        for pk in (theirs.pk, missing):
            response = getattr(api, method)(
                reverse(f"api:{name}", args=[pk]), {"message": "x", "outcome": "y"}, format="json"
            )
            answers.append((response.status_code, response.content))
        assert answers[0] == answers[1] and answers[0][0] == 404, name
    page = Client()
    page.force_login(town.police)
    assert page.get(reverse("maps:alert", args=[theirs.pk])).status_code == 404
    assert page.get(reverse("maps:alert", args=[missing])).status_code == 404
    assert Alert.objects.count() == 1 and theirs.follow_ups.count() == 0


def test_another_zones_network_answers_like_a_missing_one_in_the_statistics(town, api):
    """Finding 10 (the same class): the statistics of another zone's network, unpublished ones included,
    answer as a slug that does not exist."""
    api.force_authenticate(town.police)
    theirs = api.get(reverse("api:alert-stats"), {"network": "bin-elders"})
    missing = api.get(reverse("api:alert-stats"), {"network": "bin-nergens"})
    assert theirs.status_code == missing.status_code == 400 and theirs.json() == missing.json()
    assert api.get(reverse("api:alert-stats"), {"network": "bin-alfa"}).status_code == 200


def test_a_draft_takes_its_tip_as_it_reads_when_sent(town, tips):
    """Finding 6: "copied when it is sent": a draft waits, its tip is edited, the send takes that text;
    an edit after the send changes nothing (on 45aa4a3 every message read the tip as it read then)."""
    from alerts.services import alert_create, alert_prepare, alert_send
    from tests.factories import lonlat

    _national, ours, _theirs = tips
    data = alert_prepare(
        user=town.police,
        category="theft",
        urgency="urgent",
        message="Fietsdiefstal.",
        center=lonlat(500, 500),
        radius_m=300,
        tip_id=ours.pk,
    )
    draft = alert_create(user=town.police, data=data)
    assert draft.tip_text_nl == "Sluit af."
    Tip.objects.filter(pk=ours.pk).update(text_nl="Sluit twee keer af.")
    sent = alert_send(alert=draft, user=town.police)
    assert sent.tip_text_nl == "Sluit twee keer af." and sent.tip_title == "Ons"
    Tip.objects.filter(pk=ours.pk).update(text_nl="Anders.", title="Ander")
    sent.refresh_from_db()
    assert (sent.tip_title, sent.tip_text_for("fr")) == ("Ons", "Sluit twee keer af.")
