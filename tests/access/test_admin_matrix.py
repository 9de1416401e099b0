"""Every admin page x every role: what access.permissions lets each account open in the admin.

Roles (the town's people; tests/town.py): anonymous · coordinator of BIN Alfa · police officer of PZ Testzone
· municipality staff of Teststad · municipality staff of Anderdorp · a staff account with every model
permission and no role · administrator. Municipality staff get staff status the way the service gives it
(access.services.role_grant); the others are not staff, and Django's admin sends them to its login page.

For each model the four pages (list, add, change, delete) of one object. What a page answers:
ok (200) · no (403) · login (302 to the admin's login) · gone (302 to the admin's index: the object is not in
the account's admin at all, as if it did not exist).
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import AccessLog, GrantLog, Role
from access.services import role_grant
from alerts.models import Alert, AlertAuditLog, Reaction, Tip
from members.models import NetworkProposal
from tests.factories import MembershipFactory, UserFactory, login, member_at

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "coord_a", "police", "municipality", "municipality_other", "staff", "superuser"]
# Only these are staff: the table below gives their answers; everyone else gets "login" on every page.
STAFF_ROLES = ["municipality", "municipality_other", "staff", "superuser"]
PAGES = ["changelist", "add", "change", "delete"]

ADMIN_ONLY = ("no no no ok",) * 4
READ_ONLY = ("no no no ok", "no no no no", "no no no ok", "no no no no")

# row: (admin url prefix, object key, answers per page for municipality municipality_other staff superuser)
MATRIX = {
    "police zone": ("areas_policezone", "zone", ADMIN_ONLY),
    "municipality: Teststad": (
        "areas_municipality",
        "muni",
        ("ok ok no ok", "no no no ok", "ok gone no ok", "no no no ok"),
    ),
    "municipality: Anderdorp": (
        "areas_municipality",
        "other_muni",
        ("ok ok no ok", "no no no ok", "gone ok no ok", "no no no ok"),
    ),
    "network: BIN Alfa (Teststad)": (
        "areas_network",
        "alfa",
        ("ok ok no ok", "ok ok no ok", "ok gone no ok", "no no no ok"),
    ),
    "network: BIN Gamma (Buurdorp, same zone)": (
        "areas_network",
        "gamma",
        ("ok ok no ok", "ok ok no ok", "gone gone no ok", "no no no ok"),
    ),
    "network: BIN Elders (Anderdorp)": (
        "areas_network",
        "elders",
        ("ok ok no ok", "ok ok no ok", "gone ok no ok", "no no no ok"),
    ),
    "proposal: Teststad": (
        "members_networkproposal",
        "proposal",
        ("ok ok no ok", "ok ok no ok", "ok gone no ok", "ok gone no ok"),
    ),
    "proposal: Anderdorp": (
        "members_networkproposal",
        "other_proposal",
        ("ok ok no ok", "ok ok no ok", "gone ok no ok", "gone ok no ok"),
    ),
    "role": ("access_role", "role", ADMIN_ONLY),
    "account": ("auth_user", "account", ADMIN_ONLY),
    "member": ("members_member", "member", ADMIN_ONLY),
    "membership": ("members_membership", "membership", ADMIN_ONLY),
    "access log": ("access_accesslog", "accesslog", READ_ONLY),
    "grant log": ("access_grantlog", "grantlog", READ_ONLY),
    "alert": ("alerts_alert", "alert", READ_ONLY),
    "delivery": ("alerts_delivery", "delivery", READ_ONLY),
    "reaction": ("alerts_reaction", "reaction", READ_ONLY),
    "alert audit log": ("alerts_alertauditlog", "auditlog", READ_ONLY),
    # Municipality staff read their zone's tips and the national ones; the police write their zone's, but
    # have no admin; administrators write them all.
    "tip of PZ Testzone": (
        "alerts_tip",
        "tip",
        ("ok ok no ok", "no no no ok", "ok gone no ok", "no no no ok"),
    ),
    "street": ("streets_street", "street", ADMIN_ONLY),
    "address": ("streets_address", "address", ADMIN_ONLY),
    "login lockout record": (
        "axes_accessattempt",
        "attempt",
        ("no no no ok", "no no no no", "no no no ok", "no no no ok"),
    ),
    "authenticator (TOTP device)": ("otp_totp_totpdevice", "device", ADMIN_ONLY),
}


@pytest.fixture
def objects(town, send_alert):
    """One object of each model in the admin, from the town and a few added to it."""
    for user, municipality in ((town.municipality, town.muni), (town.municipality_other, town.other_muni)):
        role_grant(actor=None, user=user, kind=Role.Kind.MUNICIPALITY, municipality=municipality)
    member_at(500, 700, town.alfa)
    alert = send_alert(town.police, center=(500, 700), radius_m=400)
    membership = MembershipFactory(network=town.alfa, member__name="Matrix Mia")

    def proposal(name, municipality):
        return NetworkProposal.objects.create(
            name=name,
            municipality=municipality,
            initiator_type="resident",
            initiators=[{"name": "Iemand", "email": "iemand@example.be"}],
            boundary=municipality.boundary,
        )

    return {
        "zone": town.zone,
        "muni": town.muni,
        "other_muni": town.other_muni,
        "alfa": town.alfa,
        "gamma": town.gamma,
        "elders": town.elders,
        "proposal": proposal("BIN Voorstel", town.muni),
        "other_proposal": proposal("BIN Elders Voorstel", town.other_muni),
        "role": Role.objects.filter(user=town.police).get(),
        "account": town.coord_a,
        "member": membership.member,
        "membership": membership,
        "accesslog": AccessLog.objects.create(user=town.coord_a, action="view", reason="test"),
        "grantlog": GrantLog.objects.first(),
        "alert": alert,
        "delivery": alert.deliveries.first(),
        "reaction": Reaction.objects.create(alert=alert, kind=Reaction.Kind.SEEN),
        "auditlog": AlertAuditLog.objects.filter(alert=alert).first(),
        "tip": Tip.objects.create(
            category="burglary", title="Sluit af", text_nl="Sluit af.", police_zone=town.zone
        ),
        "street": town.kerkstraat,
        "address": town.kerkstraat.addresses.first(),
        "attempt": AccessAttempt.objects.create(
            username="x",
            ip_address="127.0.0.1",
            user_agent="t",
            failures_since_start=1,
            get_data="",
            post_data="",
        ),
        "device": TOTPDevice.objects.create(user=town.superuser, name="phone"),
    }


def client_for(role, town):
    if role == "anonymous":
        return Client(headers={"accept-language": "en"})
    if role == "staff":
        staff = UserFactory(username="staff-every-permission", is_staff=True)
        staff.user_permissions.set(Permission.objects.all())
        return login(staff)
    return login(getattr(town, role))


def answer(response) -> str:
    if response.status_code == 302:
        return "login" if response["Location"].startswith(reverse("admin:login")) else "gone"
    return {200: "ok", 403: "no"}.get(response.status_code, str(response.status_code))


def page_url(prefix: str, page: str, obj) -> str:
    if page in ("changelist", "add"):
        return reverse(f"admin:{prefix}_{page}")
    return reverse(f"admin:{prefix}_{page}", args=[obj.pk])


@pytest.mark.parametrize("row", list(MATRIX))
def test_admin_matrix(town, objects, row):
    prefix, key, answers = MATRIX[row]
    assert objects[key] is not None
    expected, got = {}, {}
    for role in ROLES:
        client = client_for(role, town)
        for page, tokens in zip(PAGES, answers, strict=True):
            by_role = dict(zip(STAFF_ROLES, tokens.split(), strict=True))
            expected[role, page] = by_role.get(role, "login")
            got[role, page] = answer(client.get(page_url(prefix, page, objects[key])))
    assert got == expected


def test_the_admin_index_lists_only_what_each_role_may_open(town, objects):
    def models(user):
        apps = login(user).get(reverse("admin:index")).context["app_list"]
        return sorted(m["object_name"] for app in apps for m in app["models"])

    assert models(town.municipality) == [
        "Municipality",
        "Network",
        "NetworkProposal",
        "NetworkStreetRange",
        "Tip",
    ]
    assert "Member" in models(town.superuser) and "GrantLog" in models(town.superuser)


def test_a_refused_page_shows_no_member_data(town, objects):
    """Whatever the municipality staff open, members' names never appear."""
    client = login(town.municipality)
    for prefix, key, _answers in MATRIX.values():
        for page in PAGES:
            content = client.get(page_url(prefix, page, objects[key])).content.decode()
            assert "Matrix Mia" not in content, (prefix, page)
    assert Alert.objects.exists()
