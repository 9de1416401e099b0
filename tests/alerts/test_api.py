"""The alerts API end to end, sending in-process: zones, follow-ups, reactions, statistics, tips. Who may use
it at all: tests/access/test_alert_api.py."""

from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from access.models import Role
from alerts.backends import sms as sms_backends
from alerts.messages import reaction_token, reaction_token_delivery_id
from alerts.models import Alert, AlertAuditLog, Delivery, Reaction, ReactionNotice, Tip
from members.models import Membership
from tests.factories import UserFactory, circle, member_at, police_officer

from .helpers import alert_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(api, django_capture_on_commit_callbacks):
    """POST an alert as `user` and run the on-commit fan-out (in-process, locmem backends)."""

    def _send(user, body, url=None):
        api.force_authenticate(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(url or reverse("api:alert-list"), body, format="json")
        return response

    return _send


# --- zones ------------------------------------------------------------------------------------------------


def test_officer_of_two_zones_names_the_zone_or_it_is_found(town, api):
    officer = police_officer(town.zone)
    Role.objects.create(user=officer, kind=Role.Kind.POLICE, police_zone=town.other_zone)
    member_at(12500, 500, town.elders)
    api.force_authenticate(officer)
    # The centre lies in the other zone only: that zone is taken.
    response = api.post(reverse("api:alert-preview"), alert_body(circle(12500, 500, 300)), format="json")
    assert response.status_code == 200 and response.json()["police_zone"]["id"] == town.other_zone.pk
    # A centre in neither of the officer's zones (south of both) is ambiguous: say which.
    response = api.post(reverse("api:alert-preview"), alert_body(circle(10000, -3000, 2000)), format="json")
    assert response.status_code == 400 and "police_zone" in response.json()


# --- sending ----------------------------------------------------------------------------------------------


def test_send_sms_and_email_in_member_language(town, send):
    tip = Tip.objects.get(title="Verlichting en deuren")
    nl = member_at(500, 500, town.alfa)
    fr = member_at(510, 500, town.alfa, language="fr", mobile="")
    response = send(town.police, alert_body(circle(500, 500, 300), tip=tip.pk))
    assert response.status_code == 201, response.json()
    assert response.json()["recipients"] == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    (sms,) = sms_backends.outbox
    assert sms.to == nl.mobile
    assert "Verdachte personen" in sms.text and "buitenverlichting" in sms.text and "/r/" in sms.text
    (email,) = mail.outbox
    assert email.to == [fr.email]
    assert "éclairage extérieur" in email.body
    assert email.extra_headers["Message-ID"].startswith("<delivery-")
    # The link in each message is signed for that delivery.
    token = sms.text.rsplit("/r/", 1)[1].strip("/")
    assert reaction_token_delivery_id(token) == int(sms.key)
    audit = AlertAuditLog.objects.get()
    assert (audit.action, audit.recipients, audit.channels, audit.username) == (
        "send",
        2,
        {"sms": 1, "email": 1},
        "police",
    )


def test_deliveries_hold_no_personal_data_and_survive_erasure(town, send):
    member = member_at(500, 500, town.alfa)
    send(town.police, alert_body(circle(500, 500, 300)))
    delivery = Delivery.objects.get()
    stored = " ".join(str(v) for v in Delivery.objects.values().get().values())
    assert member.mobile not in stored and member.email not in stored and member.name not in stored
    member.delete()
    delivery.refresh_from_db()
    assert delivery.member_id is None and delivery.status == "sent"


# --- follow-ups -------------------------------------------------------------------------------------------


def test_follow_ups_reach_the_same_recipients(town, api, send):
    stays = member_at(500, 500, town.alfa)
    leaves = member_at(520, 500, town.alfa, mobile="")
    original = send(town.police, alert_body(circle(500, 500, 300))).json()
    assert original["recipients"] == 2
    # Afterwards one member leaves, a new one joins inside the perimeter, and one is erased.
    Membership.objects.filter(member=leaves).update(status=Membership.Status.LEFT)
    member_at(530, 500, town.alfa)
    erased = member_at(540, 500, town.alfa)
    assert erased.pk  # joined after the alert anyway
    sms_backends.outbox.clear()
    mail.outbox.clear()

    update = send(
        town.police,
        {"message": "De verdachte is gezien in de Molenstraat."},
        url=reverse("api:alert-update", args=[original["id"]]),
    )
    assert update.status_code == 201, update.json()
    assert update.json()["references"] == original["id"] and update.json()["recipients"] == 2
    assert [m.to for m in sms_backends.outbox] == [stays.mobile]
    assert [m.to for m in mail.outbox] == [[leaves.email]]
    assert sms_backends.outbox[0].text.startswith("BIN")

    feedback = send(
        town.police,
        {
            "message": "Dank voor jullie hulp: de dader is gevat.",
            "outcome": "Dader gevat dankzij een melding.",
        },
        url=reverse("api:alert-feedback", args=[original["id"]]),
    )
    assert feedback.status_code == 201
    assert set(
        Delivery.objects.filter(alert_id=feedback.json()["id"]).values_list("member_id", flat=True)
    ) == {stays.pk, leaves.pk}
    assert Alert.objects.get(pk=original["id"]).outcome == "Dader gevat dankzij een melding."
    again = send(town.police, {"message": "Nog iets"}, url=reverse("api:alert-update", args=[original["id"]]))
    assert again.status_code == 400 and "closed" in again.json()["detail"][0]


def test_cancel_skips_waiting_messages_and_blocks_updates(town, send):
    member_at(500, 500, town.alfa)
    original = send(town.police, alert_body(circle(500, 500, 300))).json()
    cancel = send(
        town.police, {"message": "Vals alarm."}, url=reverse("api:alert-cancel", args=[original["id"]])
    )
    assert cancel.status_code == 201 and cancel.json()["msg_type"] == "cancel"
    assert Alert.objects.get(pk=original["id"]).status == "cancelled"
    update = send(town.police, {"message": "x"}, url=reverse("api:alert-update", args=[original["id"]]))
    assert update.status_code == 400 and "cancelled" in update.json()["detail"][0]
    empty = send(town.police, {"message": " "}, url=reverse("api:alert-feedback", args=[original["id"]]))
    assert empty.status_code == 400 and empty.json()["message"] == ["The message is empty."]


# --- reactions --------------------------------------------------------------------------------------------


def test_reactions_through_the_signed_link(town, client, api, send, django_capture_on_commit_callbacks):
    member_at(500, 500, town.alfa, language="fr")
    member_at(510, 500, town.alfa)
    original = send(town.police, alert_body(circle(500, 500, 300))).json()
    first, second = Delivery.objects.order_by("pk")
    mail.outbox.clear()

    page = client.get(reverse("alerts:react", args=[reaction_token(first.pk)]))
    assert page.status_code == 200 and "Verdachte personen" in page.content.decode()
    when = timezone.localtime().replace(second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("alerts:react", args=[reaction_token(first.pk)]),
            {"kind": "observation", "text": "Een witte bestelwagen", "observed_at": f"{when:%Y-%m-%dT%H:%M}"},
        )
        assert response.status_code == 200
        client.post(reverse("alerts:react", args=[reaction_token(second.pk)]), {"kind": "seen"})
        client.post(
            reverse("alerts:react", args=[reaction_token(second.pk)]), {"kind": "seen"}
        )  # counted once

    # BIN Alfa's coordinator hears about it once for this alert and network.
    assert [m.to for m in mail.outbox] == [[town.coord_a.email]]
    assert ReactionNotice.objects.count() == 1

    api.force_authenticate(town.police)
    body = api.get(reverse("api:alert-reactions", args=[original["id"]])).json()
    assert body["counts"] == {"seen": 1, "observation": 1}
    assert [r["kind"] for r in body["results"]] == ["observation", "seen"]
    assert body["results"][0]["observed_at"] is not None
    assert body["results"][0]["networks"] == [{"id": town.alfa.pk, "slug": "bin-alfa", "name": "BIN Alfa"}]


def test_reaction_link_refuses_forgery_and_empty_observations(town, client, send):
    member_at(500, 500, town.alfa)
    send(town.police, alert_body(circle(500, 500, 300)))
    delivery = Delivery.objects.get()
    token = reaction_token(delivery.pk)
    forged = reaction_token(delivery.pk + 1)[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("alerts:react", args=[forged])).status_code == 404
    assert client.get(reverse("alerts:react", args=["12-abc"])).status_code == 404
    response = client.post(reverse("alerts:react", args=[token]), {"kind": "observation", "text": " "})
    assert response.status_code == 400 and not Reaction.objects.exists()


def test_reaction_link_expires(town, client, send, settings):
    member_at(500, 500, town.alfa)
    send(town.police, alert_body(circle(500, 500, 300)))
    Alert.objects.update(
        sent_at=timezone.now() - timezone.timedelta(days=settings.BIN_REACTION_LINK_DAYS + 1)
    )
    token = reaction_token(Delivery.objects.get().pk)
    response = client.post(reverse("alerts:react", args=[token]), {"kind": "seen"})
    # The page speaks the member's language (Dutch here).
    assert "te oud" in response.content.decode() and not Reaction.objects.exists()


# --- statistics, detail, tips, page -----------------------------------------------------------------------


def test_statistics_per_zone_and_network(town, api, client, send, settings):
    member_at(500, 500, town.alfa)
    member_at(950, 500, town.alfa, town.binz)
    member_at(1500, 500, town.beta, mobile="")
    original = send(town.police, alert_body(circle(1000, 500, 900))).json()
    send(
        town.police,
        {"message": "Afloop", "outcome": "Niets gevonden"},
        url=reverse("api:alert-feedback", args=[original["id"]]),
    )
    client.post(
        reverse("alerts:react", args=[reaction_token(Delivery.objects.order_by("pk")[0].pk)]),
        {"kind": "seen"},
    )
    Delivery.objects.filter(pk=Delivery.objects.order_by("pk")[1].pk).update(status="failed")

    api.force_authenticate(town.police)
    body = api.get(reverse("api:alert-stats")).json()
    (zone,) = body["police_zones"]
    assert (zone["alerts"], zone["follow_ups"], zone["recipients"], zone["with_outcome"]) == (1, 1, 3, 1)
    assert zone["deliveries"]["failed"] == 1 and zone["reactions"]["seen"] == 1
    per_bin = {n["slug"]: n for n in body["networks"]}
    assert per_bin["bin-alfa"]["recipients"] == 2 and per_bin["bin-beta"]["recipients"] == 1
    assert per_bin["bin-z-markt"]["recipients"] == 1
    assert per_bin["bin-alfa"]["outcomes"][0]["outcome"] == "Niets gevonden"
    only = api.get(reverse("api:alert-stats"), {"network": "bin-beta"}).json()
    assert [n["slug"] for n in only["networks"]] == ["bin-beta"]


def test_detail(town, api, send):
    member_at(500, 500, town.alfa)
    original = send(town.police, alert_body(circle(500, 500, 300))).json()
    body = api.get(reverse("api:alert-detail", args=[original["id"]])).json()
    assert body["circle"]["radius_m"] == 300
    assert body["perimeter"]["type"] == "MultiPolygon"
    assert body["deliveries"]["sent"] == 1 and body["reactions"] == 0 and body["follow_ups"] == []


def test_tips_of_the_zone_and_the_national_library(town, api):
    """Police write their zone's tips; municipality staff read them; the national ones are the
    administrators' (the permission matrix of the tips: tests/security/test_alerts.py)."""
    api.force_authenticate(town.police)
    created = api.post(
        reverse("api:alert-tips"),
        {"category": "theft", "title": "Fiets", "text_nl": "Zet uw fiets op slot."},
        format="json",
    )
    assert created.status_code == 201 and created.json()["police_zone"] == town.zone.pk
    patched = api.patch(
        reverse("api:alert-tip", args=[created.json()["id"]]), {"text_fr": "Cadenassez."}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["text_fr"] == "Cadenassez."
    api.force_authenticate(town.municipality)
    listed = {t["id"] for t in api.get(reverse("api:alert-tips")).json()}
    assert created.json()["id"] in listed and Tip.objects.filter(police_zone=None).count() <= len(listed)
    api.force_authenticate(town.superuser)
    national = api.post(
        reverse("api:alert-tips"),
        {"category": "theft", "title": "Fietsslot", "text_nl": "Twee sloten."},
        format="json",
    )
    assert national.status_code == 201 and national.json()["police_zone"] is None
    api.force_authenticate(UserFactory())
    assert api.get(reverse("api:alert-tips")).status_code == 403
    categories = set(Tip.objects.values_list("category", flat=True))
    assert {"burglary", "fire", "co_poisoning"} <= categories


def test_officer_page(town, client):
    client.force_login(town.police)
    page = client.get(reverse("alerts:new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "smsLength" in html and reverse("api:alert-preview") in html
    client.force_login(UserFactory())
    assert client.get(reverse("alerts:new")).status_code == 403
    client.logout()
    assert client.get(reverse("alerts:new")).status_code == 302


def test_openapi_schema_builds(town, api):
    api.force_authenticate(town.police)
    response = api.get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/alerts/preview/" in response.content


def test_sms_counter_is_in_preview(town, api):
    api.force_authenticate(town.police)
    body = api.post(
        reverse("api:alert-preview"), alert_body(circle(500, 500, 300), message="€" * 81), format="json"
    ).json()
    assert body["sms"]["message"] == {
        "encoding": "GSM-7",
        "length": 162,
        "segments": 2,
        "per_segment": 153,
        "remaining": 143,
        "non_gsm": [],
    }
    assert body["sms"]["full"]["segments"] >= 2


def test_migrations_seed_tips():
    assert Path(__file__).exists()
    assert Tip.objects.filter(category="co_poisoning").exclude(text_fr="").exclude(text_de="").exists()


def test_members_get_messages_in_their_language(town, send):
    member_at(500, 500, town.alfa, language="nl")
    member_at(510, 500, town.alfa, language="fr")
    member_at(520, 500, town.alfa, language="de")
    send(town.police, alert_body(circle(500, 500, 300), category="fire"))
    texts = sorted(m.text.split("\n")[0] for m in sms_backends.outbox)
    assert [t.split(":")[0] for t in texts] == [
        "Alerte PLP (incendie)",
        "BIN-melding (brand)",
        "NIN-Meldung (Brand)",
    ]


def test_officer_errors_in_dutch_by_default(town):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(town.police)
    response = api.post(
        reverse("api:alert-preview"), alert_body(circle(500, 500, 300), message=" "), format="json"
    )
    assert response.json()["message"] == ["Het bericht is leeg."]


def test_reaction_token_is_djangos_signature(settings):
    from django.core import signing

    from alerts.messages import SALT, _signature

    for value in ("1", "zZ9", "4c92"):
        assert _signature(value) == signing.Signer(salt=SALT, algorithm="sha256").signature(value)[:16]
    settings.SECRET_KEY = "another-secret-for-this-test"
    assert _signature("1") == signing.Signer(salt=SALT, algorithm="sha256").signature("1")[:16]


def test_reactions_through_one_link_are_limited(town, client, send):
    from core.throttle import REACTION_TOKEN

    member_at(500, 500, town.alfa)
    send(town.police, alert_body(circle(500, 500, 300)))
    url = reverse("alerts:react", args=[reaction_token(Delivery.objects.get().pk)])
    body = {"kind": "observation", "text": "Een witte bestelwagen"}
    statuses = [client.post(url, body).status_code for _ in range(REACTION_TOKEN.count + 1)]
    assert statuses == [200] * REACTION_TOKEN.count + [429]
    assert Reaction.objects.count() == REACTION_TOKEN.count
