"""What every channel backend implements."""

from dataclasses import dataclass, field

__all__ = [
    "Accepted",
    "BaseBackend",
    "OutgoingMessage",
    "PermanentSendError",
    "RetryableSendError",
    "SendError",
]


class SendError(Exception):
    """A message was not accepted."""


class RetryableSendError(SendError):
    """Try again later: the gateway answered 5xx or 429, timed out, or could not be reached.

    retry_after: the seconds the gateway asked us to wait (HTTP Retry-After, an SMPP throttling error);
    None: the outbox's own backoff (BIN_DELIVERY_RETRY_BACKOFF) decides.
    """

    def __init__(self, message: str = "", *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Accepted:
    """A message the gateway accepted, with the ids it gave it: one per part (a long SMS sent over SMPP is
    several messages, each with its own id and its own delivery receipt). The outbox keeps them
    (ProviderMessage) so that a receipt finds its delivery."""

    provider_ids: list[str] = field(default_factory=list)


class PermanentSendError(SendError):
    """Trying again will not help: the number or address is refused."""


@dataclass
class OutgoingMessage:
    key: str  # the delivery id: the idempotency key
    to: str
    text: str
    subject: str = ""  # e-mail only
    headers: dict[str, str] = field(default_factory=dict)
    urgent: bool = False  # the alert is urgent: goes first through the provider's rate limit
    # A voice call's own fields (alerts.voice_text): language, ssml, keypad.
    extra: dict = field(default_factory=dict)


class BaseBackend:
    """Send messages; say per message whether it was accepted.

    send_messages answers, per message key: None or Accepted (accepted; Accepted carries the gateway's
    ids for delivery receipts) or a SendError (not accepted, and why).
    """

    # How many messages a worker claims and sends at a time with this backend.
    batch_size = 100
    # The name receipts are keyed by (ProviderMessage.gateway): ids are unique per gateway only.
    gateway_name = ""

    def __init__(self, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages: list[OutgoingMessage]) -> dict[str, "SendError | Accepted | None"]:
        results: dict[str, SendError | Accepted | None] = {}
        for message in messages:
            try:
                results[message.key] = self.send(message)
            except SendError as exc:
                results[message.key] = exc
        return results

    def send(self, message: OutgoingMessage) -> "Accepted | None":
        raise NotImplementedError

    def already_sent(self, keys: list[str]) -> set[str] | None:
        """Which of `keys` this backend has already accepted, or None when it cannot tell.

        Asked only for deliveries whose worker died between claiming and marking them: the one window in
        which a message may have left without our knowing.
        """
        return None
