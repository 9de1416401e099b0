"""The admin asks access.permissions: members' data is for administrators only, whatever else staff may."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory, login

pytestmark = pytest.mark.django_db


def test_staff_with_every_permission_still_sees_no_member_data(town):
    member = MembershipFactory(network=town.alfa, member__name="Admin Adriaan").member
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["members", "access"]))
    client = login(staff)
    assert client.get(reverse("admin:members_member_changelist")).status_code == 403
    assert client.get(reverse("admin:members_member_change", args=[member.pk])).status_code == 403
    assert client.get(reverse("admin:members_membership_changelist")).status_code == 403
    assert client.get(reverse("admin:access_role_changelist")).status_code == 200
    assert "Admin Adriaan" not in client.get(reverse("admin:index")).content.decode()
