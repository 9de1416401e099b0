"""Forms of the join pages, one per step (views/joining.py): they collect and type; services check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import NetworksAndPosition, _Channels
from .models import Member

__all__ = ["JoinConsentForm", "JoinDetailsForm", "JoinNetworksForm", "error_described"]

BUSINESS_FIELDS = ("business_name", "business_type", "contact_person")


def error_described(form: forms.Form) -> forms.Form:
    """Point each field in error at its message (`<p id="id_<field>_error">`, core/_field.html's
    members twin members/_field.html): screen readers read it with the field. Django sets aria-invalid."""
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            ids = [f"{form[name].auto_id}_error"]
            if form.fields[name].help_text:
                ids.append(f"{form[name].auto_id}_helptext")
            attrs["aria-describedby"] = " ".join(ids)
    return form


class JoinNetworksForm(NetworksAndPosition):
    """Step 2: the BINs covering the address; the position by hand only for an address not in the register."""


class JoinDetailsForm(_Channels):
    """Step 3: who signs up and how we reach them; a resident is never asked for a business's fields."""

    kind = forms.ChoiceField(choices=Member.Kind.choices, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    business_name = forms.CharField(label=_("Name of the business"), max_length=200, required=False)
    business_type = forms.ChoiceField(
        label=_("Type of business"), choices=[("", "—"), *Member.BusinessType.choices], required=False
    )
    contact_person = forms.CharField(
        label=_("Contact person"), max_length=200, required=False, help_text=_("optional; else your name")
    )

    field_order = ["kind", *BUSINESS_FIELDS, "name"]

    def __init__(self, *args, kind: str = Member.Kind.RESIDENT, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != Member.Kind.BUSINESS:
            for name in BUSINESS_FIELDS:
                del self.fields[name]
        else:
            self.fields["name"].label = _("Your name")
        self.fields["email"].required = False  # the service says why an e-mail is needed

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        for name in BUSINESS_FIELDS:
            d.setdefault(name, "")
        return d


class JoinConsentForm(forms.Form):
    """Step 4: the privacy notice read and accepted."""

    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        error_messages={"required": _("Tick the box to agree to the privacy notice.")},
    )
