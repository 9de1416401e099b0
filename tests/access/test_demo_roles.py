"""The demo's people get their rights as an administrator gives them (access.services): the municipality
employee "gemeente" is staff and the admin shows them Halle's networks, and the grant log lists it all."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from access.models import GrantLog
from tests.factories import login
from tests.members.test_admin_and_demo import demo_world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_demo_municipality_employee_opens_the_admin_on_their_networks(demo_world, town):  # noqa: F811
    call_command("load_demo_members", verbosity=0)
    users = get_user_model().objects
    gemeente, politie = users.get(username="gemeente"), users.get(username="politie")
    assert gemeente.is_staff and not politie.is_staff
    page = login(gemeente).get(reverse("admin:areas_network_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "BIN Lembeek-Centrum" in html and "BIN Alfa" not in html
    via = set(
        GrantLog.objects.filter(username__in=["gemeente", "politie", "coordinator"]).values_list(
            "via", "action"
        )
    )
    assert via == {
        ("command: load_demo_members", "role_granted"),
        ("command: load_demo_members", "staff_granted"),
        ("command: load_demo_members", "coordinator_added"),
    }
    # Run again: nothing changes, nothing more is logged.
    count = GrantLog.objects.count()
    call_command("load_demo_members", verbosity=0)
    assert GrantLog.objects.count() == count
