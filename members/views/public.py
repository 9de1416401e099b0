"""Pages for residents: confirm, the self-service pages behind the signed link, start a BIN; and the address
lookup that the join steps (views/joining.py) share."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from areas.models import Municipality, Network
from core.throttle import (
    LINK_EMAIL,
    LINK_IP,
    PROPOSE_IP,
    client_address,
    form_over_limit,
)
from streets.address_text import AddressTextError, clean_query
from streets.search import streets_search
from streets.selectors import EXACT, address_lookup

from ..forms import (
    MemberPreferencesForm,
    NetworkProposeForm,
    RequestLinkForm,
    add_service_errors,
)
from ..forms_join import error_described
from ..models import Member
from ..services import (
    invitation_accept,
    invitation_decline,
    invitation_read,
    member_confirm_email,
    member_erase,
    member_export,
    member_links_revoke,
    member_request_link,
    member_update_preferences,
    membership_leave,
    network_propose,
)
from ..tokens import MANAGE, LinkError, token_make, token_read
from .push import push_card


def link_page(view):
    """For pages opened with a signed link: never cached, and the link never leaks as a Referer to another
    site."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = never_cache(view)(request, *args, **kwargs)
        # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with the page's own
        # form posts, and Django's CSRF check refuses every one (tests/maps/test_browser_addresses.py).
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapped


MATCH_NOTES = {
    EXACT: "",
    "interpolated": gettext_lazy(
        "This house number is not in the address register: we placed it between its neighbours."
    ),
    "nearest_same_side": gettext_lazy(
        "This house number is not in the address register: we placed it at the nearest number."
    ),
}


# --- join ---------------------------------------------------------------------------------------------


def _lookup(address: str) -> dict:
    """The address step: the best matches and the networks covering each, for the page."""
    context = {"address": address[:300]}
    if not address:
        return context
    try:
        text = clean_query(address)
    except AddressTextError as exc:
        context["address_error"] = str(exc)
        return context
    result = address_lookup(text=text, max_candidates=3)
    context["result"] = result
    matches = result.matches
    if matches:
        best = matches[0]
        context["ambiguous"] = (
            [m for m in matches if m.score >= best.score - 0.001] if len(matches) > 1 else []
        )
        if len(context["ambiguous"]) < 2:
            context["ambiguous"] = []
        context["match"] = best
        context["match_note"] = MATCH_NOTES.get(best.match, "")
        context["needs_number"] = best.match in ("street", "postcode")
        context["covering"] = [c for c in best.networks if c.network.is_live]
    return context


@link_page
def confirm(request, token):
    try:
        member, confirmed = member_confirm_email(token=token)
    except LinkError as exc:
        return _link_error(request, exc)
    return render(
        request,
        "members/confirmed.html",
        {"member": member, "confirmed": confirmed, "token_manage": _manage_token(member)},
    )


# --- self-service -------------------------------------------------------------------------------------


def _manage_token(member: Member) -> str:
    return token_make(member=member, purpose=MANAGE)


def _link_error(request, exc: LinkError):
    return render(
        request,
        "members/link_error.html",
        {"message": str(exc), "expired": exc.expired, "form": RequestLinkForm()},
        status=400,
    )


def _member_or_error(request, token):
    try:
        member, _payload = token_read(token=token, purpose=MANAGE)
    except LinkError as exc:
        return None, _link_error(request, exc)
    return member, None


@link_page
def manage(request, token):
    """The member's own page: their data, channels and language, their networks, download and erase."""
    member, error = _member_or_error(request, token)
    if error:
        return error
    status = 200
    if request.method == "POST":
        form = MemberPreferencesForm(request.POST)
        if form.is_valid():
            try:
                _member, pending = member_update_preferences(member=member, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Your changes were saved.")
                    + (
                        " " + _("Confirm your new e-mail address with the link we sent to it.")
                        if pending
                        else ""
                    ),
                )
                return redirect("members:manage", token=token)
        status = 400
    else:
        form = MemberPreferencesForm(
            initial={
                "email": member.email,
                "mobile": member.mobile,
                "landline": member.landline,
                "language": member.language,
                "quiet_hours_start": member.quiet_hours_start,
                "quiet_hours_end": member.quiet_hours_end,
                "exercise_opt_in": member.exercise_opt_in,
                "voice_calls": member.voice_calls,
                "sms_opt_out": member.sms_opt_out,
            }
        )
    memberships = member.memberships.select_related("network").order_by("network__name")
    return render(
        request,
        "members/manage.html",
        {
            "member": member,
            "memberships": memberships,
            "form": form,
            "token": token,
            "push": push_card(member),
        },
        status=status,
    )


@link_page
@require_POST
def leave(request, token, slug):
    member, error = _member_or_error(request, token)
    if error:
        return error
    network = get_object_or_404(Network, slug=slug)
    try:
        membership_leave(member=member, network=network)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You left %(name)s.") % {"name": network.name})
    return redirect("members:manage", token=token)


@link_page
def export(request, token):
    member, error = _member_or_error(request, token)
    if error:
        return error
    data = member_export(member=member)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="bin-my-data.json"'
    return response


@link_page
def erase(request, token):
    """Erase everything: a confirmation step first, then the member row and memberships go at once."""
    member, error = _member_or_error(request, token)
    if error:
        return error
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            member_erase(member=member, reason="erased by the member (self-service)")
            return render(request, "members/erased.html")
        messages.error(request, _("Tick the box to confirm that everything should be erased."))
        return redirect("members:erase", token=token)
    return render(request, "members/erase.html", {"member": member, "token": token})


@link_page
@require_POST
def sign_out(request, token):
    """Sign out everywhere: every link sent so far stops working, this one too; a new one is e-mailed."""
    member, error = _member_or_error(request, token)
    if error:
        return error
    member_links_revoke(member=member)
    return render(request, "members/signed_out.html")


@link_page
def invitation(request, token):
    """A coordinator's invitation: what accepting means, and the choice (POST answer=accept|decline)."""
    try:
        membership = invitation_read(token=token)
        answer = request.POST.get("answer") if request.method == "POST" else None
        if answer == "accept":
            membership = invitation_accept(token=token)
            messages.success(
                request, _("You are now a member of %(name)s.") % {"name": membership.network.name}
            )
            return redirect("members:manage", token=_manage_token(membership.member))
        if answer == "decline":
            invitation_decline(token=token)
            return render(request, "members/invitation_declined.html", {"network": membership.network})
    except LinkError as exc:
        return _link_error(request, exc)
    inviter = membership.invited_by
    return render(
        request,
        "members/invitation.html",
        {
            "membership": membership,
            "member": membership.member,
            "network": membership.network,
            "inviter": inviter.get_full_name() if inviter else "",  # never the login name
            "token": token,
        },
        status=400 if request.method == "POST" else 200,
    )


def request_link(request):
    """Ask for a new self-service link: it goes to the e-mail address, the page never says if it exists."""
    if request.method == "POST":
        form = RequestLinkForm(request.POST)
        limits = [(LINK_IP, client_address(request)), (LINK_EMAIL, request.POST.get("email", ""))]
        if form_over_limit(form, limits=limits):
            return render(request, "members/request_link.html", {"form": form}, status=429)
        if form.is_valid():
            member_request_link(email=form.cleaned_data["email"])
            return render(request, "members/link_sent.html")
        return render(request, "members/request_link.html", {"form": form}, status=400)
    return render(request, "members/request_link.html", {"form": RequestLinkForm()})


# --- start a BIN --------------------------------------------------------------------------------------


def _streets_from_names(form, text: str, municipality) -> list[int]:
    ids, unknown = [], []
    for line in text.splitlines():
        name = line.strip()
        if not name:
            continue
        found = streets_search(q=name, municipality_ids=[municipality.pk] if municipality else None, limit=1)
        if found and found[0].score >= 0.6:
            ids.append(found[0].pk)
        else:
            unknown.append(name)
    if unknown:
        form.add_error("streets", _("Streets not found: %(names)s.") % {"names": ", ".join(unknown)})
    return ids


def _start_render(request, form, *, status: int = 200):
    """The proposal page; the drawing map shows the BINs of the chosen municipality (API by NIS code)."""
    if form.is_bound:
        error_described(form)
    nis = dict(Municipality.objects.values_list("pk", "nis_code"))
    context = {"form": form, "has_errors": bool(form.errors), "municipality_nis": nis}
    return render(request, "members/network_start.html", context, status=status)


def network_start(request):
    """Propose a new BIN: an area drawn on the map (JavaScript) or a list of street names (no JavaScript)."""
    if request.method == "POST":
        form = NetworkProposeForm(request.POST)
        if form_over_limit(form, limits=[(PROPOSE_IP, client_address(request))]):
            return _start_render(request, form, status=429)
        if form.is_valid():
            d = form.cleaned_data
            street_ids = list(d["street_ids"])
            if d["streets"].strip():
                if d["municipality"] is None:
                    form.add_error("municipality", _("Choose the municipality of the streets."))
                else:
                    street_ids += _streets_from_names(form, d["streets"], d["municipality"])
        if form.is_valid():
            try:
                network_propose(
                    name=d["name"],
                    kind=d["kind"],
                    initiator_type=d["initiator_type"],
                    initiators=[
                        {
                            "name": d["initiator_name"],
                            "email": d["initiator_email"],
                            "phone": d["initiator_phone"],
                            "organisation": d["organisation"],
                        }
                    ],
                    area_geojson=d["area"].strip() or None,
                    street_ids=street_ids or None,
                    municipality=d["municipality"],
                )
            except ValidationError as exc:
                add_service_errors(
                    form, exc, fields={"initiators": "initiator_name", "area": "area", "streets": "streets"}
                )
            else:
                return redirect("members:network-start-sent")
        return _start_render(request, form, status=400)
    return _start_render(request, NetworkProposeForm())


def network_start_sent(request):
    return render(request, "members/network_start_sent.html")
