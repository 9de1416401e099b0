"""Proposing a new BIN: a drawn area or a list of streets becomes a proposed, unpublished network."""

import json
from collections import defaultdict

from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access.permissions import proposal_readers
from areas.models import Municipality, Network
from areas.selectors import area_free_of_networks
from areas.services import boundary_change, network_boundary_errors, network_save
from areas.versions import BoundaryChangeSource
from core.geometry import in_service_area, to_storage_multipolygon
from streets.areas import streets_area
from streets.models import Street

from .. import conf
from ..emails import email_staff, email_to
from ..models import NetworkProposal
from ..phones import phone_normalise
from ._common import _raise

__all__ = ["network_propose"]

# --- start a BIN --------------------------------------------------------------------------------------


def _clean_initiators(errors, initiators: list[dict]) -> list[dict]:
    cleaned = []
    limit = conf.PROPOSAL_MAX_INITIATORS
    if len(initiators or []) > limit:
        errors["initiators"].append(
            ngettext(
                "Name at most %(limit)s initiator: each one gets an e-mail.",
                "Name at most %(limit)s initiators: each one gets an e-mail.",
                limit,
            )
            % {"limit": limit}
        )
        return []
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
    limit = conf.proposal_max_vertices()
    if geom.num_coords > limit:
        # Before any transformation or validity check, whose cost grows with the vertices.
        errors["area"].append(
            _("The area has %(n)s vertices; the limit is %(limit)s. Simplify the drawing.")
            % {"n": f"{geom.num_coords:,}", "limit": f"{limit:,}"}
        )
        return None
    if geom.srid is None:
        geom.srid = 4326  # GeoJSON (RFC 7946) is always EPSG:4326
    if geom.srid == 4326 and not geom.empty:
        x0, y0, x1, y1 = geom.extent
        if not (in_service_area(x0, y0) and in_service_area(x1, y1)):
            if in_service_area(y0, x0) and in_service_area(y1, x1):
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


def _area_drawn(errors, area_geojson, municipality):
    """The drawn area in the storage CRS and its municipality (the given one, else the one it lies in)."""
    boundary = _parse_area(errors, area_geojson)
    if boundary is not None and municipality is None:
        municipality = (
            Municipality.objects.filter(boundary__intersects=boundary.point_on_surface).order_by("pk").first()
        )
        if municipality is None:
            errors["area"].append(_("The area lies in no municipality we know."))
    if boundary is not None and municipality is not None:
        _area_in_municipality(errors, boundary, municipality)
    return boundary, municipality


# A drawn area may spill a little over the municipal border (a hand on a map is not a surveyor), not more:
# an area drawn in Halle was once accepted for Malmedy.
AREA_IN_MUNICIPALITY_MIN = 0.9


def _area_in_municipality(errors, boundary, municipality) -> None:
    """The drawn area must lie (mostly) in the chosen municipality."""
    if municipality.boundary is None or not boundary.area:
        return
    inside = boundary.intersection(municipality.boundary).area / boundary.area
    if inside < AREA_IN_MUNICIPALITY_MIN:
        errors["area"].append(
            _(
                "Only %(percent)s%% of the drawn area lies in %(municipality)s: draw the area inside the "
                "municipality, or choose the municipality where it lies."
            )
            % {"percent": round(inside * 100), "municipality": municipality}
        )


def _streets_checked(errors, street_ids, municipality):
    """The streets asked for, and their municipality, which must be one (and the one given, if given)."""
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
    return streets, municipality


def _area_of_streets(errors, streets, municipality, kind) -> tuple:
    """The area around the streets without the parts other BINs hold: (boundary, the BINs left out)."""
    area = streets_area(street_ids=[s.pk for s in streets])
    free = (
        area_free_of_networks(area=area, municipality=municipality, kind=kind) if area is not None else None
    )
    left_out = free.left_out if free else []
    if free is None or free.boundary is None or free.boundary.empty:
        if left_out:
            errors["streets"].append(
                _("These streets already lie in %(names)s.") % {"names": ", ".join(left_out)}
            )
        else:
            errors["streets"].append(_("These streets have no addresses to draw an area around."))
        return None, left_out
    return free.boundary, left_out


def _proposal_notify(proposal: NetworkProposal, network: Network, initiators: list[dict]) -> None:
    """The municipality's staff and the zone's police are told (without the initiators' contacts, which
    they see on their page); each initiator with an e-mail address gets a receipt."""
    users = proposal_readers(proposal.municipality)
    email_staff(users=users, template="proposal_new", context={"proposal": proposal, "network": network})
    for address in dict.fromkeys(p["email"].lower() for p in initiators if p["email"]):
        email_to(address=address, template="proposal_received", context={"proposal": proposal})


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
    zone's officers are told by e-mail.
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
    if bool(area_geojson) == bool(street_ids):
        errors["area"].append(_("Draw the area on the map or list its streets (one of the two)."))
        _raise(errors)
    streets, left_out = [], []
    if area_geojson:
        boundary, municipality = _area_drawn(errors, area_geojson, municipality)
    else:
        boundary = None
        streets, municipality = _streets_checked(errors, street_ids, municipality)
        if not errors["streets"] and streets and municipality is not None:
            boundary, left_out = _area_of_streets(errors, streets, municipality, kind)
    _raise(errors)
    boundary_errors = network_boundary_errors(boundary=boundary, kind=kind, municipality_id=municipality.pk)
    if boundary_errors:
        raise ValidationError({"area": boundary_errors})
    # The first boundary version (areas.versions) says where the network came from.
    with boundary_change(reason="online proposal", source=BoundaryChangeSource.PROPOSAL):
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
        _proposal_notify(proposal, network, cleaned)
    return proposal
