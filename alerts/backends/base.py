"""What every channel backend implements."""

from dataclasses import dataclass, field

__all__ = ["BaseBackend", "OutgoingMessage", "PermanentSendError", "RetryableSendError", "SendError"]


class SendError(Exception):
    """A message was not accepted."""


class RetryableSendError(SendError):
    """Try again later: the gateway answered 5xx, timed out, or could not be reached."""


class PermanentSendError(SendError):
    """Trying again will not help: the number or address is refused."""


@dataclass
class OutgoingMessage:
    key: str  # the delivery id: the idempotency key
    to: str
    text: str
    subject: str = ""  # e-mail only
    headers: dict[str, str] = field(default_factory=dict)


class BaseBackend:
    """Send messages; say per message whether it was accepted."""

    # How many messages a worker claims and sends at a time with this backend.
    batch_size = 100

    def __init__(self, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages: list[OutgoingMessage]) -> dict[str, SendError | None]:
        results: dict[str, SendError | None] = {}
        for message in messages:
            try:
                self.send(message)
            except SendError as exc:
                results[message.key] = exc
            else:
                results[message.key] = None
        return results

    def send(self, message: OutgoingMessage) -> None:
        raise NotImplementedError

    def already_sent(self, keys: list[str]) -> set[str] | None:
        """Which of `keys` this backend has already accepted, or None when it cannot tell.

        Asked only for deliveries whose worker died between claiming and marking them: the one window in
        which a message may have left without our knowing.
        """
        return None
