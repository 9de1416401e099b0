"""A coordinator invites, the member decides (members/services/invitations.py); and until a member has
confirmed or accepted, their coordinators see that a request exists and nothing of the member."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.models import AccessLog
from members.models import Member, Membership
from members.services import member_join, members_purge_unconfirmed
from tests.factories import MembershipFactory, lambert, login

from .helpers import JOIN, join_steps

pytestmark = pytest.mark.django_db

REGISTER = {
    "address": "Kerkstraat 9, 9990 Teststad",
    "kind": "resident",
    "name": "Nieuwe Buur",
    "mobile": "0470 44 44 44",
    "landline": "",
    "email": "buur@example.be",
    "language": "en",
    "consent": "on",
}


def invite(coordinator, slug="bin-alfa", **data):
    url = reverse("members:member-register", args=[slug])
    return login(coordinator).post(url, {**REGISTER, **data}, follow=True)


def test_a_new_address_becomes_an_invitation_the_resident_accepts(client, town, mailbox):
    page = invite(town.coord_a).content.decode()
    assert "An invitation was e-mailed to buur@example.be" in page
    member = Member.objects.get(email="buur@example.be")
    assert member.registered_by is None and member.email_confirmed_at is None
    membership = member.memberships.get()
    assert membership.status == Membership.Status.INVITED and membership.invited_by == town.coord_a
    assert "Nieuwe Buur" not in page  # not even what the coordinator typed, until accepted
    assert AccessLog.objects.filter(action="invite", member_id=member.pk, user=town.coord_a).exists()

    mail = mailbox.last("buur@example.be")
    assert "BIN Alfa" in mail["Subject"] and "/members/manage/" in mailbox.body(mail)
    link = mailbox.link("buur@example.be", "invitation")
    shown = client.get(link)  # opening the link (a mail scanner does) changes nothing
    assert shown.status_code == 200 and "Nieuwe Buur" in shown.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.INVITED

    accepted = client.post(link, {"answer": "accept"}, follow=True)
    assert "You are now a member of BIN Alfa" in accepted.content.decode()
    membership.refresh_from_db()
    member.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED and membership.decided_by == town.coord_a
    assert member.email_confirmed_at is not None and member.consent_version == "2026-01"
    assert (
        "Nieuwe Buur"
        in login(town.coord_a).get(reverse("members:network-members", args=["bin-alfa"])).content.decode()
    )
    # The link has done its work.
    assert client.post(link, {"answer": "accept"}).status_code == 400


def test_declining_erases_a_registration_made_only_for_the_invitation(client, town, mailbox):
    invite(town.coord_a)
    link = mailbox.link("buur@example.be", "invitation")
    page = client.post(link, {"answer": "decline"})
    assert page.status_code == 200 and "You declined the invitation to BIN Alfa" in page.content.decode()
    assert not Member.objects.filter(email="buur@example.be").exists()


def test_declining_keeps_an_existing_member_as_they_were(client, town, mailbox):
    bert = MembershipFactory(network=town.beta, member__email="buur@example.be", member__language="en").member
    invite(town.coord_a)
    client.post(mailbox.link("buur@example.be", "invitation"), {"answer": "decline"})
    assert list(bert.memberships.values_list("network__slug", "status")) == [("bin-beta", "approved")]


def test_the_coordinator_page_says_the_same_for_a_known_and_an_unknown_address(town, mailbox):
    MembershipFactory(network=town.beta, member__email="bekend@example.be")
    known = invite(town.coord_a, email="bekend@example.be").content.decode()
    unknown = invite(town.coord_a, email="onbekend@example.be").content.decode()
    for page, address in ((known, "bekend@example.be"), (unknown, "onbekend@example.be")):
        assert f"An invitation was e-mailed to {address}: they become a member of BIN Alfa" in page


def test_a_member_already_in_the_bin_is_left_as_they_are(town, mailbox):
    anna = MembershipFactory(network=town.alfa, member__email="buur@example.be")
    page = invite(town.coord_a).content.decode()
    assert "is a member of BIN Alfa already, or their request waits for your decision" in page
    anna.refresh_from_db()
    assert anna.status == Membership.Status.APPROVED and not mailbox.messages


def test_the_invitation_cannot_be_accepted_for_a_bin_that_does_not_cover_the_member(client, town, mailbox):
    MembershipFactory(
        network=town.beta,
        member__email="buur@example.be",
        member__language="en",
        member__point=lambert(1500, 500),
    )
    invite(town.coord_a)
    refused = client.post(mailbox.link("buur@example.be", "invitation"), {"answer": "accept"})
    assert refused.status_code == 400 and "does not cover the address" in refused.content.decode()
    assert Membership.objects.get(network=town.alfa).status == Membership.Status.INVITED


def test_signing_up_oneself_turns_an_invitation_into_a_request(client, town, mailbox):
    invite(town.coord_a, email=JOIN["email"])
    join_steps(client, JOIN)
    membership = Membership.objects.get(member__email=JOIN["email"])
    assert membership.status == Membership.Status.UNCONFIRMED and membership.invited_by is None


def test_leaving_an_invitation_or_an_unconfirmed_request_shares_nothing(client, town, mailbox):
    invite(town.coord_a)
    manage = mailbox.link("buur@example.be", "manage")
    client.post(manage.rstrip("/") + "/leave/bin-alfa/")
    assert not Membership.objects.filter(network=town.alfa).exists()  # gone, not "left" with data shown


def test_open_invitations_expire_with_their_link(town, mailbox):
    bert = MembershipFactory(network=town.beta, member__email="buur@example.be").member
    invite(town.coord_a)
    Membership.objects.filter(status=Membership.Status.INVITED).update(
        requested_at=timezone.now() - timedelta(days=8)
    )
    members_purge_unconfirmed()
    assert list(bert.memberships.values_list("network__slug", flat=True)) == ["bin-beta"]


def test_the_service_registers_by_phone_and_invites_by_e_mail(town, mailbox):
    base = {k: v for k, v in REGISTER.items() if k not in ("address", "consent", "mobile", "email")}
    base.update(address_text=REGISTER["address"], network_slugs=["bin-alfa"], consent_version="2026-01")
    by_phone = member_join(**base, mobile="0470 44 44 45", registered_by=town.coord_a)
    assert by_phone.memberships[0].status == Membership.Status.APPROVED and by_phone.email_sent == ""
    by_mail = member_join(**base, email="buur@example.be", registered_by=town.coord_a)
    assert by_mail.memberships[0].status == Membership.Status.INVITED and by_mail.email_sent == "invitation"


# --- data withheld until the member confirmed -----------------------------------------------------------


@pytest.fixture
def unconfirmed(town):
    return MembershipFactory(
        network=town.alfa,
        status=Membership.Status.UNCONFIRMED,
        member__name="Zoë Zonder Bevestiging",
        member__email_confirmed_at=None,
    )


def test_the_member_list_shows_unconfirmed_requests_last_and_without_data(town, unconfirmed):
    MembershipFactory(network=town.alfa, member__name="Bart Bevestigd")
    client = login(town.coord_a)
    html = client.get(reverse("members:network-members", args=["bin-alfa"])).content.decode()
    assert "Bart Bevestigd" in html and "Zoë" not in html
    assert html.index("Bart Bevestigd") < html.index("Not confirmed by the member yet")
    # The access log counts the members whose data was shown.
    assert AccessLog.objects.get(action="view", network_id=town.alfa.pk).count == 1
    rows = client.get(reverse("api:network-members", args=["bin-alfa"])).json()
    assert [(r["status"], r["member"]["name"]) for r in rows] == [
        ("approved", "Bart Bevestigd"),
        ("unconfirmed", ""),
    ]


def test_the_detail_page_of_an_unconfirmed_member_is_refused_even_to_an_administrator(town, unconfirmed):
    url = reverse("members:member-detail", args=[unconfirmed.member.pk])
    assert login(town.coord_a).get(url).status_code == 403
    assert login(town.superuser).get(url).status_code == 403


def test_once_confirmed_the_coordinator_sees_the_member(client, town, mailbox):
    join_steps(client, JOIN)
    page = login(town.coord_a).get(reverse("members:network-members", args=["bin-alfa"])).content.decode()
    assert JOIN["name"] not in page
    client.get(mailbox.link(JOIN["email"], "confirm"))
    page = login(town.coord_a).get(reverse("members:network-members", args=["bin-alfa"])).content.decode()
    assert JOIN["name"] in page
