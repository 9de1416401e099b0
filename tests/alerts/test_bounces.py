"""Bounces: RFC 3464 delivery-status reports built with the email package around the mails the outbox really
sent (one of them received by an aiosmtpd server), read from a maildir and an mbox by
`manage.py process_bounces`."""

import mailbox
from email import message_from_bytes
from email.message import Message
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alerts.bounces import NotABounce, bounce_parse, bounces_process
from alerts.models import Delivery
from tests.factories import alert_sent, member_at

from .servers import SmtpSink

pytestmark = pytest.mark.django_db


def dsn(original: Message | None, *, action="failed", status="5.1.1", headers_only=False, to="x@example.be"):
    """A delivery-status report as an MTA (Postfix) writes it, about `original`."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "MAILER-DAEMON@mx.example.be"
    report["To"] = "bin-alerts@localhost"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Date"] = format_datetime(timezone.now())
    report.attach(MIMEText("I'm sorry to have to inform you that your message could not be delivered.\n"))
    status_part = Message()
    status_part.set_type("message/delivery-status")
    per_message = Message()
    per_message["Reporting-MTA"] = "dns; mx.example.be"
    per_message["Arrival-Date"] = format_datetime(timezone.now())
    per_recipient = Message()
    per_recipient["Final-Recipient"] = f"rfc822; {to}"
    per_recipient["Action"] = action
    per_recipient["Status"] = status
    code = "550" if status.startswith("5") else "451"
    per_recipient["Diagnostic-Code"] = f"smtp; {code} {status} <{to}>: Recipient address rejected"
    status_part.set_payload([per_message, per_recipient])
    report.attach(status_part)
    if original is not None:
        if headers_only:
            headers = "".join(f"{k}: {v}\n" for k, v in original.items())
            report.attach(MIMEText(headers, "rfc822-headers"))
        else:
            report.attach(MIMEMessage(original))
    return report


@pytest.fixture
def sent_mails(town, django_capture_on_commit_callbacks):
    """Four e-mail deliveries sent in-process (Django's locmem mail): {delivery id: the mail as sent}."""
    for i in range(4):
        member_at(100 + i * 10, 100, town.alfa, mobile="", email=f"lid{i}@example.be")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        alert = alert_sent(town.police, radius_m=1500, urgency="non_urgent")
    assert set(alert.deliveries.values_list("status", flat=True)) == {"sent"}
    return {int(m.extra_headers["X-BIN-Delivery"]): m.message() for m in mail.outbox}


def status_of(delivery_id):
    return Delivery.objects.values_list("status", "last_error").get(pk=delivery_id)


def write_maildir(path, messages):
    box = mailbox.Maildir(path, create=True)
    for m in messages:
        box.add(m.as_bytes() if hasattr(m, "as_bytes") else m)
    return path


def run(path) -> str:
    out = StringIO()
    call_command("process_bounces", str(path), stdout=out)
    return out.getvalue()


def test_a_permanent_bounce_makes_the_delivery_undeliverable_once(sent_mails, tmp_path):
    (first, original), *_ = sent_mails.items()
    box = write_maildir(tmp_path / "bounces", [dsn(original)])
    out = run(box)
    assert "1 mails: 1 deliveries undeliverable" in out
    status, reason = status_of(first)
    assert status == "undeliverable" and "5.1.1" in reason and "Recipient address rejected" in reason
    assert Delivery.objects.get(pk=first).receipt_at is not None
    # The same mailbox again: nothing changes, it is counted as already recorded.
    out = run(box)
    assert "0 deliveries undeliverable, 1 already recorded" in out
    assert status_of(first) == (status, reason)
    others = [i for i in sent_mails if i != first]
    assert {status_of(i)[0] for i in others} == {"sent"}


def test_an_mbox_of_bounces_delays_and_junk(sent_mails, tmp_path):
    ids = sorted(sent_mails)
    mbox_path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(mbox_path)
    foreign = Message()
    foreign["Message-ID"] = "<something-else@example.org>"
    plain = MIMEText("Ik ben met vakantie tot maandag.")
    plain["Subject"] = "Afwezig"
    for m in (
        dsn(sent_mails[ids[0]], headers_only=True),  # headers only: enough to find the delivery
        dsn(sent_mails[ids[1]]),
        dsn(sent_mails[ids[2]], action="delayed", status="4.4.7"),  # still trying: ignored
        plain,  # an auto-reply, not a report
        dsn(foreign),  # a report about a mail that is not ours
        dsn(None),  # a report without the returned message
        b"\x00\xff garbage that is not a mail at all \r\n\r\n",
    ):
        box.add(m.as_bytes() if hasattr(m, "as_bytes") else m)
    box.flush()
    report = bounces_process(mbox_path)
    assert (report.mails, report.recorded, report.ignored, report.garbage) == (7, 2, 1, 4)
    assert status_of(ids[0])[0] == status_of(ids[1])[0] == "undeliverable"
    assert status_of(ids[2])[0] == status_of(ids[3])[0] == "sent"
    assert any("not a report" in r for r in report.reasons)
    assert any("name no delivery" in r for r in report.reasons)


def test_a_bounce_for_a_delivery_we_do_not_have_is_counted_not_fatal(sent_mails, tmp_path):
    original = next(iter(sent_mails.values()))
    del original["X-BIN-Delivery"]
    original.replace_header("Message-ID", "<delivery-987654321@bin.localhost>")
    report = bounces_process(write_maildir(tmp_path / "box", [dsn(original)]))
    assert (report.recorded, report.unknown, report.garbage) == (0, 1, 0)
    assert {status_of(i)[0] for i in sent_mails} == {"sent"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bounce_of_a_mail_received_over_smtp(town, settings, tmp_path):
    member = member_at(100, 100, town.alfa, mobile="", email="gone@example.be")
    with SmtpSink() as smtp:
        settings.BIN_ALERT_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        alert = alert_sent(town.police, radius_m=1500, urgency="non_urgent")  # sent as it commits
        (received,) = smtp.messages
    delivery = alert.deliveries.get(member=member)
    assert status_of(delivery.pk)[0] == "sent"
    raw = dsn(received, to="gone@example.be").as_bytes()
    out = run(write_maildir(tmp_path / "box", [message_from_bytes(raw)]))
    assert "1 deliveries undeliverable" in out
    assert status_of(delivery.pk)[0] == "undeliverable"


@pytest.mark.parametrize(
    ("build", "why"),
    [
        (lambda m: MIMEText("hallo"), "not a report"),
        (lambda m: MIMEMultipart("report", report_type="disposition-notification"), "not delivery-status"),
        (lambda m: MIMEMultipart("report", report_type="delivery-status"), "no per-recipient fields"),
    ],
)
def test_what_is_not_a_bounce(build, why):
    with pytest.raises(NotABounce, match=why):
        bounce_parse(build(None))


def test_a_missing_mailbox_is_a_command_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("process_bounces", str(tmp_path / "nothing-here"))
