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
