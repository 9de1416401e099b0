"""SMS backends: console and file for development and tests, locmem for unit tests, an HTTP gateway for real.

Pick one with BIN_SMS_BACKEND = "alerts.backends.sms.FileBackend" (etc.).
"""

import json
import os
import socket
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .base import BaseBackend, OutgoingMessage, PermanentSendError, RetryableSendError

__all__ = ["ConsoleBackend", "FileBackend", "HttpGatewayBackend", "LocmemBackend", "outbox"]


class ConsoleBackend(BaseBackend):
    """Print each SMS on standard output (the default of `make run`)."""

    batch_size = 200

    def __init__(self, stream=None, **kwargs):
        self.stream = stream or sys.stdout

    def send_messages(self, messages):
        for m in messages:
            self.stream.write(f"SMS to {m.to} [{m.key}]\n{m.text}\n{'-' * 40}\n")
        self.stream.flush()
        return {m.key: None for m in messages}


# Messages sent with the locmem backend, like django.core.mail.outbox.
outbox: list[OutgoingMessage] = []
_outbox_lock = threading.Lock()


class LocmemBackend(BaseBackend):
    """Keep the messages in `alerts.backends.sms.outbox` (for unit tests)."""

    def send_messages(self, messages):
        with _outbox_lock:
            outbox.extend(messages)
        return {m.key: None for m in messages}


class FileBackend(BaseBackend):
    """Append each SMS as one JSON line to `sms.jsonl` in BIN_SMS_FILE_PATH.

    A batch is written with one os.write on a file opened with O_APPEND, so the lines of concurrent
    workers never interleave and a killed worker leaves whole lines only. The file is also the record of
    what was accepted: `already_sent` reads it back, which closes the window between sending and marking
    a delivery sent for this backend.
    """

    batch_size = 500

    def __init__(self, file_path=None, **kwargs):
        self.directory = Path(file_path or settings.BIN_SMS_FILE_PATH)
        self.path = self.directory / "sms.jsonl"

    def send_messages(self, messages):
        if not messages:
            return {}
        self.directory.mkdir(parents=True, exist_ok=True)
        at = timezone.now().isoformat()
        data = "".join(
            json.dumps({"id": m.key, "to": m.to, "text": m.text, "at": at}, ensure_ascii=False) + "\n"
            for m in messages
        ).encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            written = os.write(fd, data)
        except OSError as exc:
            error = RetryableSendError(f"cannot write {self.path}: {exc}")
            return {m.key: error for m in messages}
        finally:
            os.close(fd)
        if written != len(data):  # a full disk: the batch is incomplete, retry it whole
            error = RetryableSendError(f"short write to {self.path}")
            return {m.key: error for m in messages}
        return {m.key: None for m in messages}

    def already_sent(self, keys):
        wanted = set(keys)
        found = set()
        try:
            with open(self.path, encoding="utf-8") as f:
                for line in f:
                    try:
                        key = json.loads(line)["id"]
                    except (ValueError, KeyError):
                        continue
                    if key in wanted:
                        found.add(key)
        except FileNotFoundError:
            pass
        return found


class HttpGatewayBackend(BaseBackend):
    """POST {"to", "text", "id"} as JSON to BIN_SMS_GATEWAY_URL with a bearer token.

    2xx is accepted. A timeout, a connection error, 408, 429 and 5xx are retryable; any other 4xx is the
    gateway refusing the message (a bad number, say) and is not retried. The delivery id travels as `id`
    and as the Idempotency-Key header so that the gateway can drop a message it already has.
    """

    batch_size = 20

    def __init__(self, url=None, token=None, timeout=None, **kwargs):
        self.url = url or settings.BIN_SMS_GATEWAY_URL
        self.token = token if token is not None else settings.BIN_SMS_GATEWAY_TOKEN
        self.timeout = timeout or settings.BIN_SMS_GATEWAY_TIMEOUT
        if not self.url:
            raise PermanentSendError("BIN_SMS_GATEWAY_URL is not set")

    def send(self, message: OutgoingMessage) -> None:
        body = json.dumps({"to": message.to, "text": message.text, "id": message.key}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("Idempotency-Key", message.key)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(200).decode(errors="replace").strip()
            reason = f"gateway answered HTTP {exc.code}" + (f": {detail}" if detail else "")
            if exc.code in (408, 429) or exc.code >= 500:
                raise RetryableSendError(reason) from exc
            raise PermanentSendError(reason) from exc
        except TimeoutError as exc:
            raise RetryableSendError(f"gateway timed out after {self.timeout} s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise RetryableSendError(f"gateway timed out after {self.timeout} s") from exc
            raise RetryableSendError(f"gateway unreachable: {exc.reason}") from exc
        except (ConnectionError, OSError) as exc:
            raise RetryableSendError(f"gateway connection failed: {exc}") from exc
