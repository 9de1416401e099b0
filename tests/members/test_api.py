"""The membership API: join (same rules as the web form), member lists for coordinators, decisions, counts."""

import csv
import io

import pytest
from django.urls import reverse

from access.models import AccessLog
from members.models import Member, Membership
from tests.factories import MembershipFactory, login

from .helpers import JOIN_API, JOIN_REFUSED

pytestmark = pytest.mark.django_db


def test_join_through_the_api_then_confirm_and_decide(client, town, mailbox):
    response = client.post(reverse("api:members-join"), JOIN_API, content_type="application/json")
    assert response.status_code == 202, response.content
    assert response.json()["networks"] == ["bin-alfa"]
    assert client.get(mailbox.link("api.anna@example.be", "confirm")).status_code == 200
    membership = Membership.objects.get(member__email="api.anna@example.be")
    assert membership.status == Membership.Status.PENDING

    coordinator = login(town.coord_a)
    queue = coordinator.get(reverse("api:memberships-pending")).json()
    assert [(m["id"], m["network"], m["member"]["name"]) for m in queue] == [
        (membership.pk, "bin-alfa", "Api Anna")
    ]
    url = reverse("api:membership-decision", args=[membership.pk])
    refused = coordinator.post(url, {"approve": False}, content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()
    decided = coordinator.post(
        url, {"approve": False, "reason": "Not in our street."}, content_type="application/json"
    )
    assert decided.status_code == 200
    assert decided.json() == {"id": membership.pk, "status": "rejected", "reason": "Not in our street."}
    assert "Not in our street." in mailbox.body(mailbox.last("api.anna@example.be"))
    again = coordinator.post(url, {"approve": True}, content_type="application/json")
    assert again.status_code == 400


@pytest.mark.parametrize(
    "change, field, message",
    [
        *JOIN_REFUSED,
        ({"consent_version": "2020-01"}, "consent", "version 2026-01"),
        ({"networks": []}, "networks", ""),
        ({"lat": 50.7}, "lon", "both lat and lon"),
    ],
)
def test_api_join_bad_input(client, town, mailbox, change, field, message):
    response = client.post(
        reverse("api:members-join"), {**JOIN_API, **change}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert field in body, body
    assert message in " ".join(body[field]), body
    assert not Member.objects.exists() and not mailbox.messages


def test_api_member_list_json_and_csv_are_logged(town):
    MembershipFactory(network=town.alfa, member__name="Lijst Lid", member__mobile="+32470000009")
    MembershipFactory(network=town.alfa, member__name="Weg Lid", status=Membership.Status.LEFT)
    coordinator = login(town.coord_a)
    listing = coordinator.get(reverse("api:network-members", args=["bin-alfa"]))
    assert listing.status_code == 200
    assert {m["member"]["name"] for m in listing.json()} == {"Lijst Lid", "Weg Lid"}
    approved = coordinator.get(reverse("api:network-members", args=["bin-alfa"]) + "?status=approved")
    assert [m["member"]["mobile"] for m in approved.json()] == ["+32470000009"]
    as_csv = coordinator.get(reverse("api:network-members", args=["bin-alfa"]) + "?format=csv")
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["Lijst Lid"]
    csv_path = coordinator.get(reverse("api:network-members-csv", args=["bin-alfa"]))
    assert csv_path.content == as_csv.content
    log = list(AccessLog.objects.filter(user=town.coord_a).order_by("pk").values_list("action", "count"))
    assert log == [("view", 2), ("view", 1), ("export", 1), ("export", 1)]


def test_unknown_network_is_404(town):
    coordinator = login(town.superuser)
    assert coordinator.get(reverse("api:network-members", args=["bin-nope"])).status_code == 404
    assert coordinator.get(reverse("api:network-member-counts", args=["bin-nope"])).status_code == 404
    assert (
        coordinator.post(
            reverse("api:membership-decision", args=[999999]),
            {"approve": True},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_openapi_schema_names_the_inputs(client, town):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("MemberJoinInput", "MembershipDecisionInput", "NetworkProposeInput", "/api/members/join/"):
        assert name in text


@pytest.mark.parametrize("credentials", ["a\x00b:pw", "admin:p\x00w"])
def test_basic_credentials_with_a_nul_character_are_refused_not_a_500(client, town, credentials):
    import base64

    header = "Basic " + base64.b64encode(credentials.encode()).decode()
    r = client.get(reverse("api:memberships-pending"), HTTP_AUTHORIZATION=header)
    assert r.status_code == 403  # refused like any wrong credentials (the session class comes first)
