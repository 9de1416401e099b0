"""Voice backends: text-to-speech calls to landlines through an HTTP voice gateway, and console/locmem ones.

Pick one with BIN_VOICE_BACKEND. The gateway contract (the README has it in full):

* We POST one call per request to BIN_VOICE_GATEWAY_URL, `Authorization: Bearer <BIN_VOICE_GATEWAY_TOKEN>`,
  `Idempotency-Key: <delivery id>`, JSON `{"id", "to", "language", "text", "ssml", "keypad", "callback_url"}`:
  `keypad` maps keys to our reaction kinds ({"1": "seen", "2": "observation"}; empty: no keypad).
* 2xx `{"call_id"}`: the call is placed (the delivery is `sent`); its outcome comes later to callback_url
  (alerts/api/phone.py). 408, 429, 5xx, timeouts, connection errors: retryable; other 4xx: permanent.
"""

import json
import sys
import threading

import httpx
from django.conf import settings

from .base import Accepted, BaseBackend, OutgoingMessage, PermanentSendError, RetryableSendError

__all__ = ["ConsoleBackend", "LocmemBackend", "VoiceGatewayBackend", "calls"]


def call_body(message: OutgoingMessage) -> dict:
    """The JSON of one call, as the gateway gets it."""
    return {"id": message.key, "to": message.to, "text": message.text, **message.extra}


class VoiceGatewayBackend(BaseBackend):
    """POST each call to BIN_VOICE_GATEWAY_URL (see the module doc); calls are few, one request each."""

    batch_size = 50

    def __init__(self, url=None, token=None, timeout=None, **kwargs):
        self.url = url or settings.BIN_VOICE_GATEWAY_URL
        self.token = token if token is not None else settings.BIN_VOICE_GATEWAY_TOKEN
        self.timeout = float(timeout or settings.BIN_VOICE_GATEWAY_TIMEOUT)
        self.gateway_name = settings.BIN_VOICE_GATEWAY_NAME
        if not self.url:
            raise PermanentSendError("BIN_VOICE_GATEWAY_URL is not set")
        self.client: httpx.Client | None = None

    def open(self):
        self.client = httpx.Client(timeout=self.timeout)

    def close(self):
        if self.client is not None:
            self.client.close()
            self.client = None

    def send(self, message: OutgoingMessage) -> Accepted | None:
        if self.client is None:
            self.open()
        headers = {"Content-Type": "application/json", "Idempotency-Key": message.key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = json.dumps(call_body(message)).encode()
        try:
            response = self.client.post(self.url, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise RetryableSendError(f"voice gateway timed out after {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise RetryableSendError(f"voice gateway unreachable: {exc!r}") from exc
        status = response.status_code
        if status >= 300:
            reason = (
                f"voice gateway answered HTTP {status}: {response.content[:200].decode(errors='replace')}"
            )
            if status in (408, 429) or status >= 500:
                raise RetryableSendError(reason)
            raise PermanentSendError(reason)
        try:
            call_id = response.json().get("call_id")
        except (ValueError, AttributeError):
            call_id = None
        return Accepted([str(call_id)]) if isinstance(call_id, str | int) and str(call_id) else None


class ConsoleBackend(BaseBackend):
    """Print each call's text on standard output (development)."""

    def __init__(self, stream=None, **kwargs):
        self.stream = stream or sys.stdout

    def send_messages(self, messages):
        for m in messages:
            self.stream.write(f"CALL to {m.to} [{m.key}] ({m.extra.get('language')})\n{m.text}\n{'-' * 40}\n")
        self.stream.flush()
        return {m.key: None for m in messages}


# Calls placed with the locmem backend, like alerts.backends.sms.outbox.
calls: list[OutgoingMessage] = []
_lock = threading.Lock()


class LocmemBackend(BaseBackend):
    """Keep the calls in `alerts.backends.voice.calls` (unit tests)."""

    def send_messages(self, messages):
        with _lock:
            calls.extend(messages)
        return {m.key: None for m in messages}
