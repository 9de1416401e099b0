"""Join end to end on the web pages: address → covering BIN → form → e-mail over SMTP → link → coordinator."""

import re

import pytest
from django.urls import reverse

from access.models import AccessLog
from members.models import Member, Membership
from tests.factories import lambert, latlon, login

from .helpers import JOIN, JOIN_REFUSED, join_steps

pytestmark = pytest.mark.django_db


def join_url(**query):
    from urllib.parse import urlencode

    return reverse("members:join") + ("?" + urlencode(query) if query else "")


def test_address_step_goes_on_to_the_covering_bins_and_a_map(client, town):
    response = client.get(join_url(address="Marktplein 2, 9990 Teststad"))
    assert response.status_code == 302 and response["Location"] == reverse("members:join-network")
    html = client.get(response["Location"]).content.decode()
    assert "Marktplein 2, 9990 Teststad" in html
    assert 'value="bin-alfa"' in html and 'value="bin-z-markt"' in html
    assert 'value="bin-beta"' not in html
    assert 'id="join-map"' in html and "<iframe" not in html
    assert 'id="join-map-data"' in html


def test_network_join_url_preselects_that_bin_or_names_the_right_one(client, town):
    address = "?address=Kerkstraat+5,+9990+Teststad"
    ok = client.get(reverse("members:network-join", args=["bin-alfa"]) + address, follow=True)
    assert re.search(r'value="bin-alfa" id="id_networks_\d"\s*checked', ok.content.decode())
    wrong = client.get(reverse("members:network-join", args=["bin-beta"]) + address, follow=True)
    assert "BIN Beta does not cover this address; it lies in BIN Alfa." in wrong.content.decode()


def test_address_outside_every_bin_offers_to_start_one(client, town):
    response = client.get(join_url(address="Veldweg 3, 9990 Teststad"), follow=True)
    html = response.content.decode()
    assert "No BIN covers this address." in html
    assert reverse("members:network-start") in html
    assert '<form method="post"' not in html


def test_join_confirm_approve_end_to_end(client, town, mailbox):
    response = join_steps(client, JOIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:join-sent")
    member = Member.objects.get(email="anna.peeters@example.be")
    assert member.mobile == "+32470123456"
    assert member.address is not None and not member.address_unverified
    assert member.memberships.get().status == Membership.Status.UNCONFIRMED
    assert member.consent_version == "2026-01"

    # The confirmation comes over SMTP, with the self-service link too.
    mail = mailbox.last("anna.peeters@example.be")
    assert "Confirm" in mail["Subject"]
    assert "BIN Alfa" in mailbox.body(mail)
    assert "/members/manage/" in mailbox.body(mail)
    confirm = mailbox.link("anna.peeters@example.be", "confirm")
    page = client.get(confirm)
    assert page.status_code == 200
    assert "BIN Alfa" in page.content.decode()
    membership = member.memberships.get()
    assert membership.status == Membership.Status.PENDING
    member.refresh_from_db()
    assert member.email_confirmed_at is not None

    # The coordinator of Alfa hears of it, without the member's data; the coordinator of Beta does not.
    note = mailbox.last(town.coord_a.email)
    # Staff mails speak the site language (Dutch), their links too.
    assert "/nl" + reverse("members:pending").removeprefix("/en") in mailbox.body(note)
    assert "Anna" not in mailbox.body(note) and "470" not in mailbox.body(note)
    assert not mailbox.to(town.coord_b.email)

    coordinator = login(town.coord_a)
    queue = coordinator.get(reverse("members:pending"))
    assert "Anna Peeters" in queue.content.decode()
    decided = coordinator.post(reverse("members:decide", args=[membership.pk]), {"decision": "approve"})
    assert decided.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED
    assert membership.decided_by == town.coord_a
    welcome = mailbox.last("anna.peeters@example.be")
    assert "Welcome to BIN Alfa" in welcome["Subject"]
    assert "/members/manage/" in mailbox.body(welcome)
    assert AccessLog.objects.filter(action="approve", member_id=member.pk, user=town.coord_a).exists()
    assert AccessLog.objects.filter(action="view", network_id=town.alfa.pk, reason="approval queue").exists()


def test_rejection_needs_a_reason_and_the_member_reads_it(client, town, mailbox):
    join_steps(client, JOIN)
    client.get(mailbox.link("anna.peeters@example.be", "confirm"))
    membership = Membership.objects.get(member__email="anna.peeters@example.be")
    coordinator = login(town.coord_a)

    no_reason = coordinator.post(
        reverse("members:decide", args=[membership.pk]), {"decision": "reject"}, follow=True
    )
    assert "Give the reason for the rejection" in no_reason.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PENDING

    coordinator.post(
        reverse("members:decide", args=[membership.pk]),
        {"decision": "reject", "reason": "You live outside the street we cover."},
    )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REJECTED
    mail = mailbox.last("anna.peeters@example.be")
    body = mailbox.body(mail)
    assert "You live outside the street we cover." in body
    assert "/members/manage/" in body

    # A decided request cannot be decided again.
    again = coordinator.post(
        reverse("members:decide", args=[membership.pk]), {"decision": "approve"}, follow=True
    )
    assert "not waiting for a decision" in again.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REJECTED


def test_business_joins_the_bin_z(client, town, mailbox):
    data = {
        **JOIN,
        "address": "Marktplein 2, 9990 Teststad",
        "networks": ["bin-z-markt"],
        "kind": "business",
        "business_name": "Apotheek Markt",
        "business_type": "pharmacy",
        "email": "apotheek@example.be",
    }
    assert join_steps(client, data).status_code == 302
    member = Member.objects.get(email="apotheek@example.be")
    assert member.business_name == "Apotheek Markt"
    assert member.contact_person == "Anna Peeters"
    assert member.memberships.get().network == town.binz


def test_unknown_house_number_is_placed_between_neighbours_and_flagged(client, town, mailbox):
    response = join_steps(client, {**JOIN, "address": "Kerkstraat 8, 9990 Teststad"})
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.address is None and member.address_unverified
    # between 6 (x=350) and 12 (x=650) on the even side
    assert lambert(350, 480).x < member.point.x < lambert(650, 480).x


def test_a_position_given_by_hand_is_used_for_an_address_not_in_the_register(client, town, mailbox):
    by_hand = lambert(500, 100)
    lat, lon = latlon(500, 100)
    data = {**JOIN, "address": "Kerkstraat 8, 9990 Teststad", "lat": f"{lat:.7f}", "lon": f"{lon:.7f}"}
    assert join_steps(client, data).status_code == 302
    member = Member.objects.get()
    assert member.address_unverified
    assert abs(member.point.x - by_hand.x) < 1 and abs(member.point.y - by_hand.y) < 1


def test_double_submission_creates_one_member_and_sends_the_link_again(client, town, mailbox):
    assert join_steps(client, JOIN).status_code == 302
    assert join_steps(client, {**JOIN, "email": "Anna.Peeters@Example.be"}).status_code == 302
    assert Member.objects.count() == 1
    assert Membership.objects.count() == 1
    mails = mailbox.to("anna.peeters@example.be")
    assert len(mails) == 2
    # Both links work; the second confirms nothing new.
    client.get(mailbox.link("anna.peeters@example.be", "confirm"))
    assert Membership.objects.get().status == Membership.Status.PENDING


def test_signing_up_again_after_confirming_keeps_the_data_and_says_where_it_stands(client, town, mailbox):
    join_steps(client, JOIN)
    client.get(mailbox.link("anna.peeters@example.be", "confirm"))
    join_steps(client, {**JOIN, "name": "Someone Else", "mobile": "0470 99 99 99"})
    member = Member.objects.get()
    assert member.name == "Anna Peeters" and member.mobile == "+32470123456"
    assert Membership.objects.get().status == Membership.Status.PENDING
    mail = mailbox.last("anna.peeters@example.be")
    assert "waiting for the coordinator" in mailbox.body(mail)


@pytest.mark.parametrize(
    "change, field, message",
    [
        *JOIN_REFUSED,
        ({"name": ""}, "name", "Give your name"),
        ({"consent": ""}, "consent", "privacy notice"),
        ({"networks": []}, "networks", "Choose the BIN"),
        ({"quiet_hours_start": "22:00"}, "quiet_hours_end", "both the start and the end"),
        ({"kind": "business"}, "business_name", "name of the business"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, town, mailbox, change, field, message):
    response = join_steps(client, {**JOIN, **change})
    assert response.status_code == 400
    assert message in response.content.decode(), response.content.decode()[:3000]
    assert Member.objects.count() == 0
    assert not mailbox.messages


def test_suspended_bin_takes_no_members(client, town, mailbox):
    town.alfa.status = "suspended"
    town.alfa.save()
    response = join_steps(client, JOIN)
    assert response.status_code == 400
    assert "takes no new members" in response.content.decode()
    assert Member.objects.count() == 0


def test_join_page_in_dutch_by_default(town):
    from django.test import Client

    # An unprefixed link (a flyer) without Accept-Language or cookie: the Dutch page.
    response = Client().get("/bin/join/", follow=True)
    assert response.redirect_chain == [("/nl/bin/join/", 302)] and response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()
