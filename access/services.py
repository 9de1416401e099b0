"""Granting and taking away rights: roles, the coordinators of a network, staff status.

Administrators only (access.permissions.can_grant_rights); `actor=None` is the operator at the console (a
management command), who holds the server's keys anyway. Every change runs inside access.audit.acting_as,
so that the grant log the database writes (access.GrantLog) names who made it. The admin calls these.

Staff status follows the roles: granting a municipality role sets `is_staff` (staff see unpublished
networks: access.permissions.sees_unpublished_networks), and taking the last one away clears it again
(administrators keep theirs). The admin's door does not depend on that flag: it asks the roles
(access.permissions.can_use_admin), so a role written some other way still lets its holder in.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .audit import acting_as
from .models import Role
from .permissions import can_grant_rights

__all__ = [
    "coordinator_add",
    "coordinator_remove",
    "coordinators_set",
    "role_grant",
    "role_revoke",
    "role_save",
    "staff_status_sync",
]


def _check(actor) -> None:
    if actor is not None and not can_grant_rights(actor):
        raise PermissionDenied(_("Only administrators grant or take away roles and coordinators."))


def staff_status_sync(*, user) -> bool:
    """Set `user.is_staff` from their roles: on with a municipality role (the admin lets them in), off
    without one unless they are an administrator. Returns the new status. Runs inside the caller's
    acting_as (role_save, role_grant, role_revoke)."""
    wanted = user.is_superuser or Role.objects.filter(user=user, kind=Role.Kind.MUNICIPALITY).exists()
    if user.is_staff != wanted:
        get_user_model().objects.filter(pk=user.pk).update(is_staff=wanted)
        user.is_staff = wanted
    return wanted


def role_save(*, actor, role: Role, via: str = "service") -> Role:
    """Create `role` (unsaved) or store its changes (kind, scope, account); staff status follows."""
    _check(actor)
    with acting_as(actor, via=via):
        before = (
            Role.objects.filter(pk=role.pk).values_list("user_id", flat=True).first() if role.pk else None
        )
        role.full_clean()
        role.save()
        staff_status_sync(user=role.user)
        if before is not None and before != role.user_id:
            staff_status_sync(user=get_user_model().objects.get(pk=before))
    return role


def role_grant(*, actor, user, kind: str, police_zone=None, municipality=None, via: str = "service") -> Role:
    """Give `user` a police role in `police_zone` or a municipality role in `municipality`; an identical
    role they already hold is kept (and their staff status brought in line)."""
    held = Role.objects.filter(
        user=user, kind=kind, police_zone=police_zone, municipality=municipality
    ).first()
    if held is None:
        return role_save(
            actor=actor,
            role=Role(user=user, kind=kind, police_zone=police_zone, municipality=municipality),
            via=via,
        )
    _check(actor)
    with acting_as(actor, via=via):
        staff_status_sync(user=user)
    return held


def role_revoke(*, actor, role: Role, via: str = "service") -> None:
    """Take a role away."""
    _check(actor)
    with acting_as(actor, via=via):
        user = role.user
        role.delete()
        staff_status_sync(user=user)


def coordinator_add(*, actor, network, user, via: str = "service") -> None:
    """Make `user` a coordinator of `network` (its members' data becomes theirs to see)."""
    _check(actor)
    with acting_as(actor, via=via):
        network.coordinators.add(user)


def coordinator_remove(*, actor, network, user, via: str = "service") -> None:
    """`user` no longer coordinates `network`."""
    _check(actor)
    with acting_as(actor, via=via):
        network.coordinators.remove(user)


def coordinators_set(*, actor, network, users, via: str = "service") -> None:
    """The coordinators of `network` are exactly `users`."""
    _check(actor)
    with acting_as(actor, via=via):
        network.coordinators.set(users)
