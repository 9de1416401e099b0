"""Every role x every endpoint that touches member data: allowed or refused, as access.permissions decides.

Roles (the town's people): anonymous · member with their link (no account) · coordinator of BIN Alfa ·
coordinator of BIN Beta · police officer of Alfa's zone · police officer of the other zone · municipality
staff of Alfa's municipality · administrator. The member under test belongs to BIN Alfa. Pages that need a
login send anonymous visitors to the login page (302); the API answers 403. A signed link is the only key
to a member's own pages: a login does not open them (400, "This link is not valid").
"""

import pytest
from django.test import Client
from django.urls import reverse

from access.models import AccessLog
from members.models import Membership
from members.tokens import MANAGE, token_make
from tests.factories import MemberFactory, MembershipFactory, login

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "coord_a", "coord_b", "police", "police_other", "municipality", "superuser"]


@pytest.fixture
def world(town):
    member = MemberFactory(name="Mira Matrix", email="mira@example.be")
    pending = MembershipFactory(member=member, network=town.alfa, status=Membership.Status.PENDING)
    return {"member": member, "membership": pending, "token": token_make(member=member, purpose=MANAGE)}


def client_for(role, town):
    if role in ("anonymous", "member"):
        return Client(headers={"accept-language": "en"})
    return login(getattr(town, role))


def url(name, *args, query=""):
    """The endpoint's address for (world, role): an argument may be "A" (BIN Alfa's slug), "member",
    "membership" (the world's) or "token" (the member's own link for the member, a forged one for others)."""

    def resolve(world, role):
        values = {
            "A": "bin-alfa",
            "member": world["member"].pk,
            "membership": world["membership"].pk,
            "token": world["token"] if role == "member" else "not-a-token",
        }
        return reverse(name, args=[values.get(a, a) for a in args]) + query

    return resolve


# name: (method, url(world, role), expected status per role, in the order of ROLES:
#        anonymous member coord_a coord_b police police_other municipality superuser)
# The pending queue: coord_b has a queue of their own (Beta's), without A's requests. The counts: every user
# with a role sees those of their own networks (police_other: BIN Elders').
ENDPOINTS = {
    "web pending queue": ("get", url("members:pending"), "302 302 200 200 403 403 403 200"),
    "web member list of A": ("get", url("members:network-members", "A"), "302 302 200 403 403 403 403 200"),
    "web CSV of A": ("get", url("members:network-members-csv", "A"), "302 302 200 403 403 403 403 200"),
    "web member detail": ("get", url("members:member-detail", "member"), "302 302 200 403 403 403 403 200"),
    "web decision": ("post", url("members:decide", "membership"), "302 302 302 403 403 403 403 302"),
    "web counts": ("get", url("members:counts"), "302 302 200 200 200 200 200 200"),
    "self-service page": ("get", url("members:manage", "token"), "400 200 400 400 400 400 400 400"),
    "self-service JSON export": ("get", url("members:export", "token"), "400 200 400 400 400 400 400 400"),
    "self-service erase": ("post", url("members:erase", "token"), "400 200 400 400 400 400 400 400"),
    "API member list of A": ("get", url("api:network-members", "A"), "403 403 200 403 403 403 403 200"),
    "API CSV of A": ("get", url("api:network-members-csv", "A"), "403 403 200 403 403 403 403 200"),
    "API member list of A as ?format=csv": (
        "get",
        url("api:network-members", "A", query="?format=csv"),
        "403 403 200 403 403 403 403 200",
    ),
    "API pending queue": ("get", url("api:memberships-pending"), "403 403 200 200 403 403 403 200"),
    "API decision": ("post", url("api:membership-decision", "membership"), "403 403 200 403 403 403 403 200"),
    "API counts of A": ("get", url("api:network-member-counts", "A"), "403 403 200 403 200 403 200 200"),
    "API counts of every visible network": (
        "get",
        url("api:member-counts"),
        "403 403 200 200 200 200 200 200",
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
def test_permission_matrix(world, town, endpoint, role):
    method, address, codes = ENDPOINTS[endpoint]
    expected = dict(zip(ROLES, map(int, codes.split()), strict=True))
    client = client_for(role, town)
    path = address(world, role)
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
