"""Joining: the address through the lookup, the covering networks, the confirmation by e-mail."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import time

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.log import access_log_write
from access.permissions import can_manage_members, coordinator_scope
from areas.models import Network
from areas.selectors import networks_covering_points, networks_visible
from core.geometry import in_service_area, to_storage, to_wgs84
from streets.address_text import AddressTextError, clean_query
from streets.models import Address
from streets.selectors import EXACT, INTERPOLATED, NEAREST, address_lookup

from .. import conf
from ..emails import confirm_url, email_member
from ..models import Member, Membership
from ..tokens import CONFIRM, LinkError, email_digest, token_read
from ._common import (
    JoinResult,
    _clean_channels,
    _clean_preferences,
    _coordinators_told,
    _raise,
    _requests_confirmed,
)
from .invitations import invitations_send

__all__ = ["JoinResult", "ResolvedAddress", "member_confirm_email", "member_join", "member_request_link"]


@dataclass
class ResolvedAddress:
    """Where a typed address puts a member: the register address if it matched exactly, and the point."""

    text: str
    point: Point
    address: Address | None
    unverified: bool
    label: str = ""


def _in_service_area(point: Point) -> bool:
    p = to_wgs84(point) if point.srid != 4326 else point
    return in_service_area(p.x, p.y)


def _resolve_address(errors, *, address_text: str, free_point: Point | None) -> ResolvedAddress | None:
    try:
        text = clean_query(address_text)
    except AddressTextError as exc:
        errors["address"].append(str(exc))
        return None
    result = address_lookup(text=text, max_candidates=3)
    matches = result.matches
    best = matches[0] if matches else None
    # Two equally good candidates (a Kerkstraat 5 in two municipalities): ask, unless only one is exact.
    tie = best is not None and len(matches) > 1 and matches[1].score >= best.score - 0.001
    if tie and (best.match != EXACT or matches[1].match == EXACT):
        errors["address"].append(
            _("“%(text)s” exists in more than one place (%(places)s): add the postcode and municipality.")
            % {"text": text, "places": "; ".join(m.label for m in matches[:3])}
        )
        return None
    if best is not None and best.match == EXACT:
        return ResolvedAddress(text, best.point, best.address, False, best.label)
    if free_point is not None:
        if free_point.srid is None:
            free_point.srid = 4326
        if not _in_service_area(free_point):
            errors["address"].append(_("The position you gave lies outside the service area (Belgium)."))
            return None
        point = to_storage(free_point)
        return ResolvedAddress(text, point, None, True, text)
    if best is not None and best.match in (INTERPOLATED, NEAREST) and best.street is not None:
        return ResolvedAddress(text, best.point, None, True, best.label)
    if best is not None and best.street is not None:
        errors["address"].append(_("Add your house number: “%(text)s” names a street only.") % {"text": text})
    else:
        errors["address"].append(
            _("We could not find “%(text)s”. Check the street and municipality, or give your position.")
            % {"text": text}
        )
    return None


def _networks_for_point(errors, *, slugs: list[str], point: Point | None, kind: str) -> list[Network]:
    """The networks asked for, each checked to cover `point`; errors name the ones that do."""
    slugs = list(dict.fromkeys(s.strip() for s in slugs if s and s.strip()))
    if not slugs:
        errors["networks"].append(_("Choose the BIN you want to join."))
        return []
    found = {n.slug: n for n in networks_visible().filter(slug__in=slugs)}
    covering = networks_covering_points(points=[point])[0] if point is not None else []
    covering_ids = {c.network.pk for c in covering}
    networks = []
    for slug in slugs:
        network = found.get(slug)
        if network is None:
            errors["networks"].append(_("There is no BIN “%(slug)s” that takes members.") % {"slug": slug})
            continue
        if not network.is_live:
            errors["networks"].append(
                _("%(name)s is %(status)s and takes no new members.")
                % {"name": network.name, "status": network.get_status_display()}
            )
            continue
        if network.kind != Network.Kind.BIN and kind == Member.Kind.RESIDENT:
            errors["networks"].append(
                _("%(name)s is a network for businesses and the self-employed: sign up as a business.")
                % {"name": network.name}
            )
            continue
        if point is None:
            continue
        if network.pk not in covering_ids:
            same_kind = [c.network.name for c in covering if c.network.kind == network.kind]
            if same_kind:
                errors["networks"].append(
                    _("%(name)s does not cover this address; it lies in %(others)s.")
                    % {"name": network.name, "others": ", ".join(same_kind)}
                )
            else:
                errors["networks"].append(
                    _("%(name)s does not cover this address, and no other %(kind)s covers it either.")
                    % {"name": network.name, "kind": network.get_kind_display()}
                )
            continue
        networks.append(network)
    return networks


# --- join ---------------------------------------------------------------------------------------------


_Errors = defaultdict[str, list[str]]


def _clean_reach(
    errors: _Errors, *, mobile: str, email: str, landline: str, registered_by
) -> tuple[str, str, str]:
    """The channels, normalised; online an e-mail address is needed, by phone any one channel will do."""
    mobile, email, landline = _clean_channels(errors, mobile=mobile, email=email, landline=landline)
    if registered_by is None and not email and not errors["email"]:
        errors["email"].append(
            _(
                "An e-mail address is needed to confirm your sign-up and to send you the link to manage it. "
                "No e-mail? Ask the coordinator of your BIN to register you by phone."
            )
        )
    if registered_by is not None and not (email or mobile or landline) and not errors["mobile"]:
        errors["mobile"].append(_("Give at least one way to reach the member: mobile, e-mail or landline."))
    return mobile, email, landline


def _clean_business(
    errors: _Errors, *, kind: str, name: str, business_name: str, business_type: str, contact_person: str
) -> tuple[str, str, str]:
    """A business's name, type and contact person (the member's name by default); blank for a resident."""
    if kind not in Member.Kind.values:
        errors["kind"].append(_("Choose resident or business."))
    if kind != Member.Kind.BUSINESS:
        return "", "", ""
    business_name = " ".join((business_name or "").split())
    if not business_name:
        errors["business_name"].append(_("Give the name of the business."))
    if business_type not in Member.BusinessType.values:
        errors["business_type"].append(_("Choose the type of business."))
    return business_name, business_type, " ".join((contact_person or "").split()) or name


def _check_consent(errors: _Errors, *, consent_version: str) -> None:
    if consent_version != conf.consent_version():
        errors["consent"].append(
            _("Read and accept the privacy statement (version %(version)s).")
            % {"version": conf.consent_version()}
        )


def _check_coordinator(*, registered_by, networks: list[Network]) -> None:
    """A coordinator registers members in the networks they coordinate only."""
    for network in networks:
        if not can_manage_members(registered_by, network):
            raise PermissionDenied(_("You do not coordinate %(name)s.") % {"name": network.name})


def member_join(
    *,
    address_text: str,
    network_slugs: list[str],
    name: str,
    consent_version: str,
    mobile: str = "",
    email: str = "",
    landline: str = "",
    language: str = Member.Language.NL,
    kind: str = Member.Kind.RESIDENT,
    business_name: str = "",
    business_type: str = "",
    contact_person: str = "",
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
    free_point: Point | None = None,
    registered_by=None,
    notify: bool = True,
) -> JoinResult:
    """Sign a resident or business up for networks; online, send the confirmation link by e-mail.

    `registered_by`: the coordinator registering a member who has no e-mail (see the module docstring).
    """
    errors: _Errors = defaultdict(list)
    name = " ".join((name or "").split())
    if not name:
        errors["name"].append(_("Give your name."))
    mobile, email, landline = _clean_reach(
        errors, mobile=mobile, email=email, landline=landline, registered_by=registered_by
    )
    _clean_preferences(
        errors, language=language, quiet_hours_start=quiet_hours_start, quiet_hours_end=quiet_hours_end
    )
    business_name, business_type, contact_person = _clean_business(
        errors,
        kind=kind,
        name=name,
        business_name=business_name,
        business_type=business_type,
        contact_person=contact_person,
    )
    _check_consent(errors, consent_version=consent_version)
    resolved = _resolve_address(errors, address_text=address_text or "", free_point=free_point)
    networks = _networks_for_point(
        errors, slugs=network_slugs, point=resolved.point if resolved else None, kind=kind
    )
    if registered_by is not None:
        _check_coordinator(registered_by=registered_by, networks=networks)
    _raise(errors)

    fields = {
        "kind": kind,
        "name": name,
        "business_name": business_name,
        "business_type": business_type,
        "contact_person": contact_person,
        "address_text": resolved.text,
        "address": resolved.address,
        "point": resolved.point,
        "address_unverified": resolved.unverified,
        "mobile": mobile,
        "email": email,
        "landline": landline,
        "language": language,
        "quiet_hours_start": quiet_hours_start,
        "quiet_hours_end": quiet_hours_end,
        "consent_at": timezone.now(),
        "consent_version": consent_version,
        "registered_by": registered_by,
    }
    return _join_save(fields=fields, networks=networks, registered_by=registered_by, notify=notify)


def _join_save(*, fields: dict, networks: list[Network], registered_by, notify: bool) -> JoinResult:
    """Store the member (or find them again), ask for the memberships, send the e-mail, log a registration.

    A coordinator who gives an e-mail address invites (services/invitations.py): the person behind it
    decides, whether they are a member already or not."""
    if registered_by is not None and fields["email"]:
        return invitations_send(fields=fields, networks=networks, user=registered_by, notify=notify)
    with transaction.atomic():
        member, created = _member_for_join(
            email=fields["email"], mobile=fields["mobile"], fields=fields, registered_by=registered_by
        )
        refused = []
        if not created and member.email_confirmed_at is not None:
            networks, refused = _networks_covering_member(member=member, networks=networks)
        memberships = [_membership_request(member, n, registered_by) for n in networks]
        sent = ""
        if notify and member.email:
            sent = _join_email(member, memberships, refused, registered_by)
    if registered_by is not None:
        _log_registrations(registered_by=registered_by, member=member, memberships=memberships)
    return JoinResult(member, memberships, created, sent, refused)


def _networks_covering_member(
    *, member: Member, networks: list[Network]
) -> tuple[list[Network], list[Network]]:
    """The networks that cover the member's address, and those that do not: a confirmed member keeps the
    address we hold, and the networks must cover that one."""
    (covering,) = networks_covering_points(points=[member.point])
    ids = {c.network.pk for c in covering}
    return [n for n in networks if n.pk in ids], [n for n in networks if n.pk not in ids]


def _log_registrations(*, registered_by, member: Member, memberships: list[Membership]) -> None:
    for m in memberships:
        access_log_write(
            user=registered_by,
            action="register",
            member_id=member.pk,
            network_id=m.network_id,
            reason="coordinator registered a member by phone",
        )


def _member_for_join(*, email: str, mobile: str, fields: dict, registered_by) -> tuple[Member, bool]:
    if email:
        existing = Member.objects.select_for_update().filter(email__iexact=email).first()
    else:
        # A coordinator registering by phone finds again only a member their own networks hold (the same
        # resident registered twice); anyone else with that number stays out of reach: a new member.
        existing = (
            Member.objects.select_for_update()
            .filter(email="", mobile=mobile, pk__in=_members_coordinated(registered_by))
            .exclude(mobile="")
            .first()
        )
    if existing is None:
        try:
            with transaction.atomic():
                return Member.objects.create(**fields), True
        except IntegrityError:
            # The same form submitted twice at once: the other request created the member first.
            existing = Member.objects.select_for_update().get(email__iexact=email)
    if existing.email_confirmed_at is None and existing.registered_by_id is None:
        # Nobody has proved they own this address yet: the newer form replaces the older one.
        for key, value in fields.items():
            setattr(existing, key, value)
        existing.save()
    return existing, False


def _members_coordinated(user):
    """The members with data shared with `user`'s networks (none for a sign-up online)."""
    if user is None:
        return Member.objects.none().values("pk")
    return (
        Membership.objects.filter(network__in=Network.objects.in_scope(coordinator_scope(user)))
        .exclude(status__in=Membership.WITHHELD)
        .values("member_id")
    )


def _membership_request(member: Member, network: Network, registered_by) -> Membership:
    """The member's request online (waiting for their confirmation), or a coordinator's registration by
    phone (approved at once). A request online starts over from a refusal, a departure or an invitation;
    a registration by phone never re-enrols someone who left or was refused."""
    now = timezone.now()
    if registered_by is not None:
        initial = {"status": Membership.Status.APPROVED, "decided_at": now, "decided_by": registered_by}
    else:
        initial = {"status": Membership.Status.UNCONFIRMED, "decided_at": None, "decided_by": None}
    initial.update(reason="", invited_by=None)
    membership, created = Membership.objects.select_for_update().get_or_create(
        member=member, network=network, defaults=initial
    )
    ended = (Membership.Status.LEFT, Membership.Status.REJECTED)
    if created:
        return membership
    if registered_by is not None and membership.status in ended:
        raise ValidationError(
            {
                "networks": [
                    _("This resident left %(name)s or was refused: a coordinator cannot enrol them again.")
                    % {"name": network.name}
                ]
            }
        )
    if registered_by is None and membership.status in (*ended, Membership.Status.INVITED):
        for key, value in initial.items():
            setattr(membership, key, value)
        membership.requested_at = now
        membership.save()
    return membership


def _join_email(member, memberships, refused, registered_by) -> str:
    if registered_by is not None:
        template = "registered"
        context = {"memberships": memberships}
    elif any(m.status == Membership.Status.UNCONFIRMED for m in memberships):
        template = "join_confirm"
        context = {"memberships": memberships, "confirm_url": confirm_url(member)}
    else:
        template = "join_already"
        context = {"memberships": memberships}
    context["refused"] = refused
    email_member(member=member, template=template, context=context)
    return template


def member_confirm_email(*, token: str) -> tuple[Member, list[Membership]]:
    """Follow a confirmation link: confirm the e-mail address; the requests go to the coordinators.

    A new address replaces the old one, and every link made before stops working (`link_version`)."""
    member, payload = token_read(token=token, purpose=CONFIRM)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        digest = payload.get("e")
        if member.pending_email and digest == email_digest(member.pending_email):
            if Member.objects.filter(email__iexact=member.pending_email).exclude(pk=member.pk).exists():
                raise LinkError(_("This e-mail address is already used by another registration."))
            member.email, member.pending_email = member.pending_email, ""
            member.email_confirmed_at = timezone.now()
            member.link_version += 1
            member.save()
        elif digest == email_digest(member.email):
            if member.email_confirmed_at is None:
                member.email_confirmed_at = timezone.now()
                member.save(update_fields=["email_confirmed_at", "updated"])
        else:
            raise LinkError(_("This link was sent to an e-mail address this registration no longer uses."))
        waiting = _requests_confirmed(member)
    _coordinators_told(waiting)
    return member, waiting


def member_request_link(*, email: str) -> bool:
    """E-mail the self-service link to the member with this address, if there is one. Says nothing else."""
    email = (email or "").strip()
    member = Member.objects.filter(email__iexact=email).first() if email else None
    if member is None:
        return False
    if member.email_confirmed_at is None:
        email_member(
            member=member,
            template="join_confirm",
            context={
                "memberships": list(member.memberships.select_related("network")),
                "confirm_url": confirm_url(member),
            },
        )
    else:
        email_member(member=member, template="link")
    return True
