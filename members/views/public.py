"""Pages for residents: join, confirm, the self-service pages behind the signed link, start a BIN."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from areas.models import Network
from areas.selectors import networks_visible
from core.throttle import (
    JOIN_EMAIL,
    JOIN_IP,
    LINK_EMAIL,
    LINK_IP,
    PROPOSE_IP,
    client_address,
    form_over_limit,
)
from streets.address_text import AddressTextError, clean_query
from streets.search import streets_search
from streets.selectors import EXACT, address_lookup

from .. import conf
from ..forms import (
    MemberJoinForm,
    MemberPreferencesForm,
    NetworkProposeForm,
    RequestLinkForm,
    add_service_errors,
)
from ..models import Member
from ..services import (
    invitation_accept,
    invitation_decline,
    invitation_read,
    member_confirm_email,
    member_erase,
    member_export,
    member_join,
    member_links_revoke,
    member_request_link,
    member_update_preferences,
    membership_leave,
    network_propose,
)
from ..tokens import MANAGE, LinkError, token_make, token_read


def link_page(view):
    """For pages opened with a signed link: never cached, and the link never leaks as a Referer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = never_cache(view)(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
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


def _join_render(request, form, context, network, status=200):
    context.update({"form": form, "network": network, "consent_version": conf.consent_version()})
    covering = context.get("covering") or []
    context["choices"] = [c.network for c in covering]
    if network is not None and covering and network.pk not in {c.network.pk for c in covering}:
        same = [c.network.name for c in covering if c.network.kind == network.kind]
        context["wrong_network"] = (
            _("%(name)s does not cover this address; it lies in %(others)s.")
            % {"name": network.name, "others": ", ".join(same)}
            if same
            else _("%(name)s does not cover this address.") % {"name": network.name}
        )
    return render(request, "members/join.html", context, status=status)


def join(request, slug=None):
    """Sign up: first the address (GET ?address=…), then the covering BINs and the details (POST)."""
    network = get_object_or_404(networks_visible(), slug=slug) if slug else None
    if request.method == "POST":
        form = MemberJoinForm(request.POST)
        limits = [(JOIN_IP, client_address(request)), (JOIN_EMAIL, request.POST.get("email", ""))]
        if form_over_limit(form, limits=limits):
            context = _lookup(request.POST.get("address", ""))
            return _join_render(request, form, context, network, status=429)
        if form.is_valid():
            try:
                member_join(**form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc, fields={"consent": "consent"})
            else:
                return redirect("members:join-sent")
        context = _lookup(request.POST.get("address", ""))
        return _join_render(request, form, context, network, status=400)
    context = _lookup(request.GET.get("address", ""))
    initial = {"address": context.get("match").label if context.get("match") else context["address"]}
    initial["language"] = request.LANGUAGE_CODE if request.LANGUAGE_CODE in Member.Language.values else "nl"
    covering = context.get("covering") or []
    if network is not None and any(c.network.pk == network.pk for c in covering):
        initial["networks"] = [network.slug]
    elif len([c for c in covering if c.network.kind == Network.Kind.BIN]) == 1:
        initial["networks"] = [c.network.slug for c in covering if c.network.kind == Network.Kind.BIN]
    form = MemberJoinForm(
        initial=initial, network_choices=[(c.network.slug, c.network.name) for c in covering]
    )
    status = 400 if context.get("address_error") else 200
    return _join_render(request, form, context, network, status=status)


def join_sent(request):
    return render(request, "members/join_sent.html", {"confirm_days": conf.confirm_max_age() // 86400})


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
            }
        )
    memberships = member.memberships.select_related("network").order_by("network__name")
    return render(
        request,
        "members/manage.html",
        {"member": member, "memberships": memberships, "form": form, "token": token},
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


def network_start(request):
    """Propose a new BIN: an area drawn on the map (JavaScript) or a list of street names (no JavaScript)."""
    if request.method == "POST":
        form = NetworkProposeForm(request.POST)
        if form_over_limit(form, limits=[(PROPOSE_IP, client_address(request))]):
            return render(request, "members/network_start.html", {"form": form}, status=429)
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
        return render(request, "members/network_start.html", {"form": form}, status=400)
    return render(request, "members/network_start.html", {"form": NetworkProposeForm()})


def network_start_sent(request):
    return render(request, "members/network_start_sent.html")
