"""The kinds and life-cycle states of a network, and the groups of them that the service's rules name."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["CLOSED_STATUSES", "EXCLUSIVE_KINDS", "AreaSource", "NetworkKind", "NetworkStatus"]


class NetworkKind(models.TextChoices):
    BIN = "BIN", _("BIN (residents)")
    BIN_Z = "BIN-Z", _("BIN-Z (self-employed)")
    BIN_L = "BIN-L", _("BIN-L (farmers)")
    OTHER = "OTHER", _("other")


class NetworkStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    CHARTER_SIGNED = "charter_signed", _("charter signed")
    RECOGNISED = "recognised", _("recognised by FPS Home Affairs")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    DISSOLVED = "dissolved", _("dissolved")


class AreaSource(models.TextChoices):
    # Where a network's area comes from (Network.boundary_source): drawn (or imported as a polygon), or
    # derived from its street list (streets.NetworkStreetRange): then the list is the truth and the polygon
    # is redrawn from it. Not areas.versions.BoundaryChangeSource, which says what changed a boundary.
    DRAWN = "drawn", _("drawn")
    STREET_LIST = "street_list", _("street list")


# Residential kinds: one address belongs to at most one network of these kinds per municipality.
EXCLUSIVE_KINDS = (NetworkKind.BIN,)
# A network in these states takes no new members and receives no alerts; the others are "live".
CLOSED_STATUSES = (NetworkStatus.SUSPENDED, NetworkStatus.DISSOLVED)
