"""Writes for the tip library: a tip of a police zone is its police's, a national tip (no zone) the
administrators' (access.permissions.can_edit_tip). The API calls this; the admin asks can_edit_tip itself.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from access.permissions import can_edit_tip, is_administrator, police_zone_ids

from .models import Tip

__all__ = ["tip_save"]

_NO_ZONE = object()


def _refused(police_zone_id: int | None) -> PermissionDenied:
    if police_zone_id is None:
        return PermissionDenied(_("Only administrators write the national tips."))
    return PermissionDenied(_("You write the tips of your own police zone only."))


def tip_save(*, user, data: dict, tip: Tip | None = None) -> Tip:
    """Add a tip (`tip` None) or change `tip` with the checked fields in `data` (as the tip serializer
    gives them: `police_zone` a PoliceZone or None). A new tip without a police zone goes to the officer's
    one zone; an administrator's is national. PermissionDenied when `user` may not write the tip, before
    or after the change."""
    zone = data.get("police_zone", _NO_ZONE)
    if tip is None and zone is _NO_ZONE:
        mine = set() if is_administrator(user) else police_zone_ids(user)
        if len(mine) > 1:
            raise ValidationError({"police_zone": _("Say for which police zone this tip is (police_zone).")})
        zone_id = next(iter(mine), None)
    else:
        zone_id = (tip.police_zone_id if tip else None) if zone is _NO_ZONE else getattr(zone, "pk", None)
    if tip is not None and not can_edit_tip(user, tip.police_zone_id):
        raise _refused(tip.police_zone_id)
    if not can_edit_tip(user, zone_id):
        raise _refused(zone_id)
    tip = tip or Tip()
    for name, value in data.items():
        if name != "police_zone":
            setattr(tip, name, value)
    tip.police_zone_id = zone_id
    tip.updated_by = user
    tip.save()
    return tip
