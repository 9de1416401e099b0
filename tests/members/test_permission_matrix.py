"""Every role x every endpoint that touches member data: allowed or refused, as the issue specifies.

Roles: anonymous · member with their link (no account) · coordinator of BIN A · coordinator of BIN B ·
police officer of A's zone · police officer of another zone · municipality staff of A's municipality ·
administrator. The member under test belongs to BIN A. Pages that need a login send anonymous visitors to
the login page (302); the API answers 403. A signed link is the only key to a member's own pages: a login
does not open them (400, "This link is not valid").
"""

import pytest
from django.test import Client
from django.urls import reverse

from access.models import AccessLog
from members.models import Membership
from members.tokens import MANAGE, token_make

from .factories import MemberFactory, MembershipFactory
from .helpers import login

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "coord_a", "coord_b", "police", "police_other", "municipality", "superuser"]


@pytest.fixture
def world(town, people, mailbox):
    member = MemberFactory(name="Mira Matrix", email="mira@example.be")
    pending = MembershipFactory(member=member, network=town["a"], status=Membership.Status.PENDING)
    return {"member": member, "membership": pending, "token": token_make(member=member, purpose=MANAGE)}


def client_for(role, people):
    if role in ("anonymous", "member"):
        return Client(headers={"accept-language": "en"})
    return login(people[role])


def _token(role, world):
    return world["token"] if role == "member" else "not-a-token"


def row(codes: str) -> dict[str, int]:
    """Expected status per role, in the order of ROLES."""
    return dict(zip(ROLES, map(int, codes.split()), strict=True))


# name: (method, url(world, role), expected status per role)
#                  anonymous  member  coord_a  coord_b  police  police_other  municipality  superuser
ENDPOINTS = {
    "web pending queue": (
        "get",
        lambda w, r: reverse("members:pending"),
        # coord_b has a queue of their own (Beta's), without A's requests
        row("302 302 200 200 403 403 403 200"),
    ),
    "web member list of A": (
        "get",
        lambda w, r: reverse("members:network-members", args=["bin-alfa"]),
        row("302 302 200 403 403 403 403 200"),
    ),
    "web CSV of A": (
        "get",
        lambda w, r: reverse("members:network-members-csv", args=["bin-alfa"]),
        row("302 302 200 403 403 403 403 200"),
    ),
    "web member detail": (
        "get",
        lambda w, r: reverse("members:member-detail", args=[w["member"].pk]),
        row("302 302 200 403 403 403 403 200"),
    ),
    "web decision": (
        "post",
        lambda w, r: reverse("members:decide", args=[w["membership"].pk]),
        row("302 302 302 403 403 403 403 302"),
    ),
    "web counts": (
        "get",
        lambda w, r: reverse("members:counts"),
        # every user with a role sees the counts of their own networks (police_other: BIN Elders)
        row("302 302 200 200 200 200 200 200"),
    ),
    "self-service page": (
        "get",
        lambda w, r: reverse("members:manage", args=[_token(r, w)]),
        row("400 200 400 400 400 400 400 400"),
    ),
    "self-service JSON export": (
        "get",
        lambda w, r: reverse("members:export", args=[_token(r, w)]),
        row("400 200 400 400 400 400 400 400"),
    ),
    "self-service erase": (
        "post",
        lambda w, r: reverse("members:erase", args=[_token(r, w)]),
        row("400 200 400 400 400 400 400 400"),
    ),
    "API member list of A": (
        "get",
        lambda w, r: reverse("api:network-members", args=["bin-alfa"]),
        row("403 403 200 403 403 403 403 200"),
    ),
    "API CSV of A": (
        "get",
        lambda w, r: reverse("api:network-members-csv", args=["bin-alfa"]),
        row("403 403 200 403 403 403 403 200"),
    ),
    "API member list of A as ?format=csv": (
        "get",
        lambda w, r: reverse("api:network-members", args=["bin-alfa"]) + "?format=csv",
        row("403 403 200 403 403 403 403 200"),
    ),
    "API pending queue": (
        "get",
        lambda w, r: reverse("api:memberships-pending"),
        row("403 403 200 200 403 403 403 200"),
    ),
    "API decision": (
        "post",
        lambda w, r: reverse("api:membership-decision", args=[w["membership"].pk]),
        row("403 403 200 403 403 403 403 200"),
    ),
    "API counts of A": (
        "get",
        lambda w, r: reverse("api:network-member-counts", args=["bin-alfa"]),
        row("403 403 200 403 200 403 200 200"),
    ),
    "API counts of every visible network": (
        "get",
        lambda w, r: reverse("api:member-counts"),
        row("403 403 200 200 200 200 200 200"),
    ),
}

BODIES = {
    "web decision": {"decision": "approve"},
    "API decision": {"approve": True},
    "self-service erase": {"confirm": "yes"},
}

# Endpoints whose successful use must leave a row in the access log.
LOGGED = {
    "web member list of A",
    "web CSV of A",
    "web member detail",
    "web decision",
    "self-service JSON export",
    "self-service erase",
    "API member list of A",
    "API CSV of A",
    "API member list of A as ?format=csv",
    "API decision",
}

CASES = [(name, role) for name in ENDPOINTS for role in ROLES]


@pytest.mark.parametrize("endpoint, role", CASES, ids=[f"{n} x {r}" for n, r in CASES])
def test_permission_matrix(world, people, endpoint, role):
    method, url, expected = ENDPOINTS[endpoint]
    client = client_for(role, people)
    path = url(world, role)
    body = BODIES.get(endpoint)
    if method == "post":
        response = (
            client.post(path, body, content_type="application/json")
            if "API" in endpoint
            else client.post(path, body)
        )
    else:
        response = client.get(path)
    assert response.status_code == expected[role], response.content[:500]
    if response.status_code == 302 and role in ("anonymous", "member"):
        assert response["Location"].startswith(reverse("access:login"))

    content = response.content.decode("utf-8", "replace")
    refused = expected[role] >= 400 or (role in ("anonymous", "member") and expected[role] == 302)
    if refused:
        # Refused: nothing personal in the answer, nothing decided, nothing erased, nothing logged.
        assert "Mira Matrix" not in content and "mira@example.be" not in content
        world["membership"].refresh_from_db()
        assert world["membership"].status == Membership.Status.PENDING
        assert not AccessLog.objects.exists()
    elif endpoint in LOGGED:
        assert AccessLog.objects.exists()
    if endpoint.endswith("pending queue") and role in ("coord_a", "superuser"):
        assert "Mira Matrix" in content
        assert AccessLog.objects.filter(network_id=world["membership"].network_id, action="view").exists()
    if role in ("police", "police_other", "municipality", "coord_b"):
        # Whatever they may open, they never see A's member's data.
        assert "Mira Matrix" not in content and "mira@example.be" not in content
