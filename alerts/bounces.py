"""Bounced alert e-mail: RFC 3464 delivery-status reports (DSN) read from a maildir or mbox, each permanent
failure recorded on its delivery as `undeliverable` with the server's diagnostic.

A DSN is a multipart/report (report-type=delivery-status) with a message/delivery-status part — one block
of per-message fields, then one block per recipient with Final-Recipient, Action and Status — and the
returned message: whole (message/rfc822) or its headers only (text/rfc822-headers). Our mails carry their
delivery id in X-BIN-Delivery and in the Message-ID (alerts/backends/email.py), so the returned headers name
the delivery. Status 5.x.x with Action failed is permanent: the delivery becomes undeliverable through
`alerts.receipts.receipt_record` (gateway "email", the delivery id as provider id), the one home of what a
receipt may change, which also makes a second run over the same mailbox change nothing ("duplicate").
4.x.x (Action delayed) means the server still tries: ignored. Anything else in the mailbox — a vacation
reply, spam, a report without our headers, a broken MIME structure — is counted and skipped, never a crash.
"""

import email.policy
import logging
import mailbox
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser, HeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from .backends.email import GATEWAY, delivery_id_from_headers
from .receipts import receipt_record

__all__ = ["Bounce", "BounceReport", "bounce_parse", "bounces_process"]

logger = logging.getLogger(__name__)


@dataclass
class Bounce:
    """One recipient's line of a DSN, with the delivery its returned headers name."""

    delivery_id: int
    recipient: str
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # 5.1.1, 4.4.7 …
    diagnostic: str
    at: object = None  # the report's Date, when it has one

    @property
    def permanent(self) -> bool:
        return self.action == "failed" and self.status.startswith("5.")


@dataclass
class BounceReport:
    """What a run over a mailbox found, by outcome."""

    mails: int = 0
    recorded: int = 0  # deliveries now undeliverable
    duplicate: int = 0  # recorded by an earlier run
    unknown: int = 0  # a delivery id we have no e-mail delivery for
    ignored: int = 0  # delays (4.x.x) and other non-failures
    garbage: int = 0  # not a DSN of one of our mails
    reasons: list[str] = field(default_factory=list)  # why, for the first garbage mails


class NotABounce(ValueError):
    """The mail is not a delivery-status report about one of our messages."""


def _header_text(value) -> str:
    return " ".join(str(value or "").split())


def _address(value: str) -> str:
    # Final-Recipient: rfc822; someone@example.be
    return value.split(";", 1)[-1].strip() if value else ""


def _returned_headers(msg: Message) -> Message | None:
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                return payload[0]
        elif kind == "text/rfc822-headers":
            text = part.get_payload(decode=True) or b""
            return HeaderParser().parsestr(text.decode("utf-8", errors="replace"))
    return None


def _status_blocks(msg: Message) -> list[Message]:
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            if isinstance(payload, list):
                return payload
    return []


def bounce_parse(msg: Message) -> list[Bounce]:
    """The recipients' lines of a DSN about one of our mails; NotABounce (with why) for anything else."""
    if msg.get_content_type() != "multipart/report":
        raise NotABounce(f"not a report ({msg.get_content_type()})")
    if (msg.get_param("report-type") or "").lower() != "delivery-status":
        raise NotABounce(f"a report of type {msg.get_param('report-type')!r}, not delivery-status")
    blocks = _status_blocks(msg)
    if len(blocks) < 2:
        raise NotABounce("no per-recipient fields in the delivery-status part")
    original = _returned_headers(msg)
    delivery_id = delivery_id_from_headers(original) if original is not None else None
    if delivery_id is None:
        raise NotABounce("the returned headers name no delivery (no X-BIN-Delivery, no Message-ID of ours)")
    try:
        at = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    except (TypeError, ValueError):
        at = None
    bounces = [
        Bounce(
            delivery_id=delivery_id,
            recipient=_address(_header_text(block["Final-Recipient"] or block["Original-Recipient"])),
            action=_header_text(block["Action"]).lower(),
            status=_header_text(block["Status"]).split(" ")[0] if block["Status"] else "",
            diagnostic=_header_text(block["Diagnostic-Code"]).split(";", 1)[-1].strip(),
            at=at if at is not None and at.tzinfo is not None else None,
        )
        for block in blocks[1:]
    ]
    if not any(b.action for b in bounces):
        raise NotABounce("no Action in the per-recipient fields")
    return bounces


def _mails(path: Path):
    """The messages at `path`: a maildir (cur/new/tmp), an mbox file, or a single message file."""
    if path.is_dir():
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in box.iterkeys():
            yield box.get_bytes(key)
        return
    with open(path, "rb") as f:
        head = f.read(5)
    if head != b"From ":
        yield path.read_bytes()
        return
    for msg in mailbox.mbox(path, factory=None, create=False):
        yield msg.as_bytes()


def bounces_process(path: str | Path) -> BounceReport:
    """Record every permanent failure reported in the mailbox at `path`; safe to run again on it."""
    report = BounceReport()
    parser = BytesParser(policy=email.policy.compat32)
    for raw in _mails(Path(path)):
        report.mails += 1
        try:
            bounces = bounce_parse(parser.parsebytes(raw))
        except NotABounce as exc:
            _garbage(report, str(exc))
            continue
        except Exception as exc:  # a mail the email package cannot take apart: skip it, never crash
            _garbage(report, f"unreadable mail: {exc.__class__.__name__}: {exc}")
            continue
        for bounce in bounces:
            if not bounce.permanent:
                report.ignored += 1
                continue
            outcome = receipt_record(
                gateway=GATEWAY,
                provider_id=str(bounce.delivery_id),
                status="undeliverable",
                at=bounce.at,
                reason=f"bounced: {bounce.status} {bounce.diagnostic}".strip()[:500],
            )
            if outcome == "recorded":
                report.recorded += 1
            elif outcome == "duplicate":
                report.duplicate += 1
            else:  # "unknown", "invalid": receipt_record has logged it
                report.unknown += 1
    return report


def _garbage(report: BounceReport, reason: str) -> None:
    report.garbage += 1
    logger.info("bounce mailbox: skipped a mail: %s", reason)
    if len(report.reasons) < 20:
        report.reasons.append(reason)
