"""The coordinator's page of a message for a relay network (alerts.relay): the police's text (editable),
their own note, forward to the members or decline with a reason, and the members' reactions to pass on."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.permissions import can_relay

from .models import AlertRelay, Category
from .relay import relay_decline, relay_forward, relay_reactions_forward
from .relay_notices import emergency_line
from .relay_selectors import relay_reactions, relays_waiting_for

__all__ = ["relay_list", "relay_page"]


class RelayForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Message to the members"), widget=forms.Textarea(attrs={"rows": 6})
    )
    note = forms.CharField(
        label=gettext_lazy("Your note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for declining"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _post(request, relay: AlertRelay):
    """Do what the coordinator asked; the bound form with its errors when it failed, else None."""
    action = request.POST.get("action")
    if action == "reactions":
        relay_reactions_forward(
            relay_id=relay.pk, user=request.user, reaction_ids=request.POST.getlist("reaction")
        )
        return None
    form = RelayForm(request.POST)
    if not form.is_valid():
        return form
    try:
        if action == "decline":
            relay_decline(relay_id=relay.pk, user=request.user, reason=form.cleaned_data["reason"])
        else:
            relay_forward(
                relay_id=relay.pk,
                user=request.user,
                text=form.cleaned_data["text"],
                note=form.cleaned_data["note"],
            )
    except ValidationError as exc:
        for field, errors in (
            exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
        ):
            form.add_error(field if field in form.fields else None, errors)
        return form
    return None


@login_required
def relay_page(request, pk: int):
    """A message waiting for (or handled by) a coordinator of the relay network; theirs only."""
    relay = get_object_or_404(AlertRelay.objects.select_related("alert", "network"), pk=pk)
    if not can_relay(request.user, relay.network):
        raise PermissionDenied(_("Only the coordinators of this network see its messages."))
    form, status = None, 200
    if request.method == "POST":
        form = _post(request, relay)
        if form is None:
            return redirect("alerts:relay", relay.pk)
        status = 400
        relay.refresh_from_db()
    if form is None:
        form = RelayForm(initial={"text": relay.text or relay.alert.message, "note": relay.note})
    context = {
        "title": _("BIN message for %(network)s") % {"network": relay.network.name},
        "relay": relay,
        "alert": relay.alert,
        "category": Category(relay.alert.category).label,
        "form": form,
        "reactions": relay_reactions(relay=relay),
        "emergency": emergency_line(),
    }
    return render(request, "alerts/relay_page.html", context, status=status)


@login_required
def relay_list(request):
    """The messages waiting for the user in the networks they coordinate (none for anyone else)."""
    context = {
        "title": _("Messages waiting for you"),
        "relays": relays_waiting_for(user=request.user),
        "emergency": emergency_line(),
    }
    return render(request, "alerts/relay_list.html", context)
