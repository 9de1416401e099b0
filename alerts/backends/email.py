"""The e-mail channel: Django's mail, through the backend named by BIN_ALERT_EMAIL_BACKEND (EMAIL_BACKEND)."""

import contextlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .base import BaseBackend, OutgoingMessage, PermanentSendError, RetryableSendError

__all__ = ["DjangoEmailBackend"]


class DjangoEmailBackend(BaseBackend):
    """Send each message as one e-mail over one connection per batch.

    The Message-ID is derived from the delivery id, so a mail system that sees the same message twice
    can recognise it.
    """

    batch_size = 50

    def __init__(self, **kwargs):
        self.connection = get_connection(settings.BIN_ALERT_EMAIL_BACKEND or settings.EMAIL_BACKEND)

    def open(self):
        # A connection that cannot be opened is reported per message by send(), and retried.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.connection.open()

    def close(self):
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.connection.close()

    def send(self, message: OutgoingMessage) -> None:
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
            connection=self.connection,
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentSendError(f"address refused: {exc.recipients}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise RetryableSendError(f"SMTP error: {exc}") from exc
