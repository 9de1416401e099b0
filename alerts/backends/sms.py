"""SMS backends: console and file for development and tests, locmem for unit tests, an HTTP gateway for real.

Pick one with BIN_SMS_BACKEND = "alerts.backends.sms.FileBackend" (etc.).
"""

import json
import os
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .base import BaseBackend, OutgoingMessage, RetryableSendError

# Moved to alerts.backends.http; the old dotted path in BIN_SMS_BACKEND keeps working.
from .http import HttpGatewayBackend

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
