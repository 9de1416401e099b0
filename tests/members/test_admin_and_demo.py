"""The members admin writes the access log and erases on delete; the demo command for members."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from access.models import AccessLog, Role
from areas.models import Network
from members.models import Member, Membership
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    NetworkFactory,
    PoliceZoneFactory,
    StreetFactory,
    addresses,
    login,
    square,
)

pytestmark = pytest.mark.django_db


def test_admin_views_of_members_are_logged_and_deleting_erases(town):
    member = MembershipFactory(network=town.alfa, member__name="Admin Adriaan").member
    client = login(town.superuser)
    client.get(reverse("admin:members_member_changelist"))
    client.get(reverse("admin:members_member_change", args=[member.pk]))
    actions = AccessLog.objects.filter(user=town.superuser).values_list("action", "reason")
    assert ("view", "admin: member list") in actions and ("view", "admin: member") in actions
    response = client.post(reverse("admin:members_member_delete", args=[member.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Member.objects.filter(pk=member.pk).exists()
    assert AccessLog.objects.filter(action="erase", member_id=member.pk, user=town.superuser).exists()


@pytest.fixture
def demo_world(town):
    """The slice of the demo data the command looks up by its identifiers (zone 5905, Halle, BIN
    Lembeek-Centrum and its BIN-Z, addresses inside them), added beside the town, 30 km east of it."""
    zone = PoliceZoneFactory(number=5905, name="PZ Zennevallei", boundary=square(29000, -1000, 3000))
    halle = MunicipalityFactory(
        nis_code="23027", name_nl="Halle", police_zone=zone, boundary=square(29000, -1000, 3000)
    )
    bin_ = NetworkFactory(
        name="BIN Lembeek-Centrum",
        slug="bin-lembeek-centrum",
        municipality=halle,
        boundary=square(30000, 0, 1000),
    )
    bin_z = NetworkFactory(
        name="BIN-Z Lembeek Handelskern",
        slug="bin-z-lembeek-handelskern",
        kind=Network.Kind.BIN_Z,
        municipality=halle,
        boundary=square(30100, 100, 300),
    )
    street = StreetFactory(municipality=halle, name_nl="Stationsstraat", postcode="1502")
    addresses(street, {str(n): (30005 + 10 * n, 50) for n in range(1, 100)})
    plein = StreetFactory(municipality=halle, name_nl="Dokter Spitaelslaan", postcode="1502")
    addresses(plein, {str(n): (30150 + 20 * n, 200) for n in range(1, 12)})
    return {"bin": bin_, "bin_z": bin_z}


def test_load_demo_members_is_idempotent(demo_world, mailbox):
    roles = Role.objects.count()  # the town's
    call_command("load_demo_members", verbosity=0)

    def counts():
        return {
            "members": Member.objects.count(),
            "memberships": Membership.objects.count(),
            "roles": Role.objects.count() - roles,
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
