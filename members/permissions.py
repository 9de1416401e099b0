"""Object-level permissions: who may act on which network, police zone or municipality.

anonymous · member (through a signed link, no account) · coordinator (the networks whose coordinators name
them) · police officer (one police zone per role) · municipality staff (one municipality per role) ·
administrator (superuser). Staff status alone grants nothing.
"""

from areas.models import Network

from .models import Role

__all__ = [
    "can_manage_areas",
    "can_manage_members",
    "can_see_member_counts",
    "can_see_proposal",
    "can_send_alerts",
    "coordinated_network_ids",
    "municipality_ids",
    "police_zone_ids",
]


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


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


def can_manage_members(user, network: Network) -> bool:
    """Coordinators of the network and administrators; not police, not municipality staff."""
    if not _active(user):
        return False
    return user.is_superuser or network.coordinators.filter(pk=user.pk).exists()


def can_send_alerts(user, police_zone_id: int | None) -> bool:
    """Police officers of the zone and administrators."""
    if not _active(user) or police_zone_id is None:
        return False
    return user.is_superuser or police_zone_id in police_zone_ids(user)


def can_manage_areas(user, municipality_id: int) -> bool:
    """Municipality staff of the municipality and administrators."""
    if not _active(user):
        return False
    return user.is_superuser or municipality_id in municipality_ids(user)


def _zone_of(network: Network) -> int | None:
    return network.police_zone_id or network.municipality.police_zone_id


def can_see_member_counts(user, network: Network) -> bool:
    """Counts (no names, no numbers): coordinators, police of the zone, municipality staff, administrators."""
    if not _active(user):
        return False
    if user.is_superuser or network.coordinators.filter(pk=user.pk).exists():
        return True
    return (_zone_of(network) in police_zone_ids(user)) or (network.municipality_id in municipality_ids(user))


def can_see_proposal(user, municipality) -> bool:
    """Proposals for a new BIN: staff of the municipality, police of its zone, administrators."""
    if not _active(user):
        return False
    return (
        user.is_superuser
        or municipality.pk in municipality_ids(user)
        or (municipality.police_zone_id is not None and municipality.police_zone_id in police_zone_ids(user))
    )
