"""The follow-up forms of an alert's page: an update, a cancel and the closing message with its outcome.

Each goes through alerts.services.alert_follow_up, the function behind the API's update, cancel and
feedback endpoints, so the members receive exactly what the API would send them.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alerts.messages import sample_link, sms_text
from alerts.models import Alert
from alerts.selectors import follow_up_repeated
from alerts.services import alert_follow_up
from alerts.texts import text_checked

__all__ = [
    "FOLLOW_UP_FORMS",
    "CancelForm",
    "ClosingForm",
    "UpdateForm",
    "follow_up_forms",
    "follow_up_post",
    "follow_up_sms_frames",
]


class _FollowUpForm(forms.Form):
    msg_type = ""
    message = forms.CharField(
        label=_("Message to the members"), strip=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # The latest follow-up when the page was shown: the same form posted twice is recognised.
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.msg_type)
        super().__init__(*args, **kwargs)
        # The limit the service holds every message to (alerts.texts.text_checked), told before sending.
        self.fields["message"].widget.attrs["maxlength"] = settings.BIN_ALERT_MAX_MESSAGE_CHARS


class UpdateForm(_FollowUpForm):
    msg_type = Alert.MsgType.UPDATE


class CancelForm(_FollowUpForm):
    msg_type = Alert.MsgType.CANCEL
    confirm = forms.BooleanField(
        label=_("Yes, cancel this alert. Messages of it still waiting are not sent."),
        error_messages={"required": _("Tick the box to confirm that the alert is cancelled.")},
    )


class ClosingForm(_FollowUpForm):
    msg_type = Alert.MsgType.FEEDBACK
    outcome_category = forms.ChoiceField(
        label=_("How did it end?"),
        choices=Alert.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how it ended.")},
    )
    outcome = forms.CharField(
        label=_("Outcome in a few words"),
        help_text=_("For the evaluation; the e-mail to the members shows it too."),
        max_length=500,
    )
    field_order = ["outcome_category", "outcome", "message", "after"]


FOLLOW_UP_FORMS = {form.msg_type: form for form in (UpdateForm, CancelForm, ClosingForm)}


def follow_up_forms(*, possible: list[str], after: int, bound: forms.Form | None = None) -> dict:
    """The forms the page shows (those of `possible`), keyed by message type; `bound` replaces its own, and
    is shown with its errors even when its type is no longer possible (the alert was closed meanwhile)."""
    shown = {}
    if bound is not None and bound.msg_type not in possible:
        shown[bound.msg_type] = bound
    for msg_type in possible:
        if bound is not None and bound.msg_type == msg_type:
            shown[msg_type] = bound
        else:
            shown[msg_type] = FOLLOW_UP_FORMS[msg_type](initial={"after": after})
    return shown


_MARK = "\x00MESSAGE\x00"


def follow_up_sms_frames(*, alert: Alert, msg_types: list[str]) -> dict[str, dict[str, str]]:
    """Per follow-up type, the SMS a member gets around the officer's text ("before", "after": heading,
    category, reaction link of the real length), in the language whose frame is longest, so that the
    page's counter (alerts/sms_counter.js) tells the officer the most any member's SMS will take."""
    frames = {}
    for msg_type in msg_types:
        stub = Alert(msg_type=msg_type, category=alert.category, message=_MARK)
        stub.exercise = getattr(alert, "exercise", False)  # an exercise's messages carry the marker
        texts = [sms_text(stub, language, sample_link()) for language in ("nl", "fr", "de")]
        before, _mark, after = max(texts, key=len).partition(_MARK)
        frames[msg_type] = {"before": before, "after": after}
    return frames


def _recipients_note(follow_up: Alert) -> str:
    n = follow_up.recipients
    if follow_up.msg_type == Alert.MsgType.UPDATE:
        note = ngettext("The update went out: %(n)s message.", "The update went out: %(n)s messages.", n)
    elif follow_up.msg_type == Alert.MsgType.CANCEL:
        note = ngettext(
            "The alert is cancelled; the cancellation went out: %(n)s message.",
            "The alert is cancelled; the cancellation went out: %(n)s messages.",
            n,
        )
    else:
        note = ngettext(
            "The alert is closed; the closing message went out: %(n)s message.",
            "The alert is closed; the closing message went out: %(n)s messages.",
            n,
        )
    return note % {"n": n}


def follow_up_post(request, *, alert: Alert):
    """Handle a posted follow-up form: a redirect to the alert's page when it was sent (or had been), else
    the bound form with its errors for the page to show again (status 400)."""
    msg_type = request.POST.get("action", "")
    form_class = FOLLOW_UP_FORMS.get(msg_type)
    if form_class is None:
        return None
    form = form_class(request.POST)
    if not form.is_valid():
        if "after" in form.errors:  # a hidden field: its error would show nowhere
            form.add_error(None, _("The form was damaged on its way; load the page again and resend."))
        return form
    data = form.cleaned_data
    page = reverse("maps:alert", args=[alert.pk])
    try:
        repeated = follow_up_repeated(
            alert=alert, msg_type=msg_type, message=text_checked(data["message"]), after_id=data["after"]
        )
    except ValidationError:
        repeated = None
    if repeated is not None:
        messages.info(request, _("This message had already been sent; it was not sent again."))
        return redirect(page + "#messages")
    try:
        follow_up = alert_follow_up(
            original=alert,
            user=request.user,
            msg_type=msg_type,
            message=data["message"],
            outcome=data.get("outcome", ""),
            outcome_category=data.get("outcome_category", ""),
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return form
    messages.success(request, _recipients_note(follow_up))
    return redirect(page + "#messages")
