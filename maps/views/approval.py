"""The approval page of an alert (four eyes, alerts.approval): the second officer sees exactly what will be
sent (the text per channel and language, the reach per BIN and channel, the perimeter on the map) and
approves it (it goes out) or returns it with a reason; the author sees why it came back, edits it and
submits it again. The history of every step is on the page. Who may do what is access.permissions'."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.permissions import can_approve_alert, can_edit_alert, can_send_alerts
from alerts.approval import EDITABLE_STATUSES, alert_approve, alert_edit, alert_return, alert_submit
from alerts.confirmation import alert_reach_shown, alert_texts
from alerts.languages import ALERT_LANGUAGES, LANGUAGE_NAMES
from alerts.models import Alert, AlertEvent, Category
from alerts.selectors import alert_history, alerts_visible, approval_required, tips_for_alert

from ..police import alert_map
from .public import map_parts

__all__ = ["alert_approval_page"]

MAP_HEIGHT = "100%"  # the page sizes the map's frame


class AlertReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you return it? The author reads this."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AlertEditForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Category.choices)
    urgency = forms.ChoiceField(label=gettext_lazy("Urgency"), choices=Alert.Urgency.choices)
    message = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    tip = forms.TypedChoiceField(
        label=gettext_lazy("Preventive tip"), required=False, coerce=int, empty_value=None
    )
    exercise = forms.BooleanField(
        label=gettext_lazy("Exercise: only to members who opted in, every message marked"), required=False
    )

    def __init__(self, *args, alert: Alert, **kwargs):
        super().__init__(*args, **kwargs)
        tips = tips_for_alert(police_zone_id=alert.police_zone_id)
        self.fields["tip"].choices = [("", "—"), *((t.pk, t.title) for t in tips)]
        self.fields["message"].widget.attrs["maxlength"] = 1000
        # The versions in the other languages (alerts.languages): empty ones are not sent.
        self.translation_languages = [lang for lang in ALERT_LANGUAGES if lang != alert.language]
        for lang in self.translation_languages:
            self.fields[f"translation_{lang}"] = forms.CharField(
                label=_("Message in %(language)s (optional)") % {"language": LANGUAGE_NAMES[lang]},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000, "lang": lang}),
            )
        self.order_fields(
            [
                "category",
                "urgency",
                "message",
                *(f"translation_{lang}" for lang in self.translation_languages),
            ]
        )

    def translations(self) -> dict:
        """The other languages' versions as alerts.approval.alert_edit takes them."""
        return {lang: self.cleaned_data.get(f"translation_{lang}", "") for lang in self.translation_languages}


def _count_text(value, k: int) -> str:
    """A count of the preview as words: a number, "fewer than k" ("<k") or "—" (withheld)."""
    if isinstance(value, int):
        return str(value)
    return "—" if value is None else _("fewer than %(k)s") % {"k": k}


def _edit_initial(alert: Alert) -> dict:
    return {
        "category": alert.category,
        "urgency": alert.urgency,
        "message": alert.message,
        "tip": alert.tip_id or "",
        "exercise": alert.exercise,
        **{f"translation_{lang}": text for lang, text in alert.translations.items()},
    }


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _post(request, alert: Alert, forms_: dict):
    """Carry out the POSTed step; a redirect when it was done, else (status, error) with the forms bound."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "approve":
        alert_approve(alert=alert, user=user)
        messages.success(request, _("Approved: the alert is being sent."))
        return redirect("maps:alert", alert.pk)
    if action == "return":
        form = forms_["return"] = AlertReturnForm(request.POST)
        if form.is_valid():
            try:
                alert_return(alert=alert, user=user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                _add_errors(form, exc)
                return 400, ""
            messages.success(request, _("Returned to its author with your reason."))
            return redirect("maps:alert-approval", alert.pk)
        return 400, ""
    if action in ("edit", "edit_submit"):
        form = forms_["edit"] = AlertEditForm(request.POST, alert=alert)
        if form.is_valid():
            d = form.cleaned_data
            try:
                alert_edit(
                    alert=alert,
                    user=user,
                    category=d["category"],
                    urgency=d["urgency"],
                    message=d["message"],
                    tip_id=d["tip"],
                    exercise=d["exercise"],
                    translations=form.translations(),
                )
                if action == "edit_submit":
                    alert_submit(alert=alert, user=user)
            except ValidationError as exc:
                _add_errors(form, exc)
                return 400, ""
            if action == "edit_submit":
                messages.success(request, _("Submitted again for approval."))
            else:
                messages.success(request, _("Your changes were saved."))
            return redirect("maps:alert-approval", alert.pk)
        return 400, ""
    if action == "submit":
        alert_submit(alert=alert, user=user)
        messages.success(request, _("Submitted for approval: the other officers of the zone were told."))
        return redirect("maps:alert-approval", alert.pk)
    return 400, _("Unknown step: approve, return, edit or submit.")


@login_required
def alert_approval_page(request, pk):
    """An alert in the four-eyes approval: what will be sent and to whom, approve / return, edit / submit."""
    alert = get_object_or_404(alerts_visible(user=request.user), pk=pk, msg_type=Alert.MsgType.ALERT)
    if not can_send_alerts(request.user, alert.police_zone_id):
        raise PermissionDenied(_("This alert belongs to another police zone."))
    forms_ = {"return": AlertReturnForm(), "edit": AlertEditForm(initial=_edit_initial(alert), alert=alert)}
    status, error = 200, ""
    if request.method == "POST":
        try:
            result = _post(request, alert, forms_)
        except PermissionDenied as exc:
            result = (403, str(exc))
        except ValidationError as exc:
            result = (400, " ".join(exc.messages))
        if not isinstance(result, tuple):
            return result
        status, error = result
        alert.refresh_from_db()
    history = alert_history(alert=alert)
    returned = [e for e in history if e.action == AlertEvent.Action.RETURNED]
    pending = alert.status == Alert.Status.PENDING
    editable = alert.status in EDITABLE_STATUSES and can_edit_alert(request.user, alert)
    title = _("Approval of alert %(id)s: %(category)s") % {
        "id": alert.pk,
        "category": alert.get_category_display(),
    }
    # The reach as it would be now; only while it has not gone out (afterwards: the alert's page).
    reach = alert_reach_shown(user=request.user, alert=alert) if alert.sent_at is None else None
    return render(
        request,
        "maps/alert_approval_page.html",
        {
            "title": title,
            "alert": alert,
            "approval_required": approval_required(police_zone_id=alert.police_zone_id),
            "can_approve": pending and can_approve_alert(request.user, alert),
            "own_pending": pending and alert.created_by_id == request.user.pk,
            "can_edit": editable,
            "last_return": returned[-1] if returned and alert.status == Alert.Status.RETURNED else None,
            "texts": alert_texts(alert=alert),
            "reach": reach,
            "reach_total": _count_text(reach.recipients, reach.min_count) if reach else "",
            "history": history,
            "return_form": forms_["return"],
            "edit_form": forms_["edit"],
            "error": error,
            **map_parts(alert_map(alert=alert, height=MAP_HEIGHT)),
        },
        status=status,
    )
