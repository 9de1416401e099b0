"""Coordinators' pages: own BIN only, CSV export, everything logged; police and municipality see counts."""

import csv
import io
import json

import pytest
from django.urls import reverse

from access.models import AccessLog
from members.models import Membership
from tests.factories import MemberFactory, MembershipFactory, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(town):
    """Alfa: 3 approved (one without mobile, one with a landline), 1 pending, 1 left; Beta: 1 approved."""
    a = town.alfa
    approved = [
        MembershipFactory(network=a, member__name="Anna Peeters", member__mobile="+32470000001"),
        MembershipFactory(network=a, member__name="=cmd|' /C calc'!A0", member__mobile=""),
        MembershipFactory(network=a, member__name="Chloé Maes", member__landline="+3223630000"),
    ]
    pending = MembershipFactory(network=a, member__name="Dirk Pending", status=Membership.Status.PENDING)
    MembershipFactory(network=a, member__name="Els Left", status=Membership.Status.LEFT)
    beta = MembershipFactory(network=town.beta, member__name="Bert Beta")
    return {"approved": approved, "pending": pending, "beta": beta}


def test_coordinator_csv_export_of_their_bin(town, members):
    response = login(town.coord_a).get(reverse("members:network-members-csv", args=["bin-alfa"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "bin-alfa-members-" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    names = sorted(r["name"] for r in rows)
    # approved and pending; not those who left, not Beta's
    assert names == sorted(["Anna Peeters", "'=cmd|' /C calc'!A0", "Chloé Maes", "Dirk Pending"])
    anna = next(r for r in rows if r["name"] == "Anna Peeters")
    assert anna["mobile"] == "+32470000001" and anna["status"] == "approved"
    assert float(anna["latitude"]) > 49 and float(anna["longitude"]) > 2
    log = AccessLog.objects.get(action="export", user=town.coord_a)
    assert log.network_id == town.alfa.pk and log.count == 4 and log.reason == "CSV export of the member list"


def test_member_list_and_detail_are_logged(town, members):
    client = login(town.coord_a)
    page = client.get(reverse("members:network-members", args=["bin-alfa"]))
    html = page.content.decode()
    assert "Anna Peeters" in html and "Els Left" in html and "Bert Beta" not in html
    assert AccessLog.objects.filter(action="view", network_id=town.alfa.pk, count=5).exists()
    anna = members["approved"][0].member
    detail = client.get(reverse("members:member-detail", args=[anna.pk]))
    assert detail.status_code == 200 and "+32470000001" in detail.content.decode()
    assert AccessLog.objects.filter(action="view", member_id=anna.pk, reason="member detail page").exists()


def test_coordinator_of_a_cannot_act_on_members_of_b(town, members, mailbox):
    beta_member = members["beta"]
    beta_member.status = Membership.Status.PENDING
    beta_member.save()
    client = login(town.coord_a)
    assert client.get(reverse("members:network-members", args=["bin-beta"])).status_code == 403
    assert client.get(reverse("members:network-members-csv", args=["bin-beta"])).status_code == 403
    assert client.get(reverse("members:member-detail", args=[beta_member.member.pk])).status_code == 403
    decide = client.post(
        reverse("members:decide", args=[beta_member.pk]), {"decision": "reject", "reason": "x"}
    )
    assert decide.status_code == 403
    api = client.post(
        reverse("api:membership-decision", args=[beta_member.pk]),
        {"approve": False, "reason": "x"},
        content_type="application/json",
    )
    assert api.status_code == 403
    beta_member.refresh_from_db()
    assert beta_member.status == Membership.Status.PENDING and beta_member.decided_by is None
    assert not mailbox.messages
    assert not AccessLog.objects.filter(user=town.coord_a, network_id=town.beta.pk).exists()
    # Their approval queue holds only their own BIN's requests.
    queue = client.get(reverse("members:pending")).content.decode()
    assert "Dirk Pending" in queue and "Bert Beta" not in queue


def test_a_member_in_two_bins_shows_each_coordinator_only_their_own(town):
    both = MemberFactory(name="Zoë Twee")
    MembershipFactory(member=both, network=town.alfa)
    MembershipFactory(member=both, network=town.binz, status=Membership.Status.PENDING, reason="")
    detail = login(town.coord_a).get(reverse("members:member-detail", args=[both.pk])).content.decode()
    assert "BIN Alfa" in detail and "BIN-Z Markt" not in detail


def test_dashboard_per_role(town, members):
    coord = login(town.coord_a).get(reverse("members:dashboard")).content.decode()
    assert "BIN Alfa" in coord and reverse("members:network-members", args=["bin-alfa"]) in coord
    assert "BIN Elders" not in coord
    police = login(town.police).get(reverse("members:dashboard")).content.decode()
    assert "BIN Alfa" in police and "BIN Beta" in police and "BIN Elders" not in police
    assert reverse("members:network-members", args=["bin-alfa"]) not in police
    assert "Anna Peeters" not in police
    muni = login(town.municipality).get(reverse("members:dashboard")).content.decode()
    assert "BIN Alfa" in muni and "Anna Peeters" not in muni
    assert reverse("members:network-members", args=["bin-alfa"]) not in muni


def test_police_see_counts_per_channel_and_nothing_personal(town, members):
    response = login(town.police).get(reverse("api:network-member-counts", args=["bin-alfa"]))
    assert response.status_code == 200
    body = response.json()
    assert body["approved"] == 3 and body["pending"] == 1
    assert body["channels"] == {"sms": 2, "email": 3, "voice": 1}
    text = json.dumps(body)
    assert "Anna" not in text and "+32" not in text and "@" not in text
    everything = login(town.police).get(reverse("api:member-counts")).json()
    # Every network of their zone, published or not, in both its municipalities; not the other zone's.
    assert {row["network"] for row in everything} == {
        "bin-alfa",
        "bin-beta",
        "bin-z-markt",
        "bin-verborgen",
        "bin-opgeheven",
        "bin-gamma",
    }
    web = login(town.police).get(reverse("members:counts"))
    assert web.status_code == 200 and "Anna" not in web.content.decode()


def test_login_page_and_redirect(client, town):
    page = client.get(reverse("members:dashboard"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("access:login"))
    user = town.coord_a  # the town's users have the password "pw"
    response = client.post(reverse("access:login"), {"username": user.username, "password": "pw"})
    # The login leads to the user's own home (maps.views.home), for a coordinator their dashboard.
    assert response.status_code == 302 and response["Location"] == reverse("maps:home")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == reverse("members:dashboard")


def test_coordinator_registers_a_resident_without_e_mail_by_phone(town, mailbox):
    url = reverse("members:member-register", args=["bin-alfa"])
    data = {
        "address": "Kerkstraat 9, 9990 Teststad",
        "kind": "resident",
        "name": "Oma Zonder Mail",
        "mobile": "",
        "landline": "02 363 00 00",
        "email": "",
        "language": "nl",
        "consent": "on",
    }
    coordinator = login(town.coord_a)
    assert coordinator.get(url).status_code == 200
    response = coordinator.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(member__name="Oma Zonder Mail")
    assert membership.status == Membership.Status.APPROVED and membership.network == town.alfa
    assert membership.member.landline == "+3223630000" and membership.member.registered_by == town.coord_a
    assert not mailbox.messages
    # Without the resident's consent, or in someone else's BIN: refused.
    no_consent = coordinator.post(url, {**data, "name": "Opa", "consent": ""})
    assert no_consent.status_code == 400 and "privacy statement" in no_consent.content.decode()
    other = login(town.coord_b).post(url, {**data, "name": "Opa"})
    assert other.status_code == 403
    assert not Membership.objects.filter(member__name="Opa").exists()
