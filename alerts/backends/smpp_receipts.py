"""SMPP delivery receipts: the deliver_sm an SMSC sends with esm_class 0x04, read and recorded.

The text is the de facto standard of SMPP 3.4's appendix B, which every SMSC we know writes:
`id:<message id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000
text:…`. The id is the one submit_sm_resp gave (ProviderMessage.provider_id); the receipted_message_id
TLV, when the SMSC sends one, stands in for a text without an id. "done date" has no time zone in the
protocol; alerts.receipts takes a naive time as UTC, which is what the SMSCs we send through use.
Intermediate states (ENROUTE, ACCEPTD) are not outcomes and are skipped. Anything that cannot be read is
logged with the reason and acknowledged all the same: an SMSC resends receipts we refuse. The one receipt
refused on purpose (ESME_RX_T_APPN, "try later") names an id we do not know yet of a message submitted
minutes ago: another worker's, whose batch has not written its ids yet.
"""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import DatabaseError

from alerts.receipts import Receipt, receipts_record

__all__ = ["GATEWAY", "ReceiptError", "receipt_from_pdu", "receipt_parse", "receipts_apply"]

logger = logging.getLogger(__name__)

GATEWAY = "smpp"
# SMPP message states (stat:) → the delivery's outcome.
OUTCOMES = {
    "DELIVRD": "delivered",
    "EXPIRED": "expired",
    "UNDELIV": "undeliverable",
    "REJECTD": "undeliverable",
    "DELETED": "undeliverable",
    "UNKNOWN": "undeliverable",
}
INTERMEDIATE = {"ENROUTE", "ACCEPTD", "SCHEDULED"}
DELIVERY_RECEIPT = 0x04  # esm_class bits 2-5: SMSC delivery receipt
# An unknown id whose message was submitted less than this long ago may not be written yet (receipts_apply).
# A worker writes the ids at the end of its batch (500 messages: 0.6 s at the 800/s measured with window
# 50, minutes behind a throttling SMSC); five minutes leave room for that, and junk stops coming back soon.
UNKNOWN_GRACE_SECONDS = 300

_FIELD = re.compile(r"(id|sub|dlvrd|submit date|done date|stat|err):(\S*)", re.IGNORECASE)


class ReceiptError(ValueError):
    """A deliver_sm that is not a receipt we can record; the message says why."""


@dataclass(frozen=True)
class Parsed:
    provider_id: str
    stat: str
    err: str
    done: datetime | None
    submitted: datetime | None = None


def receipt_parse(text: str, *, receipted_id: str = "") -> Parsed:
    """The id, stat, err and done date of a receipt text; ReceiptError when it has no id or stat."""
    head = text.split(" text:", 1)[0] if " text:" in text else text
    fields = {name.lower(): value for name, value in _FIELD.findall(head)}
    provider_id = fields.get("id") or receipted_id
    if not provider_id:
        raise ReceiptError(f"no id in the receipt text {text[:80]!r}")
    stat = fields.get("stat", "").upper()
    if not stat:
        raise ReceiptError(f"no stat in the receipt text {text[:80]!r}")
    done, submitted = _date(fields.get("done date", "")), _date(fields.get("submit date", ""))
    return Parsed(provider_id, stat, fields.get("err", ""), done, submitted)


def _date(raw: str) -> datetime | None:
    """YYMMDDhhmm[ss]; None for anything else (a date that does not exist included)."""
    formats = {10: "%y%m%d%H%M", 12: "%y%m%d%H%M%S"}  # seconds are an extension some SMSCs add
    if raw.isdigit() and len(raw) in formats:
        try:
            return datetime.strptime(raw, formats[len(raw)])
        except ValueError:
            return None
    return None


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value or ""


def receipt_from_pdu(pdu) -> tuple[Receipt, datetime | None]:
    """The Receipt in a deliver_sm (smpplib's PDU) and its submit date; ReceiptError when it is none."""
    esm_class = getattr(pdu, "esm_class", 0) or 0
    if esm_class & 0x3C != DELIVERY_RECEIPT:
        raise ReceiptError(f"a deliver_sm with esm_class 0x{esm_class:02x} is a message, not a receipt")
    text = _text(getattr(pdu, "short_message", b"")) or _text(getattr(pdu, "message_payload", b""))
    parsed = receipt_parse(text, receipted_id=_text(getattr(pdu, "receipted_message_id", "")).rstrip("\0"))
    if parsed.stat in INTERMEDIATE:
        raise ReceiptError(f"receipt for {parsed.provider_id} says {parsed.stat}: not an outcome yet")
    if parsed.stat not in OUTCOMES:
        raise ReceiptError(f"receipt for {parsed.provider_id} has an unknown stat {parsed.stat[:20]!r}")
    status = OUTCOMES[parsed.stat]
    reason = "" if status == "delivered" else f"SMSC receipt: stat:{parsed.stat} err:{parsed.err}"
    return Receipt(GATEWAY, parsed.provider_id, status, parsed.done, reason), parsed.submitted


def receipts_apply(pdus: list) -> list[str]:
    """Record the receipts among these deliver_sm PDUs; per PDU the outcome ("recorded", "unknown", …,
    "unreadable", "failed", or "later": an unknown id of a message submitted minutes ago, see below).
    Never raises: a receipt that cannot be recorded is logged with the reason."""
    outcomes = ["unreadable"] * len(pdus)
    receipts, submitted, where = [], [], []
    for i, pdu in enumerate(pdus):
        try:
            receipt, at = receipt_from_pdu(pdu)
        except ReceiptError as exc:
            logger.warning("SMPP deliver_sm not recorded: %s", exc)
            continue
        receipts.append(receipt)
        submitted.append(at)
        where.append(i)
    if receipts:
        try:
            now = datetime.now(UTC).replace(tzinfo=None)
            answers = receipts_record(receipts)
            for i, outcome, at in zip(where, answers, submitted, strict=True):
                # The SMSC may hand one worker's receipt to another worker's session (any session of the
                # account), before the first has written the message's id: a receipt for an unknown id
                # of a message submitted minutes ago is refused for now, and the SMSC sends it again.
                young = at is not None and now - at < timedelta(seconds=UNKNOWN_GRACE_SECONDS)
                outcomes[i] = "later" if outcome == "unknown" and young else outcome
        except DatabaseError:
            logger.exception("SMPP receipts could not be recorded: %s", [r.provider_id for r in receipts])
            for i in where:
                outcomes[i] = "failed"
    return outcomes
