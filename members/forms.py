"""Forms of the membership pages: they collect and type the input; the rules live in services.py."""

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from areas.models import Municipality, Network

from . import conf
from .models import Member, NetworkProposal

__all__ = [
    "MemberDecisionForm",
    "MemberJoinForm",
    "MemberPreferencesForm",
    "MemberRegisterForm",
    "NetworkProposeForm",
    "NetworksAndPosition",
    "RequestLinkForm",
    "add_service_errors",
]


def add_service_errors(
    form: forms.Form, exc: ValidationError, *, fields: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on the whole form."""
    fields = fields or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        name = fields.get(key, key)
        form.add_error(name if name in form.fields else None, messages)


class _Channels(forms.Form):
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    mobile = forms.CharField(
        label=_("Mobile number (for SMS)"), max_length=30, required=False, help_text=_("e.g. 0470 12 34 56")
    )
    landline = forms.CharField(
        label=_("Landline (for voice messages)"), max_length=30, required=False, help_text=_("optional")
    )
    language = forms.ChoiceField(label=_("Language of the messages"), choices=Member.Language.choices)
    quiet_hours_start = forms.TimeField(
        label=_("Quiet hours from"),
        required=False,
        help_text=_("No non-urgent messages between these hours, e.g. 22:00 to 07:00."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    quiet_hours_end = forms.TimeField(
        label=_("until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )


class NetworksAndPosition(forms.Form):
    """The BINs asked for, and the position by hand for an address that is not in the register."""

    networks = forms.MultipleChoiceField(label=_("BIN"), required=False, widget=forms.CheckboxSelectMultiple)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)

    def __init__(self, *args, network_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any slug is accepted here: the service says which BIN covers the address when another is asked.
        slugs = list(self.data.getlist("networks")) if hasattr(self.data, "getlist") else []
        self.fields["networks"].choices = list(network_choices) + [(s, s) for s in slugs]

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lon", _("Give both latitude and longitude, or neither."))
        return data


class MemberJoinForm(NetworksAndPosition, _Channels):
    field_order = [
        *_Channels.base_fields,
        "address",
        "networks",
        "kind",
        "name",
        "business_name",
        "business_type",
        "contact_person",
        "lat",
        "lon",
        "consent",
    ]

    address = forms.CharField(label=_("Address"), max_length=300)
    kind = forms.ChoiceField(
        label=_("I sign up as"),
        choices=Member.Kind.choices,
        initial=Member.Kind.RESIDENT,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    business_name = forms.CharField(label=_("Name of the business"), max_length=200, required=False)
    business_type = forms.ChoiceField(
        label=_("Type of business"), choices=[("", "—"), *Member.BusinessType.choices], required=False
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    consent = forms.BooleanField(label=_("I agree to the privacy statement above."), required=False)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        point = (
            Point(d["lon"], d["lat"], srid=4326)
            if d.get("lat") is not None and d.get("lon") is not None
            else None
        )
        return {
            "address_text": d["address"],
            "network_slugs": d["networks"],
            "name": d["name"],
            "kind": d["kind"],
            "business_name": d["business_name"],
            "business_type": d["business_type"],
            "contact_person": d["contact_person"],
            "email": d["email"],
            "mobile": d["mobile"],
            "landline": d["landline"],
            "language": d["language"],
            "quiet_hours_start": d["quiet_hours_start"],
            "quiet_hours_end": d["quiet_hours_end"],
            "consent_version": conf.consent_version() if d["consent"] else "",
            "free_point": point,
        }


class MemberRegisterForm(MemberJoinForm):
    """A coordinator registers a resident who has no e-mail, after a phone call."""

    consent = forms.BooleanField(
        label=_("The resident agreed to the privacy statement on the phone."), required=False
    )


class MemberPreferencesForm(_Channels):
    exercise_opt_in = forms.BooleanField(
        label=_("Also receive the police's exercises"),
        required=False,
        help_text=_(
            "Now and then the police practise sending an alert. Each exercise message starts with "
            "“EXERCISE” in your language; nothing happened and there is nothing to do."
        ),
    )
    voice_calls = forms.BooleanField(
        label=_("Urgent alerts as a phone call to my landline"),
        required=False,
        help_text=_("A computer voice reads the alert to you; press 1 to say you heard it."),
    )
    # Unticked is the default (SMS on): a form posted without the box never stops the member's SMS.
    sms_opt_out = forms.BooleanField(
        label=_("No alerts by SMS"),
        required=False,
        help_text=_("Also set when you reply STOP to one of our SMS; reply START to receive them again."),
    )


class MemberDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("approve")), ("reject", _("reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea)


class RequestLinkForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))


class NetworkProposeForm(forms.Form):
    name = forms.CharField(label=_("Name of the proposed BIN"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(Network.Kind.BIN, Network.Kind.BIN.label), (Network.Kind.BIN_Z, Network.Kind.BIN_Z.label)],
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name_nl", "name_fr"), required=False
    )
    streets = forms.CharField(
        label=_("Streets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One street per line; the area is drawn around their addresses."),
    )
    street_ids = forms.CharField(required=False, widget=forms.HiddenInput)
    # Filled by the drawing map; the text box is for GeoJSON from elsewhere (under "Advanced").
    area = forms.CharField(required=False, widget=forms.HiddenInput)
    area_text = forms.CharField(
        label=_("Area as GeoJSON (EPSG:4326)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    initiator_type = forms.ChoiceField(label=_("Proposed by"), choices=NetworkProposal.Initiator.choices)
    initiator_name = forms.CharField(label=_("Your name"), max_length=200)
    organisation = forms.CharField(label=_("Association or service"), max_length=200, required=False)
    initiator_email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    initiator_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def clean(self):
        data = super().clean()
        data["area"] = (data.get("area") or "").strip() or (data.get("area_text") or "").strip()
        return data

    def clean_street_ids(self):
        raw = self.cleaned_data["street_ids"]
        try:
            return [int(x) for x in raw.replace(",", " ").split()]
        except ValueError as exc:
            raise ValidationError(_("Street ids are whole numbers.")) from exc
