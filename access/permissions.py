"""Every permission decision of the service, in one module: views, selectors, services, the admin and the
map pages ask here and decide nothing themselves.

Who there is: anonymous · member (through a signed link, no account) · coordinator (the networks whose
coordinators name them) · police officer (one police zone per role) · municipality staff (one municipality
per role) · administrator (an active superuser). Staff status alone grants nothing but the sight of
unpublished networks and the admin's door: access.services sets it with a municipality role, and what the
admin then shows is decided here (admin_scope). Django's model permissions and groups grant nothing
(access.backends); only administrators grant rights (can_grant_rights), and the database logs every grant.

Decisions about one object are `can_*` functions returning a bool. Decisions about many come as a `Scope`:
what a user's roles reach (everything, or these zones, municipalities, networks), which the selectors turn
into a query with the areas app's rules (`NetworkQuerySet.in_scope`).
"""

from dataclasses import dataclass

from django.conf import settings

from .models import Role

__all__ = [
    "Scope",
    "admin_scope",
    "alert_scope",
    "can_admin_in_municipality",
    "can_delete_networks",
    "can_evaluate",
    "can_grant_rights",
    "can_manage_members",
    "can_relay",
    "can_see_member",
    "can_see_member_address",
    "can_see_member_counts",
    "can_send_alerts",
    "can_use_member_admin",
    "can_work_with_tips",
    "coordinated_network_ids",
    "coordinator_scope",
    "is_administrator",
    "is_coordinator",
    "is_police",
    "member_counts_scope",
    "municipality_ids",
    "must_use_two_factor",
    "police_zone_ids",
    "proposal_readers",
    "proposals_scope",
    "scope_reaches",
    "sees_unpublished_networks",
]


@dataclass(frozen=True)
class Scope:
    """What a user's roles reach: everything (administrators) or the objects with these ids."""

    everything: bool = False
    police_zones: frozenset[int] = frozenset()
    municipalities: frozenset[int] = frozenset()
    networks: frozenset[int] = frozenset()


EVERYTHING = Scope(everything=True)


def scope_reaches(scope: Scope, network) -> bool:
    """Whether `network` is among the networks of `scope` (NetworkQuerySet.in_scope, for one network)."""
    return (
        scope.everything
        or network.pk in scope.networks
        or network.effective_zone_id in scope.police_zones
        or network.municipality_id in scope.municipalities
    )


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_administrator(user) -> bool:
    """An active superuser: every permission, everywhere."""
    return _active(user) and user.is_superuser


def police_zone_ids(user) -> set[int]:
    """The police zones a user acts for as a police officer."""
    if not _active(user):
        return set()
    return set(Role.objects.filter(user=user, kind=Role.Kind.POLICE).values_list("police_zone_id", flat=True))


def municipality_ids(user) -> set[int]:
    """The municipalities a user works for."""
    if not _active(user):
        return set()
    return set(
        Role.objects.filter(user=user, kind=Role.Kind.MUNICIPALITY).values_list("municipality_id", flat=True)
    )


def coordinated_network_ids(user) -> set[int]:
    """The networks a user coordinates."""
    if not _active(user):
        return set()
    return set(user.coordinated_networks.values_list("pk", flat=True))


def _coordinates(user, network) -> bool:
    return network.coordinators.filter(pk=user.pk).exists()


def can_relay(user, network) -> bool:
    """Forward, decline and pass on reactions of a message for a relay network (alerts.relay): any active
    coordinator of that network, nobody else (not another network's, not the police)."""
    return _active(user) and _coordinates(user, network)


# --- networks ------------------------------------------------------------------------------------------


def sees_unpublished_networks(user) -> bool:
    """Staff see unpublished and dissolved networks in every list, map and lookup; others the public ones."""
    return user is not None and user.is_authenticated and user.is_staff


def proposal_readers(municipality) -> list:
    """The users who see the proposals of `municipality` (told of each new one): its municipality staff and
    the police of its zone. Administrators see them too but are not told."""
    roles = Role.objects.filter(kind=Role.Kind.MUNICIPALITY, municipality=municipality)
    if municipality.police_zone_id:
        roles |= Role.objects.filter(kind=Role.Kind.POLICE, police_zone_id=municipality.police_zone_id)
    return [r.user for r in roles.select_related("user").order_by("kind", "pk")]


def proposals_scope(user) -> Scope:
    """Whose proposals `user` sees: their municipalities' and their police zones' municipalities'."""
    if is_administrator(user):
        return EVERYTHING
    return Scope(
        police_zones=frozenset(police_zone_ids(user)), municipalities=frozenset(municipality_ids(user))
    )


# --- members -------------------------------------------------------------------------------------------


def can_manage_members(user, network) -> bool:
    """Members' personal data and decisions: coordinators of the network and administrators; not police,
    not municipality staff."""
    if not _active(user):
        return False
    return user.is_superuser or _coordinates(user, network)


def is_coordinator(user) -> bool:
    """Whether `user` manages the members of any network (their own, or all as an administrator)."""
    return is_administrator(user) or bool(coordinated_network_ids(user))


def coordinator_scope(user) -> Scope:
    """The networks whose members `user` manages."""
    if is_administrator(user):
        return EVERYTHING
    return Scope(networks=frozenset(coordinated_network_ids(user)))


def can_see_member(user, member_network_ids) -> bool:
    """One member's data: a coordinator of one of the member's networks, or an administrator."""
    if is_administrator(user):
        return True
    return bool(set(member_network_ids) & coordinated_network_ids(user))


def can_see_member_address(user, address_network_ids) -> bool:
    """One of a member's further addresses (the parents', the shop): a coordinator of a network a
    membership made for that address is in, or an administrator; the member's other addresses stay hidden."""
    if is_administrator(user):
        return True
    return bool(set(address_network_ids) & coordinated_network_ids(user))


def can_use_member_admin(user) -> bool:
    """The admin's member and membership pages (all members' data at once): administrators only."""
    return is_administrator(user)


def can_see_member_counts(user, network) -> bool:
    """Counts (no names, no numbers): coordinators, police of the zone, municipality staff, administrators."""
    return scope_reaches(member_counts_scope(user), network)


def member_counts_scope(user) -> Scope:
    """The networks whose member counts `user` sees: coordinated, of their police zones or municipalities."""
    if is_administrator(user):
        return EVERYTHING
    return Scope(
        police_zones=frozenset(police_zone_ids(user)),
        municipalities=frozenset(municipality_ids(user)),
        networks=frozenset(coordinated_network_ids(user)),
    )


# --- the admin and the rights it grants ----------------------------------------------------------------


def can_grant_rights(user) -> bool:
    """Roles, the coordinators of a network, its police zone and police contact, staff and superuser
    status: administrators only (access.services; the database logs each change in access.GrantLog)."""
    return is_administrator(user)


def admin_scope(user) -> Scope:
    """What `user` works on in the admin: everything (administrators); the networks and proposals of their
    municipalities (municipality staff, by their roles: can_use_admin); nothing (anyone else). Members'
    data is not in it: can_use_member_admin."""
    if is_administrator(user):
        return EVERYTHING
    if not _active(user):
        return Scope()
    return Scope(municipalities=frozenset(municipality_ids(user)))


def can_admin_in_municipality(user, municipality_id: int | None = None) -> bool:
    """The admin's networks and proposals of a municipality (view, add, change): administrators and its
    municipality staff. `municipality_id` None: whether the pages open at all (for someone)."""
    scope = admin_scope(user)
    if scope.everything:
        return True
    return bool(scope.municipalities) if municipality_id is None else municipality_id in scope.municipalities


def can_delete_networks(user) -> bool:
    """Deleting a network deletes its memberships: administrators only (others set it dissolved)."""
    return is_administrator(user)


# --- authentication ------------------------------------------------------------------------------------


def must_use_two_factor(user) -> bool:
    """Whether a login of `user` needs a second factor (TOTP) besides the password: administrators, staff,
    police and municipality staff, when settings.BIN_2FA_REQUIRED says so (production)."""
    if not settings.BIN_2FA_REQUIRED or not _active(user):
        return False
    return user.is_superuser or user.is_staff or bool(police_zone_ids(user)) or bool(municipality_ids(user))


# --- alerts --------------------------------------------------------------------------------------------


def is_police(user) -> bool:
    """Police officers (of any zone) and administrators: who works with alerts at all."""
    return is_administrator(user) or bool(police_zone_ids(user))


def can_send_alerts(user, police_zone_id: int | None) -> bool:
    """Alerts of a zone (sending, reading, following up, its alert map): its police and administrators."""
    if not _active(user) or police_zone_id is None:
        return False
    return user.is_superuser or police_zone_id in police_zone_ids(user)


def alert_scope(user) -> Scope:
    """The police zones whose alerts `user` sends and reads."""
    if is_administrator(user):
        return EVERYTHING
    return Scope(police_zones=frozenset(police_zone_ids(user)))


def can_evaluate(user, police_zone) -> bool:
    """The evaluation of a zone's alerts: its police, staff of a municipality in the zone, administrators."""
    if can_send_alerts(user, police_zone.pk):
        return True
    mine = municipality_ids(user)
    return bool(mine) and police_zone.municipalities.filter(pk__in=mine).exists()


def can_work_with_tips(user) -> bool:
    """The library of preventive tips: police and municipality staff read and edit it, and administrators."""
    return is_administrator(user) or bool(police_zone_ids(user)) or bool(municipality_ids(user))


# --- tips and previews (alerts) ------------------------------------------------------------------------
# The tip library has a shelf per police zone, which the zone's police write, and a national shelf (tips
# without a zone), which only administrators write. Whoever works with tips (can_work_with_tips) reads the
# national shelf and the shelves of their zones: police their police zones', municipality staff the zones
# of their municipalities'. An alert carries a tip of its own zone or a national one
# (alerts.models.TipQuerySet.usable_in). The preview of an alert's reach is the zone's police's
# (can_send_alerts); nobody sees its counts below BIN_PREVIEW_MIN_COUNT, and only administrators read the
# log of who previewed what.

__all__ += ["can_audit_previews", "can_edit_tip", "tips_scope"]


def tips_scope(user) -> Scope:
    """The police zones whose own tips `user` reads, besides the national ones: their police zones and the
    zones of their municipalities (Scope.municipalities); every zone for administrators."""
    if is_administrator(user):
        return EVERYTHING
    if not can_work_with_tips(user):
        return Scope()
    return Scope(
        police_zones=frozenset(police_zone_ids(user)), municipalities=frozenset(municipality_ids(user))
    )


def can_edit_tip(user, police_zone_id: int | None) -> bool:
    """Writing a tip (adding, changing, retiring it) of police zone `police_zone_id`: its police and
    administrators; a national tip (None): administrators only. Municipality staff read tips only."""
    if is_administrator(user):
        return True
    return police_zone_id is not None and police_zone_id in police_zone_ids(user)


def can_audit_previews(user) -> bool:
    """The log of alert previews (who looked at the reach of which perimeter): administrators only."""
    return is_administrator(user)


# --- home pages ------------------------------------------------------------------------------------------
# Where a logged-in user starts (maps.views.home): the police their console of alerts, municipality staff
# their maps and proposals, everyone else (coordinators, administrators) the dashboard of their networks.
# Someone with both a police and a municipality role starts as police: alerts do not wait.

__all__ += ["HOME_COORDINATOR", "HOME_MUNICIPALITY", "HOME_POLICE", "home_of"]

HOME_POLICE, HOME_MUNICIPALITY, HOME_COORDINATOR = "police", "municipality", "coordinator"


def home_of(user) -> str:
    """Which home page `user` starts on: HOME_POLICE, HOME_MUNICIPALITY or HOME_COORDINATOR."""
    if not _active(user) or user.is_superuser:
        return HOME_COORDINATOR
    if police_zone_ids(user):
        return HOME_POLICE
    if municipality_ids(user):
        return HOME_MUNICIPALITY
    return HOME_COORDINATOR


# --- templates and saved areas (alerts) ----------------------------------------------------------------
# A police zone prepares message templates and saved areas (named perimeters) for its alerts. They are the
# zone's own, like its alerts: its police read, use and write them, and administrators; nobody else sees
# them, not the police of another zone (a saved area names the places a zone watches), not municipality
# staff.

__all__ += ["alert_content_scope", "can_edit_alert_content"]


def alert_content_scope(user) -> Scope:
    """The police zones whose templates and saved areas `user` reads and picks in an alert."""
    return alert_scope(user)


def can_edit_alert_content(user, police_zone_id: int | None) -> bool:
    """Adding, changing or retiring a template or saved area of police zone `police_zone_id`: its police
    and administrators."""
    return can_send_alerts(user, police_zone_id)


# --- four-eyes approval and exercises (alerts) ---------------------------------------------------------
# A police zone may require a second officer's approval before an alert goes out (alerts.ZoneAlertPolicy).
# The author writes it and submits it; another police officer of the same zone approves it (it is sent
# then) or returns it with a reason; the author edits a returned alert and submits it again. Nobody approves
# their own alert, an administrator's included: four eyes means two people. Administrators without a
# police role of the zone do not approve either: an approval is a police officer's accountable decision.

__all__ += [
    "alert_approvers",
    "approval_scope",
    "can_approve_alert",
    "can_edit_alert",
    "can_set_alert_policy",
]


def approval_scope(user) -> Scope:
    """The police zones whose pending alerts `user` may approve (never their own: can_approve_alert)."""
    return Scope(police_zones=frozenset(police_zone_ids(user)))


def can_approve_alert(user, alert) -> bool:
    """Approving or returning `alert` (four eyes): a police officer of its zone who is not its author."""
    if not _active(user) or alert.created_by_id == user.pk:
        return False
    return alert.police_zone_id in police_zone_ids(user)


def can_edit_alert(user, alert) -> bool:
    """Changing an alert that has not gone out (a draft, or one returned for changes) and submitting it:
    its author, while they still send alerts for its zone."""
    return (
        _active(user)
        and alert.created_by_id is not None
        and alert.created_by_id == user.pk
        and can_send_alerts(user, alert.police_zone_id)
    )


def alert_approvers(police_zone_id: int, *, author_id: int | None = None) -> list:
    """The users who may approve an alert of the zone by `author_id`, to be told of it: the zone's active
    police officers but the author."""
    roles = (
        Role.objects.filter(kind=Role.Kind.POLICE, police_zone_id=police_zone_id, user__is_active=True)
        .exclude(user_id=author_id)
        .select_related("user")
        .order_by("user_id")
    )
    seen, users = set(), []
    for role in roles:
        if role.user_id not in seen:
            seen.add(role.user_id)
            users.append(role.user)
    return users


def can_set_alert_policy(user) -> bool:
    """Whether a police zone's alerts need four-eyes approval (alerts.ZoneAlertPolicy): administrators."""
    return is_administrator(user)


# --- the coverage report of a municipality (maps.views.coverage) ----------------------------------------
# Which addresses lie in no BIN, where networks overlap, which BINs lack a coordinator or a police contact:
# the municipality's staff and the police of its zone work on that together, with administrators. The
# addresses are the public register's, but the list of BINs without a coordinator is internal.

__all__ += ["can_see_coverage"]


def can_see_coverage(user, municipality) -> bool:
    """The coverage report of `municipality`: its staff, the police of its zone and administrators."""
    if is_administrator(user):
        return True
    if not _active(user):
        return False
    if municipality.pk in municipality_ids(user):
        return True
    return municipality.police_zone_id is not None and municipality.police_zone_id in police_zone_ids(user)


# --- the boundary versions of networks (areas.admin_versions) ------------------------------------------
# Who drew which border when is part of a network's administration: whoever manages the network in the
# admin sees its history and compares its versions.

__all__ += ["can_see_boundary_history"]


def can_see_boundary_history(user, municipality_id: int | None) -> bool:
    """The boundary versions of a network of this municipality: its staff and administrators."""
    return municipality_id is not None and can_admin_in_municipality(user, municipality_id)


# --- importing networks from a file in the admin (areas.admin_import) ------------------------------------
# The upload creates and changes networks as the network admin does, so the same people may use it, each
# for the municipalities the admin lets them work on; a feature elsewhere is refused.

__all__ += ["network_import_municipalities"]


def network_import_municipalities(user) -> frozenset[int] | None:
    """The municipalities whose networks `user` may import from a file: None for all (administrators), the
    ones they work for (municipality staff; empty for anyone else)."""
    scope = admin_scope(user)
    return None if scope.everything else scope.municipalities


# --- the admin's door (access.admin_site) --------------------------------------------------------------
# Django's admin lets in accounts whose stored `is_staff` flag is set. access.services sets it with a
# municipality role, but a role written any other way (a shell, SQL, a fixture, a database from before the
# services existed) left the flag off, and the admin refused municipality staff as "not a staff account".
# The door is a permission like any other: decided here, from the roles.

__all__ += ["can_use_admin"]


def can_use_admin(user) -> bool:
    """Whether the admin lets `user` in (its login form and every page): administrators, municipality
    staff by their role whatever the stored staff flag says, and other staff accounts (who find there only
    what admin_scope and can_use_member_admin give them)."""
    if not _active(user):
        return False
    return user.is_superuser or user.is_staff or bool(municipality_ids(user))
