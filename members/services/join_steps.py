"""The checks of the join pages' steps, each the same rule member_join applies at the end (joining.py).

The web join asks one thing per page (address, BIN, details, consent); each step is checked when it is
sent, so a mistake is shown on the page that asks for it, not three pages later. member_join still checks
everything again when the member consents: these functions only say it earlier.
"""

from collections import defaultdict
from datetime import time

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from areas.models import Network

from ..models import Member
from ._common import _clean_preferences, _raise
from .joining import (
    ResolvedAddress,
    _clean_business,
    _clean_reach,
    _networks_for_point,
    _resolve_address,
)

__all__ = ["join_address_check", "join_details_check", "join_networks_check"]


def join_address_check(*, address_text: str, free_point: Point | None = None) -> ResolvedAddress:
    """The address as member_join will resolve it; ValidationError {"address": …} when it cannot."""
    errors = defaultdict(list)
    resolved = _resolve_address(errors, address_text=address_text or "", free_point=free_point)
    _raise(errors)
    return resolved


def join_networks_check(*, network_slugs: list[str], point: Point | None, kind: str) -> list[Network]:
    """The networks asked for, each live and covering `point`; ValidationError {"networks": …} if not."""
    errors = defaultdict(list)
    networks = _networks_for_point(errors, slugs=network_slugs, point=point, kind=kind)
    _raise(errors)
    return networks


def join_details_check(
    *,
    kind: str,
    name: str,
    business_name: str = "",
    business_type: str = "",
    contact_person: str = "",
    email: str = "",
    mobile: str = "",
    landline: str = "",
    language: str = Member.Language.NL,
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
) -> None:
    """Who signs up and how to reach them, checked as member_join does (online: an e-mail is needed)."""
    errors = defaultdict(list)
    if not " ".join((name or "").split()):
        errors["name"].append(_("Give your name."))
    _clean_reach(errors, mobile=mobile, email=email, landline=landline, registered_by=None)
    _clean_preferences(
        errors, language=language, quiet_hours_start=quiet_hours_start, quiet_hours_end=quiet_hours_end
    )
    _clean_business(
        errors,
        kind=kind,
        name=name,
        business_name=business_name,
        business_type=business_type,
        contact_person=contact_person,
    )
    _raise(errors)
