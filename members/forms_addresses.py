"""The form of a member's further address (members/views/addresses.py); the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MemberAddress

__all__ = ["MemberAddressChannelsForm", "MemberAddressForm"]


class MemberAddressChannelsForm(forms.Form):
    sms = forms.BooleanField(label=_("SMS"), required=False)
    email = forms.BooleanField(label=_("E-mail"), required=False)
    voice = forms.BooleanField(label=_("Voice call"), required=False)


class MemberAddressForm(MemberAddressChannelsForm):
    address = forms.CharField(label=_("Address"), max_length=300, widget=forms.HiddenInput)
    label = forms.ChoiceField(
        label=_("What address is this?"),
        choices=MemberAddress.Label.choices,
        initial=MemberAddress.Label.OTHER,
    )
    label_text = forms.CharField(
        label=_("Name (optional)"), max_length=60, required=False, help_text=_("e.g. Mum and Dad, my bakery")
    )
