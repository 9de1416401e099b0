"""The admin asks access.permissions, never Django's model permissions: members' data is for administrators
only, and staff status with every model permission opens nothing (access.backends)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory, login

pytestmark = pytest.mark.django_db


def test_staff_with_every_permission_still_sees_nothing(town):
    member = MembershipFactory(network=town.alfa, member__name="Admin Adriaan").member
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    client = login(staff)
    assert client.get(reverse("admin:members_member_changelist")).status_code == 403
    assert client.get(reverse("admin:members_member_change", args=[member.pk])).status_code == 403
    assert client.get(reverse("admin:members_membership_changelist")).status_code == 403
    # Roles were open to staff with the model permission before: now administrators' only.
    assert client.get(reverse("admin:access_role_changelist")).status_code == 403
    assert client.get(reverse("admin:areas_network_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Admin Adriaan" not in index.content.decode()
    assert index.context["app_list"] == []
