"""Pages for coordinators, police officers and municipality staff (login required)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from access.permissions import can_manage_members, is_coordinator
from areas.models import Network
from core.geometry import to_wgs84

from .. import conf
from ..address_selectors import member_addresses_visible, own_address_visible
from ..exports import counts_json, members_csv
from ..forms import MemberDecisionForm, MemberRegisterForm, add_service_errors
from ..models import Member, Membership
from ..selectors import (
    member_read,
    memberships_pending,
    memberships_pending_read,
    network_member_counts,
    network_members_read,
    networks_coordinated,
    networks_with_counts,
    proposals_visible,
)
from ..services import member_join, membership_decide

__all__ = [
    "counts_page_json",
    "dashboard",
    "decide",
    "member_detail",
    "member_register",
    "network_members_csv",
    "network_members_page",
    "pending",
]


@never_cache
@login_required
def dashboard(request):
    """What the logged-in user runs: their BINs (coordinators), counts (police, municipality), proposals."""
    user = request.user
    coordinated = list(networks_coordinated(user=user)) if is_coordinator(user) else []
    visible = list(networks_with_counts(user=user))
    counts = network_member_counts(networks=visible)
    for n in visible:
        n.counts = counts[n.pk]
        n.manageable = n in coordinated
    proposals = list(proposals_visible(user=user))
    pending = memberships_pending(user=user).count() if coordinated else 0
    return render(
        request,
        "members/dashboard.html",
        {"networks": visible, "coordinated": coordinated, "proposals": proposals, "pending": pending},
    )


@never_cache
@login_required
def pending(request):
    """The approval queue of the user's networks."""
    memberships = memberships_pending_read(user=request.user, reason="approval queue")
    return render(request, "members/pending.html", {"memberships": memberships, "form": MemberDecisionForm()})


@never_cache
@login_required
@require_POST
def decide(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("network", "member"), pk=pk)
    form = MemberDecisionForm(request.POST)
    if not form.is_valid():
        if not can_manage_members(request.user, membership.network):
            raise PermissionDenied(_("You do not coordinate %(name)s.") % {"name": membership.network.name})
        messages.error(request, _("Choose approve or reject."))
        return redirect("members:pending")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        membership_decide(
            user=request.user, membership=membership, approve=approve, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Approved.") if approve else _("Rejected; the member was told why."))
    return redirect("members:pending")


def _network(slug) -> Network:
    return get_object_or_404(Network.objects.select_related("municipality"), slug=slug)


@never_cache
@login_required
def network_members_page(request, slug):
    network = _network(slug)
    memberships = network_members_read(user=request.user, network=network, reason="member list of the BIN")
    return render(request, "members/network_members.html", {"network": network, "memberships": memberships})


def _registered_message(result, network: Network, *, email: str) -> str:
    # The same words whoever the address belongs to: the page tells the coordinator nothing of them.
    if not email:
        return _("The member was registered.")
    if result.email_sent == "invitation":
        return _(
            "An invitation was e-mailed to %(email)s: they become a member of %(name)s when they accept it."
        ) % {"email": email, "name": network.name}
    return _("%(email)s is a member of %(name)s already, or their request waits for your decision.") % {
        "email": email,
        "name": network.name,
    }


@never_cache
@login_required
def member_register(request, slug):
    """A coordinator registers a resident of their BIN who has no e-mail, after a phone call, or invites
    one who has (services/invitations.py)."""
    network = _network(slug)
    if not can_manage_members(request.user, network):
        raise PermissionDenied(_("You do not coordinate %(name)s.") % {"name": network.name})
    if request.method == "POST":
        form = MemberRegisterForm(request.POST)
        if form.is_valid():
            kwargs = {**form.service_kwargs(), "network_slugs": [network.slug]}
            try:
                result = member_join(**kwargs, registered_by=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _registered_message(result, network, email=kwargs["email"]))
                return redirect("members:network-members", slug=network.slug)
        status = 400
    else:
        form = MemberRegisterForm(initial={"language": "nl", "networks": [network.slug]})
        status = 200
    return render(
        request,
        "members/member_register.html",
        {"network": network, "form": form, "consent_version": conf.consent_version()},
        status=status,
    )


@never_cache
@login_required
def network_members_csv(request, slug):
    network = _network(slug)
    memberships = network_members_read(
        user=request.user,
        network=network,
        statuses=[Membership.Status.APPROVED, Membership.Status.PENDING],
        action="export",
        reason="CSV export of the member list",
    )
    return members_csv(network, memberships)


@never_cache
@login_required
def member_detail(request, pk):
    """One member, for a coordinator of one of their networks (their other networks stay hidden)."""
    member = get_object_or_404(Member.objects.select_related("address"), pk=pk)
    memberships = member_read(user=request.user, member=member, reason="member detail page")
    point = to_wgs84(member.point)
    context = {"member": member, "memberships": memberships, "lat": point.y, "lon": point.x}
    # Their further addresses: only those a membership of this coordinator's networks was made for.
    context["own_address"] = own_address_visible(user=request.user, memberships=memberships)
    context["addresses"] = member_addresses_visible(user=request.user, member=member)
    return render(request, "members/member_detail.html", context)


@never_cache
@login_required
def counts_page_json(request):
    """Member counts of the networks the user may see, as JSON: no names, no numbers."""
    networks = list(networks_with_counts(user=request.user))
    if not networks:
        raise PermissionDenied(
            _("You see the counts of your own networks, police zone or municipality only.")
        )
    body = {"networks": counts_json(networks, network_member_counts(networks=networks))}
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
