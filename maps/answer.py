"""What the resident's answer page says beside the matches of streets.selectors.address_lookup: the village
a postcode names ("Lembeek, part of Halle"), the join link that carries the address, the nearest BINs of an
address in none with their distance in the page's language, whom to call instead, and hints when the text
found nothing or too little."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from areas.models import Municipality, Network
from core.text import normalise
from streets.address_text import ParsedAddress
from streets.models import Street
from streets.postal import postal_names_stored
from streets.selectors import POSTCODE, STREET, AddressMatch, LookupResult

from .builders import municipality_name

__all__ = [
    "NEAREST_LIMIT",
    "NEAREST_WITHIN_M",
    "Contact",
    "address_query",
    "address_text",
    "distance_text",
    "lookup_hints",
    "nearest_live",
    "place_notes",
    "public_contacts",
    "street_name",
    "suggestion_query",
]

# The issue asked for the three nearest BINs within 5 km: further away, a BIN is no answer for a street.
NEAREST_WITHIN_M = 5_000
NEAREST_LIMIT = 3


def address_text(match: AddressMatch) -> str:
    """The matched address in the active language ("Kerkstraat 5, 9990 Teststad"), as the lookup reads it."""
    street = match.street
    if street is None:
        return match.label
    number = f" {match.house_number}" if match.house_number else ""
    box = f" bus {match.box}" if match.box else ""
    place = f"{match.postcode or street.postcode} {municipality_name(street.municipality)}"
    return f"{street_name(street)}{number}{box}, {place}"


def address_query(match: AddressMatch) -> str:
    """`?address=…&address_id=…` for the join and start pages: the address as answered and, when the
    register has that very address, its id, so that the next step does not ask for it again."""
    if match.street is None:
        return ""
    params = {"address": address_text(match)}
    if match.address is not None:
        params["address_id"] = str(match.address.pk)
    return "?" + urlencode(params)


def street_name(street: Street) -> str:
    """The street's name in the active language when it has one, else its name."""
    language = (get_language() or "").split("-")[0]
    return getattr(street, f"name_{language}", "") or street.name


def suggestion_query(street: Street) -> str:
    """The text that looks up a suggested street: its name, postcode and municipality ("Kerkstraat, 9990
    Teststad"), so that the answer is that very street."""
    return f"{street_name(street)}, {street.postcode} {municipality_name(street.municipality)}"


def distance_text(metres: float) -> str:
    """A distance as residents say it, in the active language: "350 m", "1.2 km" (nl/fr: "1,2 km")."""
    if metres < 1000:
        # Tens of metres: a polygon's edge is not more precise than that for someone on the street.
        return _("%(metres)s m") % {"metres": formats.number_format(max(10, round(metres, -1)), 0)}
    return _("%(km)s km") % {"km": formats.number_format(round(metres / 1000, 1), 1)}


def nearest_live(match: AddressMatch) -> list[Network]:
    """The nearest BINs that take members (Network.is_live) within NEAREST_WITHIN_M, each with
    `.distance_text`; address_lookup gives the visible ones, suspended included."""
    near = [n for n in match.nearest if n.is_live and n.distance.m <= NEAREST_WITHIN_M][:NEAREST_LIMIT]
    for n in near:
        n.distance_text = distance_text(n.distance.m)
    return near


def place_notes(result: LookupResult) -> dict[int, str]:
    """For each match (by its index) whose postcode names a village of another name than its municipality:
    "Lembeek, part of Halle". The village is the place typed when it is a name of that postcode, else the
    postcode's only name."""
    postcodes = {m.postcode or m.street.postcode for m in result.matches if m.street is not None}
    if not postcodes:
        return {}
    stored = postal_names_stored(postcodes=postcodes)
    typed = normalise(result.parsed.municipality)
    notes = {}
    for i, m in enumerate(result.matches):
        if m.street is None:
            continue
        names = stored.get(m.postcode or m.street.postcode, set())
        village = next((n for n in names if typed and normalise(n) == typed), None)
        if village is None and len(names) == 1:
            village = next(iter(names))
        municipality = m.street.municipality
        own = {normalise(n) for n in (municipality.name_nl, municipality.name_fr, municipality.name_de) if n}
        if village and normalise(village) not in own:
            notes[i] = _("%(village)s, part of %(municipality)s") % {
                "village": village,
                "municipality": municipality_name(municipality),
            }
    return notes


def lookup_hints(*, parsed: ParsedAddress, result: LookupResult | None) -> list[str]:
    """What to type instead, when the text found nothing or only part of an address."""
    if result is None:
        return []
    if not (parsed.street or parsed.postcode or parsed.municipality):
        return [_("Type a street name and house number, then the postcode or municipality.")]
    hints = []
    if not result.matches:
        if parsed.street.isdigit():
            hints.append(
                _("“%(text)s” is not a Belgian postcode: a postcode has four digits, e.g. 1502.")
                % {"text": parsed.street}
            )
        elif result.suggestions:
            hints.append(
                _("We know no street “%(street)s” there. Check the spelling, or pick one of these streets.")
                % {"street": parsed.street}
            )
        else:
            hints.append(
                _(
                    "We know no street “%(street)s”. Check the spelling, and type the street first, then the "
                    "house number, then the postcode or municipality."
                )
                % {"street": parsed.street}
            )
        return hints
    kinds = {m.match for m in result.matches}
    if STREET in kinds:
        hints.append(_("Add your house number: a street may cross several BINs."))
    if POSTCODE not in kinds and not (parsed.postcode or parsed.municipality):
        hints.append(_("Add the postcode or municipality: many municipalities have a street of that name."))
    return hints


@dataclass
class Contact:
    """Whom a resident in no BIN may call or write: the police zone or the municipality."""

    kind: str
    name: str
    phone: str = ""
    email: str = ""
    url: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)


def _configured(section: str, key) -> dict:
    entry = settings.BIN_PUBLIC_CONTACTS.get(section, {}).get(str(key), {})
    return {k: str(entry.get(k, "")) for k in ("name", "phone", "email", "url")}


def public_contacts(*, municipality: Municipality) -> list[Contact]:
    """The police zone's and the municipality's public contact: the deployment's BIN_PUBLIC_CONTACTS (the
    models hold no phone or e-mail of either), and always their map pages here."""
    contacts = []
    zone = municipality.police_zone
    if zone is not None:
        given = _configured("police_zones", zone.number or zone.code)
        contact = Contact(kind=_("Police zone"), **{**given, "name": given["name"] or zone.name})
        if zone.number:
            contact.links.append(
                (reverse("maps:police-zone", args=[zone.number]), _("Map of the police zone"))
            )
        contacts.append(contact)
    given = _configured("municipalities", municipality.nis_code)
    contact = Contact(
        kind=_("Municipality"), **{**given, "name": given["name"] or municipality_name(municipality)}
    )
    contact.links.append(
        (reverse("maps:municipality", args=[municipality.nis_code]), _("Map of the municipality"))
    )
    contacts.append(contact)
    return contacts
