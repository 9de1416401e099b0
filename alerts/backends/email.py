"""The e-mail channel: Django's mail, through the backend named by BIN_ALERT_EMAIL_BACKEND (EMAIL_BACKEND).

At volume (a 100,000 e-mail fan-out) the cost is the SMTP dialogue, not our code: one connection per message
would add a TCP and EHLO (and TLS) handshake to every mail. So a worker keeps BIN_EMAIL_CONCURRENCY
connections open for as long as its task runs and sends the messages of a batch over them back to back, the
batch split between the connections, each driven by its own thread (smtplib blocks on the server's answer
to every command; threads overlap those waits). Django's SMTP backend reuses a connection that is already
open (its send_messages opens and closes only one it opened itself), so each thread gets its own backend
instance, opened here and closed when the task ends. tests/alerts/test_email_volume.py counts the SMTP
sessions per batch.

Per message: a recipient the server refuses with 5xx fails that delivery (4xx, greylisting: retried); a
connection that drops is reopened once for the rest of its share, whose messages are retried if that fails
too. Every message carries its delivery id (Message-ID `<delivery-<id>@BIN_ALERT_MESSAGE_ID_DOMAIN>` and
X-BIN-Delivery), which is how a bounce finds its delivery again (alerts/bounces.py); the id is also the
message's provider id (ProviderMessage, gateway "email"), the key bounces are recorded by.
"""

import contextlib
import re
import smtplib
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .base import Accepted, BaseBackend, OutgoingMessage, PermanentSendError, RetryableSendError, SendError

__all__ = ["GATEWAY", "DjangoEmailBackend", "delivery_id_from_headers"]

# ProviderMessage.gateway of e-mail deliveries; the provider id is the delivery id.
GATEWAY = "email"

_MESSAGE_ID = re.compile(r"<?\s*delivery-(\d{1,18})@", re.IGNORECASE)


def delivery_id_from_headers(headers) -> int | None:
    """The delivery id an alert e-mail carries: X-BIN-Delivery, else its Message-ID; None if neither."""
    value = str(headers.get("X-BIN-Delivery") or "").strip()
    if value.isdigit() and len(value) <= 18:
        return int(value)
    match = _MESSAGE_ID.search(str(headers.get("Message-ID") or ""))
    return int(match.group(1)) if match else None


class DjangoEmailBackend(BaseBackend):
    """Send a batch of e-mails over BIN_EMAIL_CONCURRENCY open connections, back to back on each."""

    batch_size = 200
    gateway_name = GATEWAY

    def __init__(self, concurrency=None, **kwargs):
        self.path = settings.BIN_ALERT_EMAIL_BACKEND or settings.EMAIL_BACKEND
        self.concurrency = max(1, int(concurrency or settings.BIN_EMAIL_CONCURRENCY))
        # One Django mail backend per slot, each driven by one thread at a time; opened on first use.
        self.connections: list = [None] * self.concurrency
        self.executor: ThreadPoolExecutor | None = None

    def open(self):
        pass  # connections open when a slot first sends: a batch of 3 needs 3, not BIN_EMAIL_CONCURRENCY

    def close(self):
        for slot, conn in enumerate(self.connections):
            if conn is not None:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    conn.close()
                self.connections[slot] = None
        if self.executor is not None:
            self.executor.shutdown(wait=True)
            self.executor = None

    def send_messages(self, messages: list[OutgoingMessage]) -> dict[str, SendError | Accepted | None]:
        n = min(self.concurrency, len(messages))
        if n <= 1:
            return self._send_share(0, messages)
        # Contiguous shares, so that each connection sends its messages in delivery-id order.
        step = -(-len(messages) // n)
        shares = [messages[i : i + step] for i in range(0, len(messages), step)]
        if self.executor is None:
            self.executor = ThreadPoolExecutor(self.concurrency, thread_name_prefix="smtp")
        results: dict[str, SendError | Accepted | None] = {}
        for part in self.executor.map(self._send_share, range(len(shares)), shares):
            results.update(part)
        return results

    def _connection(self, slot: int):
        conn = self.connections[slot]
        if conn is None:
            conn = self.connections[slot] = get_connection(self.path)
        # Opens it unless it is open already; an error here is the caller's (retry these messages).
        conn.open()
        return conn

    def _drop(self, slot: int) -> None:
        conn, self.connections[slot] = self.connections[slot], None
        if conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                conn.close()

    def _send_share(self, slot: int, messages: list[OutgoingMessage]) -> dict:
        results: dict[str, SendError | Accepted | None] = {}
        reopened = False
        for message in messages:
            try:
                results[message.key] = self._send_one(self._connection(slot), message)
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                # The connection is gone (a timeout, a server restart): this message is retried, and the
                # rest of the share tries one new connection; if that fails too they are all retried.
                self._drop(slot)
                results[message.key] = RetryableSendError(f"SMTP connection lost: {exc}")
                if reopened:
                    error = RetryableSendError(f"SMTP server unreachable: {exc}")
                    results.update({m.key: error for m in messages if m.key not in results})
                    break
                reopened = True
            except SendError as exc:
                results[message.key] = exc
            except smtplib.SMTPException as exc:
                results[message.key] = RetryableSendError(f"SMTP error: {exc}")
        return results

    def _send_one(self, conn, message: OutgoingMessage) -> Accepted:
        email = EmailMessage(
            subject=message.subject,
            body=message.text,
            from_email=settings.BIN_ALERT_FROM_EMAIL,
            to=[message.to],
            headers={
                "Message-ID": f"<delivery-{message.key}@{settings.BIN_ALERT_MESSAGE_ID_DOMAIN}>",
                "X-BIN-Delivery": message.key,
                **message.headers,
            },
            connection=conn,
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            reason = "; ".join(
                f"{code} {text.decode(errors='replace')}" for code, text in exc.recipients.values()
            )
            if codes and min(codes) >= 500:
                raise PermanentSendError(f"address refused: {reason}") from exc
            raise RetryableSendError(f"address deferred: {reason}") from exc
        except smtplib.SMTPDataError as exc:
            text = (
                exc.smtp_error.decode(errors="replace")
                if isinstance(exc.smtp_error, bytes)
                else exc.smtp_error
            )
            if exc.smtp_code >= 500:
                raise PermanentSendError(f"message refused: {exc.smtp_code} {text}") from exc
            raise RetryableSendError(f"message deferred: {exc.smtp_code} {text}") from exc
        return Accepted([message.key])
