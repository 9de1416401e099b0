"""Pages: the officer's alert form (police only) and the member's reaction page (signed link, no login)."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from access.permissions import alert_scope, is_police
from areas.models import PoliceZone
from core.throttle import REACTION_TOKEN, form_over_limit
from members.models import Member

from .messages import exercise_marker, member_language, reaction_token_delivery_id
from .models import Alert, AlertRelay, Category, Delivery, Reaction, Tip
from .reactions import reaction_link_expired, reaction_link_gone, reaction_link_gone_message, reaction_record
from .sms_length import GSM7_REPLACEMENTS

__all__ = ["alert_new", "alert_react"]


@login_required
def alert_new(request):
    """The officer's form: perimeter, category, urgency, message with live SMS counter, tip, preview, send."""
    if not is_police(request.user):
        raise PermissionDenied(_("Only police officers send alerts."))
    scope = alert_scope(request.user)
    zone_qs = (
        PoliceZone.objects.all() if scope.everything else PoliceZone.objects.filter(pk__in=scope.police_zones)
    )
    return render(
        request,
        "alerts/alert_form.html",
        {
            "zones": zone_qs.order_by("name"),
            "categories": Category.choices,
            "urgencies": Alert.Urgency.choices,
            # The national tips and those of the officer's zones (an alert of a zone carries its own or
            # a national one: alert_prepare checks).
            "tips": Tip.objects.usable_in(*zone_qs.values_list("pk", flat=True)),
            "max_radius": int(settings.BIN_ALERT_MAX_RADIUS_M),
            "form_texts": _form_texts(),
        },
    )


def _form_texts() -> dict:
    """What the form's script writes (json_script): a text with a count as ngettext's forms for 0, 1
    and 2 (every form in Dutch, French, German and English), and the GSM-7 replacements it offers."""
    counts = (0, 1, 2)
    return {
        "chars": [ngettext("%(n)s character", "%(n)s characters", n) for n in counts],
        "parts": [ngettext("%(n)s part", "%(n)s parts", n) for n in counts],
        "reach": [ngettext("%(n)s member reached", "%(n)s members reached", n) for n in counts],
        "replacements": GSM7_REPLACEMENTS,
    }


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)
    text = forms.CharField(
        label=_("What did you see?"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    observed_at = forms.DateTimeField(
        label=_("When?"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def alert_react(request, token: str):
    """A member reacts to one message: "seen", or "I saw something" with what and when."""
    delivery_id = reaction_token_delivery_id(token)
    delivery = (
        Delivery.objects.select_related("alert__references").filter(pk=delivery_id).first()
        if delivery_id
        else None
    )
    if delivery is None:
        raise Http404(_("This link is not valid."))
    alert = delivery.alert
    language = "nl"
    if delivery.member_id:
        language = member_language(
            Member.objects.filter(pk=delivery.member_id).values_list("language", flat=True).first() or "nl"
        )
    with translation.override(language):
        if reaction_link_gone(delivery):
            # The member left or was erased: nothing of the alert is shown, nothing is taken.
            context = {"message": reaction_link_gone_message()}
            return render(request, "alerts/react_gone.html", context, status=410)
        expired = reaction_link_expired(alert)
        context = {
            "alert": alert,
            "category": Category(alert.category).label,
            # The version the member received (alerts.languages), or what their coordinator forwarded.
            "text": (
                AlertRelay.objects.get(pk=delivery.relay_id).text
                if delivery.relay_id
                else alert.message_for(language)
            ),
            "tip": alert.tip_text_for(language),  # as the alert was sent
            "exercise_marker": exercise_marker(language),
            # Forwarded by a coordinator (issue 17): reactions go to the coordinator, who passes them on.
            "relayed": bool(delivery.relay_id),
            "expired": expired,
            "done": None,
        }
        if request.method == "POST":
            form = ReactionForm(request.POST)
            if form_over_limit(form, limits=[(REACTION_TOKEN, token)]):
                context["form"] = form
                return render(request, "alerts/react.html", context, status=429)
        if request.method == "POST" and not expired:
            form = ReactionForm(request.POST)
            if form.is_valid():
                try:
                    reaction_record(
                        delivery=delivery,
                        kind=form.cleaned_data["kind"],
                        text=form.cleaned_data["text"],
                        observed_at=form.cleaned_data["observed_at"],
                    )
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    context["done"] = form.cleaned_data["kind"]
        else:
            form = ReactionForm(
                initial={"observed_at": timezone.localtime().replace(second=0, microsecond=0)}
            )
        context["form"] = form
        status = 400 if request.method == "POST" and context["done"] is None and not expired else 200
        return render(request, "alerts/react.html", context, status=status)
