"""What an erased member leaves in the alerts: their reactions, without them.

A reaction is an observation the police asked for ("a yellow VW Polo at 14:05"); erasing the member must not
erase what was seen, but it must erase who saw it. The link to the member goes (the foreign key), and so do
the member's own identifiers wherever they wrote them into the text: name, e-mail, phone numbers, address.
Deliveries hold no personal data (the outbox reads the number or address from the member when it sends),
and neither does what came back for them: the gateway's ids of the messages (ProviderMessage) and the
receipt's outcome (delivered, undeliverable, expired) stay with the delivery, which loses its member. Like
the delivery id every message already carries, a gateway id says nothing without the gateway's own records.
"""

import re

from .models import Reaction

__all__ = ["REMOVED", "reactions_anonymise"]

REMOVED = "[…]"
_SEPARATOR = r"[\s./()-]*"


def _phone_pattern(number: str) -> str | None:
    """The number as people write it: +32 470 12 34 56, 0032470123456, 0470/12.34.56, 470123456."""
    digits = re.sub(r"\D", "", number)
    if digits.startswith("32"):
        digits = digits[2:]
    digits = digits.lstrip("0")
    if len(digits) < 6:
        return None
    body = _SEPARATOR.join(digits)
    return rf"(?:(?:\+|00){_SEPARATOR}32{_SEPARATOR}(?:\(0\))?|0)?{_SEPARATOR}{body}"


def _identifier_patterns(member) -> list[str]:
    texts = [member.name, member.business_name, member.contact_person, member.email, member.pending_email]
    address = (member.address_text or "").strip()
    texts += [address, address.split(",")[0]]
    if member.address_id:
        register = member.address
        names = (register.street.name_nl, register.street.name_fr, register.street.name_de)
        texts += [f"{name} {register.house_number}" for name in names if name]
    # The parts of a name, from four letters on ("Anna", "Peeters"; not "Van" or "De").
    for name in (member.name, member.contact_person):
        texts += [part for part in re.split(r"[\s,]+", name or "") if len(part) >= 4]
    patterns = [re.escape(t.strip()) for t in texts if t and len(t.strip()) >= 3]
    patterns += [p for n in (member.mobile, member.landline) if n and (p := _phone_pattern(n))]
    # Longest first, so that "Anna Peeters" goes whole rather than as "[…] [… ]".
    return sorted(set(patterns), key=len, reverse=True)


def reactions_anonymise(*, member) -> int:
    """Unlink `member` from their reactions and cut their identifiers out of the texts; how many changed."""
    patterns = _identifier_patterns(member)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE) if patterns else None
    reactions = list(Reaction.objects.filter(member=member))
    for reaction in reactions:
        if pattern is not None and reaction.text:
            reaction.text = pattern.sub(REMOVED, reaction.text)
        reaction.member = None
    Reaction.objects.bulk_update(reactions, ["text", "member"])
    return len(reactions)
