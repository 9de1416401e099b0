"""Admin pages of the members app, and the demo command."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from access.models import AccessLog, Role
from areas.models import Network
from members.models import Member, Membership, NetworkProposal
from tests.factories import (
    AddressFactory,
    MunicipalityFactory,
    NetworkFactory,
    PoliceZoneFactory,
    StreetFactory,
    UserFactory,
)

from .conftest import lambert
from .factories import MembershipFactory
from .helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(town, people):
    membership = MembershipFactory(network=town["a"], member__name="Admin Adriaan")
    proposal = NetworkProposal.objects.create(
        name="BIN Voorstel",
        municipality=town["muni"],
        initiator_type="resident",
        initiators=[{"name": "Iemand", "email": "iemand@example.be"}],
        boundary=town["a"].boundary,
    )
    AccessLog.objects.create(user=people["coord_a"], action="view", network_id=town["a"].pk, reason="test")
    return {
        "member": membership.member,
        "membership": membership,
        "role": Role.objects.first(),
        "networkproposal": proposal,
        "accesslog": AccessLog.objects.first(),
    }


@pytest.mark.parametrize(
    ("app", "model"),
    [("members", "member"), ("members", "membership"), ("access", "role"), ("members", "networkproposal"),
     ("access", "accesslog")],
)  # fmt: skip
def test_admin_pages_load_for_a_superuser(people, objects, app, model):
    client = login(people["superuser"])
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app}_{model}_change", args=[objects[model].pk])).status_code == 200
    if model != "accesslog":
        assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200


def test_staff_with_every_permission_still_sees_no_member_data(people, objects):
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["members", "access"]))
    client = login(staff)
    assert client.get(reverse("admin:members_member_changelist")).status_code == 403
    assert client.get(reverse("admin:members_member_change", args=[objects["member"].pk])).status_code == 403
    assert client.get(reverse("admin:members_membership_changelist")).status_code == 403
    assert client.get(reverse("admin:access_role_changelist")).status_code == 200
    assert "Admin Adriaan" not in client.get(reverse("admin:index")).content.decode()


def test_admin_views_of_members_are_logged_and_deleting_erases(people, objects):
    client = login(people["superuser"])
    client.get(reverse("admin:members_member_changelist"))
    client.get(reverse("admin:members_member_change", args=[objects["member"].pk]))
    actions = AccessLog.objects.filter(user=people["superuser"]).values_list("action", "reason")
    assert ("view", "admin: member list") in actions and ("view", "admin: member") in actions
    member_id = objects["member"].pk
    response = client.post(reverse("admin:members_member_delete", args=[member_id]), {"post": "yes"})
    assert response.status_code == 302
    assert not Member.objects.filter(pk=member_id).exists()
    assert AccessLog.objects.filter(action="erase", member_id=member_id, user=people["superuser"]).exists()


@pytest.fixture
def demo_world(db):
    """The slice of the demo data the command needs: Lembeek-Centrum, the BIN-Z, zone 5905, Halle."""
    zone = PoliceZoneFactory(number=5905, name="PZ Zennevallei")
    halle = MunicipalityFactory(nis_code="23027", name_nl="Halle", police_zone=zone)
    bin_ = NetworkFactory(name="BIN Lembeek-Centrum", slug="bin-lembeek-centrum", municipality=halle)
    from tests.factories import square

    bin_z = NetworkFactory(
        name="BIN-Z Lembeek Handelskern",
        slug="bin-z-lembeek-handelskern",
        kind=Network.Kind.BIN_Z,
        municipality=halle,
        boundary=square(100, 100, 300),
    )
    street = StreetFactory(municipality=halle, name_nl="Stationsstraat", postcode="1502")
    for n in range(1, 100):
        AddressFactory(
            street=street, house_number=str(n), number=n, postcode="1502", point=lambert(5 + 10 * n, 50)
        )
    plein = StreetFactory(municipality=halle, name_nl="Dokter Spitaelslaan", postcode="1502")
    for n in range(1, 12):
        AddressFactory(
            street=plein, house_number=str(n), number=n, postcode="1502", point=lambert(150 + 20 * n, 200)
        )
    return {"bin": bin_, "bin_z": bin_z}


def test_load_demo_members_is_idempotent(demo_world, mailbox):
    call_command("load_demo_members", verbosity=0)

    def counts():
        return {
            "members": Member.objects.count(),
            "memberships": Membership.objects.count(),
            "roles": Role.objects.count(),
        }

    assert counts() == {"members": 45, "memberships": 45, "roles": 2}
    assert Membership.objects.filter(network=demo_world["bin"], status="approved").count() == 34
    assert Membership.objects.filter(network=demo_world["bin"], status="pending").count() == 4
    assert Membership.objects.filter(network=demo_world["bin_z"], member__kind="business").count() == 5
    assert all(
        m.mobile.startswith("+32470") and m.email.endswith("@example.be") for m in Member.objects.all()
    )
    assert set(Member.objects.values_list("consent_version", flat=True)) == {"2026-01"}
    assert demo_world["bin"].coordinators.filter(username="coordinator").exists()
    assert not mailbox.messages  # invented addresses get no mail
    call_command("load_demo_members", verbosity=0)
    assert counts() == {"members": 45, "memberships": 45, "roles": 2}
    coordinator = login(Member._meta.apps.get_model("auth", "User").objects.get(username="coordinator"))
    page = coordinator.get(reverse("members:pending"))
    assert page.status_code == 200 and page.content.decode().count('data-membership="') == 4
