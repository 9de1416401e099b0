"""The grant log: every right given or taken away is written by the database, whoever makes the change, and
names the administrator when the change went through the admin or access.services."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from access.models import GrantLog, Role
from access.services import (
    coordinator_add,
    coordinator_remove,
    role_grant,
    role_revoke,
    role_save,
    staff_status_sync,
)
from tests.factories import UserFactory, login
from tests.test_admin import post_data

pytestmark = pytest.mark.django_db


def entries(**filters) -> list[tuple]:
    rows = GrantLog.objects.filter(**filters).order_by("id")
    return [(r.action, r.username, r.actor_name, r.via) for r in rows]


def test_a_municipality_role_makes_staff_and_taking_it_away_unmakes_it(town):
    clerk = UserFactory(username="clerk")
    role = role_grant(
        actor=town.superuser, user=clerk, kind=Role.Kind.MUNICIPALITY, municipality=town.muni, via="test"
    )
    clerk.refresh_from_db()
    assert clerk.is_staff
    assert entries(user_id=clerk.pk) == [
        ("role_granted", "clerk", "root", "test"),
        ("staff_granted", "clerk", "root", "test"),
    ]
    row = GrantLog.objects.get(user_id=clerk.pk, action="role_granted")
    assert (row.role_kind, row.municipality_id, row.police_zone_id) == ("municipality", town.muni.pk, None)
    role_revoke(actor=town.superuser, role=role, via="test")
    clerk.refresh_from_db()
    assert not clerk.is_staff
    assert entries(user_id=clerk.pk)[2:] == [
        ("role_revoked", "clerk", "root", "test"),
        ("staff_revoked", "clerk", "root", "test"),
    ]


def test_a_police_role_does_not_make_staff(town):
    officer = UserFactory(username="officer")
    role_grant(actor=town.superuser, user=officer, kind=Role.Kind.POLICE, police_zone=town.zone)
    officer.refresh_from_db()
    assert not officer.is_staff


def test_moving_a_role_to_another_account_is_a_revocation_and_a_grant(town):
    first, second = UserFactory(username="first"), UserFactory(username="second")
    role = role_grant(actor=town.superuser, user=first, kind=Role.Kind.MUNICIPALITY, municipality=town.muni)
    role.user = second
    role_save(actor=town.superuser, role=role)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_staff, second.is_staff) == (False, True)
    assert ("role_revoked", "first", "root", "service") in entries(user_id=first.pk)
    assert ("role_granted", "second", "root", "service") in entries(user_id=second.pk)
    role.municipality = town.other_muni
    role_save(actor=town.superuser, role=role)
    changed = GrantLog.objects.get(user_id=second.pk, action="role_changed")
    assert changed.municipality_id == town.other_muni.pk
    assert f"municipality {town.muni.pk}" in changed.before


@pytest.mark.parametrize("who", ["coord_a", "police", "municipality"])
def test_only_administrators_grant(town, who):
    actor = getattr(town, who)
    with pytest.raises(PermissionDenied):
        role_grant(actor=actor, user=actor, kind=Role.Kind.POLICE, police_zone=town.other_zone)
    with pytest.raises(PermissionDenied):
        coordinator_add(actor=actor, network=town.beta, user=actor)
    assert not town.beta.coordinators.filter(pk=actor.pk).exists()
    assert not Role.objects.filter(user=actor, police_zone=town.other_zone).exists()


def test_coordinators_added_and_removed_by_the_service(town):
    coordinator_add(actor=town.superuser, network=town.beta, user=town.coord_a)
    coordinator_remove(actor=town.superuser, network=town.beta, user=town.coord_a)
    assert entries(user_id=town.coord_a.pk, network_id=town.beta.pk) == [
        ("coordinator_added", "coord-a", "root", "service"),
        ("coordinator_removed", "coord-a", "root", "service"),
    ]


def test_changes_behind_the_services_back_are_logged_too_without_an_actor(town):
    """Code that writes the tables itself (a shell, a script, SQL) cannot skip the log."""
    user = UserFactory(username="sneaky")
    town.alfa.coordinators.add(user)
    Role.objects.create(user=user, kind=Role.Kind.POLICE, police_zone=town.zone)
    get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)
    pk = user.pk
    user.delete()
    assert entries(user_id=pk) == [
        ("coordinator_added", "sneaky", "", ""),
        ("role_granted", "sneaky", "", ""),
        ("superuser_granted", "sneaky", "", ""),
        ("role_revoked", "sneaky", "", ""),
        ("coordinator_removed", "sneaky", "", ""),
        ("superuser_revoked", "sneaky", "", ""),
    ]


def test_a_login_is_not_a_grant(town):
    before = GrantLog.objects.count()
    client = login(town.superuser)
    client.post(reverse("access:login"), {"username": "root", "password": "pw"})
    town.superuser.save(update_fields=["last_login"])
    assert GrantLog.objects.count() == before


def test_the_admin_names_the_administrator(town):
    admin = login(town.superuser)
    # A role, through the admin's form.
    clerk = UserFactory(username="clerk")
    response = admin.post(
        reverse("admin:access_role_add"),
        {"user": clerk.pk, "kind": "municipality", "municipality": town.muni.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk.refresh_from_db()
    assert clerk.is_staff
    # A coordinator, through the network's form.
    data = post_data(town.beta, coordinators=[town.coord_b.pk, clerk.pk])
    response = admin.post(reverse("admin:areas_network_change", args=[town.beta.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    # Superuser status, through the account's form.
    response = admin.post(
        reverse("admin:auth_user_change", args=[clerk.pk]),
        {
            "username": "clerk",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # Taking the role away again.
    role = Role.objects.get(user=clerk)
    response = admin.post(reverse("admin:access_role_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert entries(user_id=clerk.pk) == [
        ("role_granted", "clerk", "root", "admin"),
        ("staff_granted", "clerk", "root", "admin"),
        ("coordinator_added", "clerk", "root", "admin"),
        ("superuser_granted", "clerk", "root", "admin"),
        ("role_revoked", "clerk", "root", "admin"),
    ]
    clerk.refresh_from_db()
    assert clerk.is_staff  # an administrator stays staff


def test_the_log_is_complete_from_its_first_row(town):
    """The town's rights were given before any test ran: each is in the log."""
    assert ("coordinator_added", "coord-a", "", "") in entries(network_id=town.alfa.pk)
    assert ("role_granted", "police", "", "") in entries(user_id=town.police.pk)
    assert ("superuser_granted", "root", "", "") in entries(user_id=town.superuser.pk)


def test_staff_status_sync_is_idempotent(town):
    assert staff_status_sync(user=town.municipality) is True
    count = GrantLog.objects.count()
    assert staff_status_sync(user=town.municipality) is True
    assert GrantLog.objects.count() == count
