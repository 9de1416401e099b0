"""The country profile: what differs between a Belgian and a Dutch deployment (settings.BIN_COUNTRY).

One deployment serves one country, chosen by the environment (BIN_COUNTRY=BE|NL, project/settings/
country.py); everything country-specific is read from `profile()` instead of being written into the code:
the storage CRS, the numbers residents are told to call, the municipality code, the postcode, the wording.

How a Dutch (BAG) address fits the Address model (streets.models.Address), for the importer and the lookup:

- ``number``: the BAG ``huisnummer`` (an integer: 12).
- ``house_number``: huisnummer + ``huisletter`` as written, no space: "12", "12a" (the lookup compares it
  case-blind through core.text.normalise, so "12A" and "12a" are the same house).
- ``box_number``: the ``huisnummertoevoeging`` as written, without a leading dash: "II", "1", "hs", "bis".
  The lookup reads "12-II", "12 II", "12 hs", "12a-1" and "12 bis" into it (the BAG has no separator).
- ``postcode``: the BAG form, four digits and two capital letters without a space: "1234AB" (both on
  Address and Street); residents may type "1234 AB" or "1234ab".
- Municipality.nis_code holds the CBS gemeentecode with its prefix: "GM0363" (Amsterdam).

Belgian addresses keep their BeST form: "12", "12A", "12 bis"; box_number "3", "b003"; postcode "1502".
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

__all__ = ["COUNTRIES", "CountryProfile", "profile", "validate_municipality_code"]


@dataclass(frozen=True, slots=True)
class CountryProfile:
    """What one country's deployment needs to know about that country."""

    code: str
    storage_srid: int
    # West, south, east, north in EPSG:4326: the country with a margin (settings.BIN_SERVICE_BBOX's default).
    service_bbox: tuple[float, float, float, float]
    emergency_number: str
    police_number: str  # the police when it is not urgent: 101 in Belgium, 0900-8844 in the Netherlands
    municipality_code_pattern: str
    municipality_code_label: Promise
    municipality_code_example: str
    postcode_pattern: str
    languages: tuple[str, ...]  # Django language codes offered on the pages
    terms: dict[str, Promise] = field(default_factory=dict)

    def term(self, key: str) -> Promise:
        """The country's word for a thing (lazy, translated): "police_contact", "network", "network_long", or
        a whole sentence where grammar needs one: "not_urgent"."""
        return self.terms[key]

    def emergency_text(self) -> str:
        """The sentence every message to residents ends with: whom to call instead of the network."""
        return gettext("In an emergency call %(emergency)s, or %(police)s for the police.") % {
            "emergency": self.emergency_number,
            "police": self.police_number,
        }

    def house_label(self, house_number: str, box: str) -> str:
        """A house number with its box as the country writes it: "14 bus 2" (BE), "12a-II" (NL)."""
        if not box:
            return house_number
        return f"{house_number}-{box}" if self.code == "NL" else f"{house_number} bus {box}"

    def valid_municipality_code(self, code: str) -> bool:
        return bool(re.fullmatch(self.municipality_code_pattern, code or ""))

    def valid_postcode(self, postcode: str) -> bool:
        return bool(re.fullmatch(self.postcode_pattern, postcode or ""))


# The words are msgids of their own (with a context) so that each language's catalogue translates the Dutch
# and the Belgian thing separately: French Belgium says "PLP", Dutch "wijkagent" has no Belgian twin.
COUNTRIES: dict[str, CountryProfile] = {
    "BE": CountryProfile(
        code="BE",
        storage_srid=31370,  # Belgian Lambert 72, what BeST Address and the cadastre use
        service_bbox=(2.3, 49.4, 6.5, 51.6),
        emergency_number="112",
        police_number="101",
        municipality_code_pattern=r"\d{5}",
        municipality_code_label=_("NIS code"),
        municipality_code_example="23027",
        postcode_pattern=r"[1-9]\d{3}",
        languages=("nl", "fr", "de", "en"),
        terms={
            "police_contact": pgettext_lazy("Belgium", "neighbourhood police officer"),
            "network": pgettext_lazy("Belgium", "BIN"),
            "network_long": pgettext_lazy("Belgium", "neighbourhood information network"),
            "not_urgent": pgettext_lazy(
                "Belgium", "A BIN is no emergency service: its messages may arrive late."
            ),
        },
    ),
    "NL": CountryProfile(
        code="NL",
        storage_srid=28992,  # Amersfoort / RD New, what the BAG uses
        service_bbox=(3.2, 50.7, 7.3, 53.6),
        emergency_number="112",
        police_number="0900-8844",
        municipality_code_pattern=r"GM\d{4}",
        municipality_code_label=_("CBS code"),
        municipality_code_example="GM0363",
        postcode_pattern=r"[1-9]\d{3}[A-Z]{2}",
        languages=("nl", "en"),
        terms={
            "police_contact": pgettext_lazy("Netherlands", "community police officer"),
            "network": pgettext_lazy("Netherlands", "neighbourhood watch"),
            "network_long": pgettext_lazy("Netherlands", "neighbourhood prevention network"),
            "not_urgent": pgettext_lazy(
                "Netherlands", "Neighbourhood watch is no emergency service: its messages may arrive late."
            ),
        },
    ),
}


def profile() -> CountryProfile:
    """The profile of settings.BIN_COUNTRY (BE when unset)."""
    return COUNTRIES[getattr(settings, "BIN_COUNTRY", "BE")]


def validate_municipality_code(value: str) -> None:
    """Model validator of Municipality.nis_code: the deployment's country's form (23027, GM0363)."""
    country = profile()
    if not country.valid_municipality_code(value):
        raise ValidationError(
            _("Enter a %(label)s such as %(example)s."),
            code="invalid",
            params={"label": country.municipality_code_label, "example": country.municipality_code_example},
        )
