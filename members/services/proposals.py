"""Proposing a new BIN: a drawn area or a list of streets becomes a proposed, unpublished network."""

import json
from collections import defaultdict

from django.conf import settings
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.geometry import to_storage_multipolygon
from areas.models import Municipality, Network
from areas.services import network_boundary_errors, network_save
from streets.models import Street

from ..emails import email_staff, email_to
from ..models import NetworkProposal, Role
from ..phones import phone_normalise
from ..selectors import area_from_streets
from ._common import _raise

__all__ = ["network_propose"]

# --- start a BIN --------------------------------------------------------------------------------------


def _clean_initiators(errors, initiators: list[dict]) -> list[dict]:
    cleaned = []
    for i, raw in enumerate(initiators or []):
        if not isinstance(raw, dict):
            errors["initiators"].append(_("Initiator %(n)s: expected name and contacts.") % {"n": i + 1})
            continue
        name = " ".join(str(raw.get("name", "")).split())
        email = str(raw.get("email", "") or "").strip()
        phone = str(raw.get("phone", "") or "").strip()
        organisation = " ".join(str(raw.get("organisation", "") or "").split())
        if not name:
            errors["initiators"].append(_("Initiator %(n)s: give a name.") % {"n": i + 1})
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["initiators"].append(
                    _("“%(email)s” is not a valid e-mail address.") % {"email": email}
                )
        if phone:
            try:
                phone = phone_normalise(raw=phone, mobile=False)
            except ValidationError as exc:
                errors["initiators"] += exc.messages
        if not email and not phone:
            errors["initiators"].append(
                _("Initiator %(n)s: give an e-mail address or a phone number.") % {"n": i + 1}
            )
        cleaned.append({"name": name, "email": email, "phone": phone, "organisation": organisation})
    if not cleaned and not errors["initiators"]:
        errors["initiators"].append(_("Give at least one initiator with their contacts."))
    return cleaned


def _parse_area(errors, area_geojson) -> object:
    text = area_geojson if isinstance(area_geojson, str) else json.dumps(area_geojson)
    try:
        geom = GEOSGeometry(text)
    except (GEOSException, ValueError, TypeError):
        errors["area"].append(_("The area is not a GeoJSON polygon."))
        return None
    if geom.srid is None:
        geom.srid = 4326  # GeoJSON (RFC 7946) is always EPSG:4326
    west, south, east, north = settings.BIN_SERVICE_BBOX
    if geom.srid == 4326 and not geom.empty:
        x0, y0, x1, y1 = geom.extent
        if not (west <= x0 and x1 <= east and south <= y0 and y1 <= north):
            if west <= y0 and y1 <= east and south <= x0 and x1 <= north:
                errors["area"].append(
                    _(
                        "The area lies outside Belgium; its coordinates look swapped: "
                        "GeoJSON wants the longitude first."
                    )
                )
            else:
                errors["area"].append(_("The area lies outside the service area (Belgium)."))
            return None
    try:
        return to_storage_multipolygon(geom)
    except ValidationError as exc:
        errors["area"] += exc.messages
        return None


def network_propose(
    *,
    name: str,
    initiator_type: str,
    initiators: list[dict],
    kind: str = Network.Kind.BIN,
    area_geojson: str | dict | None = None,
    street_ids: list[int] | None = None,
    municipality: Municipality | None = None,
    notify: bool = True,
) -> NetworkProposal:
    """Propose a new BIN from a drawn area (GeoJSON, EPSG:4326) or a list of streets.

    The network is created in the state `proposed`, unpublished; the municipality's staff and the police
    zone's officers are told by e-mail (without the initiators' contacts, which they see on their page).
    """
    errors = defaultdict(list)
    name = " ".join((name or "").split())
    if not name:
        errors["name"].append(_("Give the proposed BIN a name, e.g. the neighbourhood's."))
    if kind not in Network.Kind.values:
        errors["kind"].append(_("Choose the kind of network."))
    if initiator_type not in NetworkProposal.Initiator.values:
        errors["initiator_type"].append(_("Say who proposes the BIN."))
    cleaned = _clean_initiators(errors, initiators)
    has_area, has_streets = bool(area_geojson), bool(street_ids)
    if has_area == has_streets:
        errors["area"].append(_("Draw the area on the map or list its streets (one of the two)."))
        _raise(errors)
    boundary, streets, left_out = None, [], []
    if has_area:
        boundary = _parse_area(errors, area_geojson)
        if boundary is not None and municipality is None:
            municipality = (
                Municipality.objects.filter(boundary__intersects=boundary.point_on_surface)
                .order_by("pk")
                .first()
            )
            if municipality is None:
                errors["area"].append(_("The area lies in no municipality we know."))
    else:
        ids = list(dict.fromkeys(int(s) for s in street_ids))
        streets = list(Street.objects.filter(pk__in=ids).select_related("municipality"))
        missing = set(ids) - {s.pk for s in streets}
        if missing:
            errors["streets"].append(
                _("Unknown street ids: %(ids)s.") % {"ids": ", ".join(str(i) for i in sorted(missing))}
            )
        places = {s.municipality for s in streets}
        if len(places) > 1:
            errors["streets"].append(
                _("A BIN lies in one municipality; these streets lie in %(places)s.")
                % {"places": ", ".join(sorted(str(p) for p in places))}
            )
        elif places:
            (place,) = places
            if municipality is not None and municipality.pk != place.pk:
                errors["streets"].append(
                    _("These streets lie in %(place)s, not in %(chosen)s.")
                    % {"place": place, "chosen": municipality}
                )
            municipality = place
        if not errors["streets"] and streets and municipality is not None:
            derived = area_from_streets(
                street_ids=[s.pk for s in streets], municipality=municipality, kind=kind
            )
            left_out = derived.left_out
            if derived.boundary is None or derived.boundary.empty:
                if left_out:
                    errors["streets"].append(
                        _("These streets already lie in %(names)s.") % {"names": ", ".join(left_out)}
                    )
                else:
                    errors["streets"].append(_("These streets have no addresses to draw an area around."))
            else:
                boundary = derived.boundary
    _raise(errors)
    boundary_errors = network_boundary_errors(boundary=boundary, kind=kind, municipality_id=municipality.pk)
    if boundary_errors:
        raise ValidationError({"area": boundary_errors})
    with transaction.atomic():
        description = _("Proposed online on %(date)s.") % {"date": timezone.localdate().isoformat()}
        if left_out:
            description += " " + _("Parts inside %(names)s were left out.") % {"names": ", ".join(left_out)}
        network = network_save(
            network=Network(
                kind=kind,
                name=name,
                municipality=municipality,
                police_zone=municipality.police_zone,
                status=Network.Status.PROPOSED,
                published=False,
                boundary=boundary,
                description=description,
            )
        )
        proposal = NetworkProposal.objects.create(
            name=name,
            kind=kind,
            municipality=municipality,
            initiator_type=initiator_type,
            initiators=cleaned,
            boundary=boundary,
            network=network,
        )
        if streets:
            proposal.streets.set(streets)
    if notify:
        staff = Role.objects.filter(kind=Role.Kind.MUNICIPALITY, municipality=municipality).select_related(
            "user"
        )
        users = [r.user for r in staff]
        if municipality.police_zone_id:
            users += [
                r.user
                for r in Role.objects.filter(
                    kind=Role.Kind.POLICE, police_zone_id=municipality.police_zone_id
                ).select_related("user")
            ]
        email_staff(users=users, template="proposal_new", context={"proposal": proposal, "network": network})
        for person in cleaned:
            if person["email"]:
                email_to(
                    address=person["email"], template="proposal_received", context={"proposal": proposal}
                )
    return proposal
