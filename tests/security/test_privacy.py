"""Issue 11, the review of commit 45aa4a3: one test per privacy finding (3, 8, and two parts of 10).

Each would have failed on 45aa4a3: the docstring says what it caught there. The classes behind them
(invitations, links bound to the address and revocable, data withheld until confirmed, retention) have
their own tests in tests/members/.
"""

import csv
import io
import json
import math
import re

import pytest
from django.contrib.gis.geos import Polygon
from django.core import mail
from django.test import Client
from django.urls import reverse

from members.models import Member, Membership, NetworkProposal
from members.tokens import MANAGE, token_make
from tests.factories import MembershipFactory, lambert, login, lonlat_square
from tests.members.helpers import join_steps

pytestmark = pytest.mark.django_db

REGISTER = {
    "address": "Kerkstraat 9, 9990 Teststad",
    "kind": "resident",
    "name": "Typed By Coordinator",
    "mobile": "0470 99 99 99",
    "landline": "",
    "language": "nl",
    "consent": "on",
}


def anonymous() -> Client:
    return Client(headers={"accept-language": "en"})


def register(coordinator, slug="bin-alfa", **data):
    """The coordinator's registration form, posted; returns the response."""
    return login(coordinator).post(reverse("members:member-register", args=[slug]), {**REGISTER, **data})


def coordinator_sees(coordinator, text: str, slug="bin-alfa") -> bool:
    """Whether `text` appears anywhere the coordinator reads member data: page, CSV, API (every status)."""
    client = login(coordinator)
    page = client.get(reverse("members:network-members", args=[slug])).content.decode()
    statuses = "?" + "&".join(f"status={s}" for s in Membership.Status.values)
    api = client.get(reverse("api:network-members", args=[slug]) + statuses).content.decode()
    csv_text = client.get(reverse("api:network-members-csv", args=[slug]) + statuses).content.decode()
    return text in page or text in api or text in csv_text


def links_in(message, kind: str) -> list[str]:
    return re.findall(rf"https?://[^/\s]+(/(?:nl|fr|de|en)/members/{kind}/[^\s/]+/)", message.body)


# --- finding 3: a coordinator enrols anyone -------------------------------------------------------------


def test_f3_registering_an_existing_member_invites_them_instead_of_enrolling(town):
    """Finding 3: on 45aa4a3 the coordinator of Alfa, typing the e-mail address of a member of Beta, made
    them an approved member of Alfa at once and then read their name, phone and address."""
    bert = MembershipFactory(
        network=town.beta,
        member__name="Bert Beta",
        member__email="bert@example.be",
        member__mobile="+32470555001",
    ).member
    response = register(town.coord_a, email="bert@example.be")
    assert response.status_code == 302
    membership = Membership.objects.get(member=bert, network=town.alfa)
    assert membership.status == Membership.Status.INVITED and membership.invited_by == town.coord_a
    bert.refresh_from_db()
    assert bert.name == "Bert Beta" and bert.mobile == "+32470555001"  # nothing typed replaced their data
    assert not coordinator_sees(town.coord_a, "Bert Beta") and not coordinator_sees(
        town.coord_a, "+32470555001"
    )
    assert login(town.coord_a).get(reverse("members:member-detail", args=[bert.pk])).status_code == 403
    (invitation,) = mail.outbox
    assert invitation.to == ["bert@example.be"] and links_in(invitation, "invitation")


@pytest.mark.parametrize("status", [Membership.Status.LEFT, Membership.Status.REJECTED])
def test_f3_members_who_left_or_were_refused_are_not_re_approved(town, status):
    """Finding 3: on 45aa4a3 a coordinator re-approved members who had left or been refused by registering
    their e-mail address (or phone number) again."""
    gone = MembershipFactory(network=town.alfa, status=status, member__email="gone@example.be")
    register(town.coord_a, email="gone@example.be")
    gone.refresh_from_db()
    assert gone.status == Membership.Status.INVITED and gone.decided_by is None
    # A resident registered by phone who left is not enrolled again by phone either.
    by_phone = MembershipFactory(
        network=town.alfa, status=status, member__email="", member__mobile="+32470555002"
    )
    response = register(town.coord_a, mobile="+32470555002", email="")
    assert response.status_code == 400 and "cannot enrol them again" in response.content.decode()
    by_phone.refresh_from_db()
    assert by_phone.status == status


def test_f3_an_unconfirmed_sign_up_is_never_taken_over(town):
    """Finding 3: on 45aa4a3 a coordinator who typed the address of an unconfirmed sign-up replaced its
    data with their own, marked it as registered by them (so it was never purged) and approved it."""
    join_steps(
        anonymous(),
        {
            "address": "Kerkstraat 5, 9990 Teststad",
            "networks": ["bin-alfa"],
            "kind": "resident",
            "name": "Echte Naam",
            "email": "echt@example.be",
            "mobile": "0470 55 50 03",
            "language": "en",
            "consent": "on",
        },
    )
    member = Member.objects.get(email="echt@example.be")
    register(town.coord_a, email="echt@example.be", name="Overgenomen")
    member.refresh_from_db()
    assert member.name == "Echte Naam" and member.registered_by is None and member.email_confirmed_at is None
    assert member.memberships.get().status == Membership.Status.INVITED
    assert not coordinator_sees(town.coord_a, "Echte Naam") and not coordinator_sees(
        town.coord_a, "+32470555003"
    )


def test_f3_a_phone_registration_does_not_reach_another_bins_member(town):
    """Finding 3: on 45aa4a3 the coordinator of Beta, registering by phone the mobile number of a resident
    whom Alfa's coordinator had registered, enrolled that resident in Beta and read Alfa's record."""
    register(town.coord_a, email="", name="Oma Alfa", mobile="0470 55 50 04")
    oma = Member.objects.get(name="Oma Alfa")
    register(
        town.coord_b,
        slug="bin-beta",
        address="Molenstraat 3, 9990 Teststad",
        name="Iemand",
        mobile="0470 55 50 04",
    )
    assert list(oma.memberships.values_list("network__slug", flat=True)) == ["bin-alfa"]
    assert not coordinator_sees(town.coord_b, "Oma Alfa", slug="bin-beta")
    assert login(town.coord_b).get(reverse("members:member-detail", args=[oma.pk])).status_code == 403


# --- finding 8: self-service links -----------------------------------------------------------------------


def test_f8_a_link_sent_to_the_old_address_stops_working_after_the_change(town):
    """Finding 8: on 45aa4a3 a self-service link sent to the old e-mail address kept working for 90 days
    after the member moved to a new one."""
    member = MembershipFactory(network=town.alfa, member__email="oud@example.be").member
    old_link = reverse("members:manage", args=[token_make(member=member, purpose=MANAGE)])
    client = anonymous()
    form = {"email": "nieuw@example.be", "mobile": member.mobile, "landline": "", "language": "nl"}
    assert client.post(old_link, form).status_code == 302
    (confirm,) = [m for m in mail.outbox if m.to == ["nieuw@example.be"]]
    assert client.get(links_in(confirm, "confirm")[0]).status_code == 200
    member.refresh_from_db()
    assert member.email == "nieuw@example.be"
    refused = client.get(old_link)
    assert refused.status_code == 400 and "no longer uses" in refused.content.decode()


def test_f8_sign_out_everywhere_cancels_every_link_sent_before(town):
    """Finding 8: on 45aa4a3 links could not be revoked: a forwarded or leaked link worked until it expired.
    Now "sign out everywhere" on the member's page stops them all and e-mails a new one."""
    member = MembershipFactory(network=town.alfa, member__email="lek@example.be").member
    leaked = token_make(member=member, purpose=MANAGE)
    client = anonymous()
    page = client.get(reverse("members:manage", args=[leaked])).content.decode()
    sign_out = reverse("members:sign-out", args=[leaked])
    assert sign_out in page
    assert client.post(sign_out).status_code == 200
    for url in (
        reverse("members:manage", args=[leaked]),
        reverse("members:export", args=[leaked]),
        reverse("members:erase", args=[leaked]),
    ):
        assert client.get(url).status_code == 400
    assert Member.objects.filter(pk=member.pk).exists()
    (fresh,) = [m for m in mail.outbox if m.to == ["lek@example.be"]]
    new_link = links_in(fresh, "manage")[-1]
    assert client.get(new_link).status_code == 200


# --- finding 10: unconfirmed sign-ups, proposals ---------------------------------------------------------


def test_f10_coordinators_see_no_data_of_unconfirmed_sign_ups(town):
    """Finding 10: on 45aa4a3 the coordinators saw the full data of sign-ups nobody had confirmed: name,
    address, position, phone and e-mail, on their page, in the CSV and through the API."""
    MembershipFactory(
        network=town.alfa,
        status=Membership.Status.UNCONFIRMED,
        member__name="Niet Bevestigd",
        member__email="niet.bevestigd@example.be",
        member__mobile="+32470555005",
        member__address_text="Kerkstraat 11, 9990 Teststad",
        member__email_confirmed_at=None,
    )
    for secret in ("Niet Bevestigd", "niet.bevestigd@example.be", "+32470555005", "Kerkstraat 11"):
        assert not coordinator_sees(town.coord_a, secret), secret
    client = login(town.coord_a)
    rows = client.get(reverse("api:network-members", args=["bin-alfa"]) + "?status=unconfirmed").json()
    assert [(r["status"], r["personal_data_withheld"], r["member"]["position"]) for r in rows] == [
        ("unconfirmed", True, None)
    ]
    csv_text = client.get(reverse("api:network-members-csv", args=["bin-alfa"]) + "?status=unconfirmed")
    (row,) = csv.DictReader(io.StringIO(csv_text.content.decode("utf-8-sig")))
    assert row["status"] == "unconfirmed" and row["name"] == "" and row["latitude"] == ""


def _many_vertices(n: int) -> dict:
    """A GeoJSON polygon of `n` vertices: a circle of 300 m around the Veldweg, outside every BIN."""
    ring = [
        lambert(300 + 300 * math.cos(2 * math.pi * i / n), 3300 + 300 * math.sin(2 * math.pi * i / n))
        for i in range(n)
    ]
    shape = Polygon([(p.x, p.y) for p in [*ring, ring[0]]], srid=ring[0].srid)
    return json.loads(shape.transform(4326, clone=True).json)


def _proposal(**changes) -> dict:
    person = {"name": "Vera Veld", "email": "vera@example.be"}
    return {
        "name": "BIN Veld",
        "initiator_type": "resident",
        "initiators": [person],
        "area": lonlat_square(0, 2500, 800),
        **changes,
    }


def test_f10_a_proposed_area_has_a_vertex_limit(town, api, settings):
    """Finding 10: on 45aa4a3 a BIN proposal took an area of any number of vertices (anyone may send one)."""
    response = api.post(reverse("api:network-propose"), _proposal(area=_many_vertices(5000)), format="json")
    assert response.status_code == 400
    assert "the limit is 2,000" in json.dumps(response.json()["area"])
    assert not NetworkProposal.objects.exists()
    settings.BIN_PROPOSAL_MAX_VERTICES = 6000
    assert (
        api.post(
            reverse("api:network-propose"), _proposal(area=_many_vertices(5000)), format="json"
        ).status_code
        == 201
    )


def test_f10_a_proposal_e_mails_at_most_three_initiators(town, api):
    """Finding 10: on 45aa4a3 a proposal through the API named up to ten initiators, and each e-mail
    address got a receipt: anyone could have the service e-mail ten strangers per request."""
    four = [{"name": f"Initiator {i}", "email": f"i{i}@example.be"} for i in range(4)]
    refused = api.post(reverse("api:network-propose"), _proposal(initiators=four), format="json")
    assert refused.status_code == 400 and "at most 3 initiators" in json.dumps(refused.json())
    assert not NetworkProposal.objects.exists() and not mail.outbox
    three = [*four[:2], {"name": "Twice", "email": "I0@example.be"}]
    assert (
        api.post(reverse("api:network-propose"), _proposal(initiators=three), format="json").status_code
        == 201
    )
    receipts = sorted(m.to[0] for m in mail.outbox if m.to[0].startswith("i"))
    assert receipts == ["i0@example.be", "i1@example.be"]  # one receipt per address
