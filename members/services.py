"""Writes on members: join, confirm, decide, change, leave, export, erase; and proposing a new BIN.

The web pages, the API and the demo command all go through these functions. Each raises Django's
ValidationError (a dict of field -> messages, for the form or the API to show) or PermissionDenied, and
changes nothing when it does.

Rules decided here (see also the module docstrings of tokens.py and emails.py):

- A resident joins online with an e-mail address: the double opt-in link and the self-service link travel by
  e-mail, and without it anyone could sign up somebody else's mobile for SMS alerts. A resident without
  e-mail asks the coordinator, who registers them after a phone call (`registered_by`): then a mobile or a
  landline is enough, the membership is approved at once and the coordinator's name is recorded.
- One e-mail address is one member (a household sharing an address is one member). Signing up again with
  the same address never creates a second member: an unconfirmed registration is replaced by the newer form
  (nobody proved they own the address yet), a confirmed one keeps its data (changes go through the
  self-service link), and the link is sent again.
- Only an exact match in the address register (a house number that exists, with or without its box) is a
  register address. Otherwise a position given by the resident, or else the lookup's estimate between the
  neighbouring numbers, is stored with `address_unverified` for the coordinator to check.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.geometry import to_storage_multipolygon
from areas.models import Municipality, Network
from areas.selectors import networks_covering_points, networks_visible
from areas.services import network_boundary_errors, network_save
from streets.address_text import AddressTextError, clean_query
from streets.models import Address, Street
from streets.selectors import EXACT, INTERPOLATED, NEAREST, address_lookup

from . import conf
from .emails import confirm_url, email_member, email_staff, email_to
from .models import AccessLog, Member, Membership, NetworkProposal, Role
from .permissions import can_manage_members
from .phones import phone_normalise
from .selectors import area_from_streets, member_export_data
from .tokens import CONFIRM, LinkError, email_digest, token_read

__all__ = [
    "JoinResult",
    "ResolvedAddress",
    "access_log_write",
    "member_confirm_email",
    "member_erase",
    "member_export",
    "member_join",
    "member_request_link",
    "member_update_preferences",
    "members_purge_unconfirmed",
    "membership_decide",
    "membership_leave",
    "network_propose",
]

# Networks in these states take no new members.
CLOSED_STATUSES = (Network.Status.SUSPENDED, Network.Status.DISSOLVED)


def access_log_write(
    *,
    user,
    action: str,
    member_id: int | None = None,
    network_id: int | None = None,
    count: int = 1,
    reason: str,
) -> AccessLog:
    """Record that `user` (None: the member themself) touched members' personal data, and why."""
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        member_id=member_id,
        network_id=network_id,
        count=count,
        reason=reason[:300],
    )


# --- validation shared by join and self-service ------------------------------------------------------


def _clean_channels(errors, *, mobile: str, email: str, landline: str) -> tuple[str, str, str]:
    try:
        mobile = phone_normalise(raw=mobile, mobile=True)
    except ValidationError as exc:
        errors["mobile"] += exc.messages
    try:
        landline = phone_normalise(raw=landline, mobile=False)
    except ValidationError as exc:
        errors["landline"] += exc.messages
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"].append(_("“%(email)s” is not a valid e-mail address.") % {"email": email})
    return mobile, email, landline


def _clean_preferences(
    errors, *, language: str, quiet_hours_start: time | None, quiet_hours_end: time | None
):
    if language not in Member.Language.values:
        errors["language"].append(_("Choose one of the languages offered."))
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        errors["quiet_hours_end"].append(
            _("Give both the start and the end of your quiet hours, or neither.")
        )
    elif quiet_hours_start is not None and quiet_hours_start == quiet_hours_end:
        errors["quiet_hours_end"].append(_("Quiet hours cannot start and end at the same time."))


def _raise(errors) -> None:
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)


@dataclass
class ResolvedAddress:
    """Where a typed address puts a member: the register address if it matched exactly, and the point."""

    text: str
    point: Point
    address: Address | None
    unverified: bool
    label: str = ""


def _in_service_area(point: Point) -> bool:
    p = point.transform(4326, clone=True) if point.srid != 4326 else point
    west, south, east, north = settings.BIN_SERVICE_BBOX
    return west <= p.x <= east and south <= p.y <= north


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
        point = free_point.transform(settings.BIN_STORAGE_SRID, clone=True)
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
        if network.status in CLOSED_STATUSES:
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


@dataclass
class JoinResult:
    member: Member
    memberships: list[Membership]
    created: bool  # a new member; False: an existing one (same e-mail) asked again
    email_sent: str = ""  # the template of the e-mail sent, "" when none was
    networks_refused: list[Network] = field(default_factory=list)


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
    errors = defaultdict(list)
    name = " ".join((name or "").split())
    if not name:
        errors["name"].append(_("Give your name."))
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
    _clean_preferences(
        errors, language=language, quiet_hours_start=quiet_hours_start, quiet_hours_end=quiet_hours_end
    )
    if kind not in Member.Kind.values:
        errors["kind"].append(_("Choose resident or business."))
    if kind == Member.Kind.BUSINESS:
        business_name = " ".join((business_name or "").split())
        if not business_name:
            errors["business_name"].append(_("Give the name of the business."))
        if business_type not in Member.BusinessType.values:
            errors["business_type"].append(_("Choose the type of business."))
        contact_person = " ".join((contact_person or "").split()) or name
    else:
        business_name = business_type = contact_person = ""
    if consent_version != conf.consent_version():
        errors["consent"].append(
            _("Read and accept the privacy statement (version %(version)s).")
            % {"version": conf.consent_version()}
        )
    resolved = _resolve_address(errors, address_text=address_text or "", free_point=free_point)
    networks = _networks_for_point(
        errors, slugs=network_slugs, point=resolved.point if resolved else None, kind=kind
    )
    if registered_by is not None:
        for network in networks:
            if not can_manage_members(registered_by, network):
                raise PermissionDenied(_("You do not coordinate %(name)s.") % {"name": network.name})
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
    with transaction.atomic():
        member, created = _member_for_join(email=email, mobile=mobile, fields=fields)
        refused = []
        if not created and member.email_confirmed_at is not None:
            # A confirmed member keeps the address we hold; networks must cover that one.
            (covering,) = networks_covering_points(points=[member.point])
            ids = {c.network.pk for c in covering}
            refused = [n for n in networks if n.pk not in ids]
            networks = [n for n in networks if n.pk in ids]
        memberships = [_membership_request(member, n, registered_by) for n in networks]
        sent = ""
        if notify and member.email:
            sent = _join_email(member, memberships, refused, registered_by)
    if registered_by is not None:
        for m in memberships:
            access_log_write(
                user=registered_by,
                action="register",
                member_id=member.pk,
                network_id=m.network_id,
                reason="coordinator registered a member by phone",
            )
    return JoinResult(member, memberships, created, sent, refused)


def _member_for_join(*, email: str, mobile: str, fields: dict) -> tuple[Member, bool]:
    if email:
        existing = Member.objects.select_for_update().filter(email__iexact=email).first()
    else:
        existing = (
            Member.objects.select_for_update().filter(email="", mobile=mobile).exclude(mobile="").first()
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


def _membership_request(member: Member, network: Network, registered_by) -> Membership:
    now = timezone.now()
    if registered_by is not None:
        initial = {
            "status": Membership.Status.APPROVED,
            "decided_at": now,
            "decided_by": registered_by,
            "reason": "",
        }
    else:
        initial = {
            "status": Membership.Status.UNCONFIRMED,
            "decided_at": None,
            "decided_by": None,
            "reason": "",
        }
    membership, created = Membership.objects.select_for_update().get_or_create(
        member=member, network=network, defaults=initial
    )
    if not created and membership.status in (Membership.Status.LEFT, Membership.Status.REJECTED):
        for key, value in initial.items():
            setattr(membership, key, value)
        membership.requested_at = now
        membership.save()
    elif not created and registered_by is not None and membership.status != Membership.Status.APPROVED:
        for key, value in initial.items():
            setattr(membership, key, value)
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
    """Follow a confirmation link: confirm the e-mail address; the requests go to the coordinators."""
    member, payload = token_read(token=token, purpose=CONFIRM)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        digest = payload.get("e")
        if member.pending_email and digest == email_digest(member.pending_email):
            if Member.objects.filter(email__iexact=member.pending_email).exclude(pk=member.pk).exists():
                raise LinkError(_("This e-mail address is already used by another registration."))
            member.email, member.pending_email = member.pending_email, ""
            member.email_confirmed_at = timezone.now()
            member.save()
        elif digest == email_digest(member.email):
            if member.email_confirmed_at is None:
                member.email_confirmed_at = timezone.now()
                member.save(update_fields=["email_confirmed_at", "updated"])
        else:
            raise LinkError(_("This link was sent to an e-mail address this registration no longer uses."))
        waiting = list(
            member.memberships.select_for_update()
            .filter(status=Membership.Status.UNCONFIRMED)
            .select_related("network")
        )
        for m in waiting:
            m.status = Membership.Status.PENDING
            m.requested_at = timezone.now()
            m.save(update_fields=["status", "requested_at"])
    for m in waiting:
        email_staff(
            users=m.network.coordinators.all(), template="coordinator_pending", context={"network": m.network}
        )
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


# --- coordinators -------------------------------------------------------------------------------------


def membership_decide(*, user, membership: Membership, approve: bool, reason: str = "") -> Membership:
    """A coordinator approves or rejects (with a reason) a confirmed request; the member is told."""
    if not can_manage_members(user, membership.network):
        raise PermissionDenied(_("You do not coordinate %(name)s.") % {"name": membership.network.name})
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": [_("Give the reason for the rejection: the member will read it.")]})
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().select_related("member", "network").get(pk=membership.pk)
        )
        if membership.status != Membership.Status.PENDING:
            raise ValidationError(
                {
                    "status": [
                        _("This request is not waiting for a decision (it is: %(status)s).")
                        % {"status": membership.get_status_display()}
                    ]
                }
            )
        membership.status = Membership.Status.APPROVED if approve else Membership.Status.REJECTED
        membership.decided_at = timezone.now()
        membership.decided_by = user
        membership.reason = reason
        membership.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        access_log_write(
            user=user,
            action="approve" if approve else "reject",
            member_id=membership.member_id,
            network_id=membership.network_id,
            reason="decision on a membership request",
        )
        email_member(
            member=membership.member,
            template="membership_approved" if approve else "membership_rejected",
            context={"network": membership.network, "reason": reason},
        )
    return membership


# --- self-service -------------------------------------------------------------------------------------


def member_update_preferences(
    *,
    member: Member,
    mobile: str,
    email: str,
    landline: str,
    language: str,
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
) -> tuple[Member, bool]:
    """Change channels, language and quiet hours. A new e-mail address counts once confirmed (True then)."""
    errors = defaultdict(list)
    mobile, email, landline = _clean_channels(errors, mobile=mobile, email=email, landline=landline)
    _clean_preferences(
        errors, language=language, quiet_hours_start=quiet_hours_start, quiet_hours_end=quiet_hours_end
    )
    if not email and member.email and not errors["email"]:
        errors["email"].append(
            _(
                "Your e-mail address is how your links reach you and cannot be removed. To receive nothing "
                "any more, leave your BIN or erase your registration."
            )
        )
    if not (email or mobile or landline) and not errors["mobile"]:
        errors["mobile"].append(_("Keep at least one way to reach you."))
    new_email = bool(email) and email.lower() != member.email.lower()
    taken = new_email and Member.objects.filter(email__iexact=email).exclude(pk=member.pk).exists()
    if taken and not errors["email"]:
        errors["email"].append(_("This e-mail address is already used by another registration."))
    _raise(errors)
    with transaction.atomic():
        member.mobile, member.landline, member.language = mobile, landline, language
        member.quiet_hours_start, member.quiet_hours_end = quiet_hours_start, quiet_hours_end
        member.pending_email = email if new_email else ""
        member.save()
        if new_email:
            email_member(
                member=member,
                template="email_change",
                context={"confirm_url": confirm_url(member, email=email)},
                to=email,
            )
        email_member(member=member, template="preferences_changed", context={"email_pending": new_email})
    return member, new_email


def membership_leave(*, member: Member, network: Network) -> Membership:
    """The member leaves one network; they are told, with the link to join again or erase everything."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(member=member, network=network)
            .exclude(status__in=[Membership.Status.LEFT, Membership.Status.REJECTED])
            .first()
        )
        if membership is None:
            raise ValidationError(
                {"network": [_("You are not a member of %(name)s.") % {"name": network.name}]}
            )
        membership.status = Membership.Status.LEFT
        membership.decided_at = timezone.now()
        membership.decided_by = None
        membership.reason = ""
        membership.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        email_member(member=member, template="membership_left", context={"network": network})
    return membership


def member_export(*, member: Member, user=None) -> dict:
    """Everything stored about the member, for download; the download itself is logged."""
    access_log_write(
        user=user,
        action="export",
        member_id=member.pk,
        reason="self-service download of the member's own data"
        if user is None
        else "export of a member's data",
    )
    return member_export_data(member=member)


def member_erase(*, member: Member, user=None, reason: str = "erased by the member") -> int:
    """Delete the member and their memberships at once; the access log keeps the bare id. Returns the id."""
    with transaction.atomic():
        member_id = member.pk
        membership_ids = [str(pk) for pk in member.memberships.values_list("pk", flat=True)]
        access_log_write(user=user, action="erase", member_id=member_id, reason=reason)
        # The admin's history names objects by their str(), which is the member's name: keep the entries,
        # drop the name.
        types = ContentType.objects.get_for_models(Member, Membership)
        LogEntry.objects.filter(content_type=types[Member], object_id=str(member_id)).update(
            object_repr=f"erased member {member_id}", change_message=""
        )
        LogEntry.objects.filter(content_type=types[Membership], object_id__in=membership_ids).update(
            object_repr=f"membership of erased member {member_id}", change_message=""
        )
        member.delete()
    return member_id


def members_purge_unconfirmed(*, older_than_seconds: int | None = None) -> int:
    """Erase sign-ups whose e-mail was never confirmed within the link's lifetime. Returns how many."""
    age = older_than_seconds if older_than_seconds is not None else conf.confirm_max_age()
    cutoff = timezone.now() - timezone.timedelta(seconds=age)
    stale = Member.objects.filter(
        email_confirmed_at__isnull=True, registered_by__isnull=True, created__lt=cutoff
    )
    count = 0
    for member in stale:
        member_erase(member=member, reason="sign-up never confirmed")
        count += 1
    return count


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
    import json

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
