"""The member's further addresses, behind the signed link: list, add (address, then the BIN covering it),
choose the channels of each, remove. Up to five addresses in all (members.models.MAX_ADDRESSES)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import add_service_errors
from ..forms_addresses import MemberAddressChannelsForm, MemberAddressForm
from ..models import MAX_ADDRESSES, Member
from ..services import member_address_add, member_address_channels, member_address_remove
from .public import _lookup, _member_or_error, link_page

__all__ = ["address_channels", "address_remove", "addresses_page"]


def _render(request, member: Member, token: str, context: dict, *, status: int = 200):
    addresses = list(member.addresses.prefetch_related("memberships__network"))
    context.update(
        {
            "member": member,
            "token": token,
            "addresses": addresses,
            "max_addresses": MAX_ADDRESSES,
            "room": 1 + len(addresses) < MAX_ADDRESSES,
        }
    )
    return render(request, "members/addresses.html", context, status=status)


@link_page
def addresses_page(request, token):
    """The member's addresses; GET ?address=… looks one up and offers the BINs covering it; POST adds it."""
    member, error = _member_or_error(request, token)
    if error:
        return error
    if request.method == "POST":
        form = MemberAddressForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member_address_add(
                    member=member,
                    address_text=data["address"],
                    network_slugs=request.POST.getlist("networks"),
                    label=data["label"],
                    label_text=data["label_text"],
                    sms=data["sms"],
                    email=data["email"],
                    voice=data["voice"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The address was added."))
                return redirect("members:addresses", token=token)
        context = _lookup(request.POST.get("address", ""))
        context["form"] = form
        return _render(request, member, token, context, status=400)
    context = _lookup(request.GET.get("address", ""))
    match = context.get("match")
    initial = {"address": match.label if match else "", "sms": True, "email": True, "voice": True}
    context["form"] = MemberAddressForm(initial=initial)
    return _render(request, member, token, context)


@link_page
@require_POST
def address_channels(request, token, pk):
    member, error = _member_or_error(request, token)
    if error:
        return error
    form = MemberAddressChannelsForm(request.POST)
    form.is_valid()  # three optional check boxes: always valid
    try:
        member_address_channels(member=member, address_id=pk, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your changes were saved."))
    return redirect("members:addresses", token=token)


@link_page
@require_POST
def address_remove(request, token, pk):
    member, error = _member_or_error(request, token)
    if error:
        return error
    try:
        member_address_remove(member=member, address_id=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The address was removed."))
    return redirect("members:addresses", token=token)
