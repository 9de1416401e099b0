"""Channel backends, pluggable like Django's e-mail backends: a dotted path in the settings picks one.

A backend gets a list of OutgoingMessage and answers, per message key, None or Accepted (accepted, with the
gateway's message ids when it gives them) or the error. The
key is the delivery id: it is the idempotency key a gateway can use to drop a message it already has.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Accepted, BaseBackend, OutgoingMessage, PermanentSendError, RetryableSendError, SendError

__all__ = [
    "Accepted",
    "BaseBackend",
    "OutgoingMessage",
    "PermanentSendError",
    "RetryableSendError",
    "SendError",
    "get_backend",
]


def get_backend(channel: str, **kwargs) -> BaseBackend:
    """The backend configured for `channel` ("sms", "voice", "push" or "email")."""
    backends = {"sms": settings.BIN_SMS_BACKEND, "voice": settings.BIN_VOICE_BACKEND}
    backends["push"] = settings.BIN_PUSH_BACKEND  # Web Push: alerts.backends.push
    path = backends.get(channel, settings.BIN_EMAIL_CHANNEL_BACKEND)
    return import_string(path)(**kwargs)
