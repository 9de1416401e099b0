"""Loopback servers for the channel tests: an SMS gateway (http.server in a thread) and an SMTP server."""

import json
import logging
import socket
import threading
import time
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

__all__ = ["Gateway", "SmtpSink", "free_port"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gateway:
    """An SMS gateway on 127.0.0.1 whose answer depends on the number's last digits.

    …500 → always HTTP 500; …400 → HTTP 400; …999 → sleeps `slow` seconds (past the client's timeout);
    …503 → 503 the first time for a message id, 200 after; anything else → 200. Every request is kept.
    """

    def __init__(self, token="secret-token", slow=2.0):
        self.token = token
        self.slow = slow
        self.requests: list[dict] = []
        self.seen_503: set[str] = set()
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.requests.append(
                        {
                            **body,
                            "auth": self.headers.get("Authorization"),
                            "key": self.headers.get("Idempotency-Key"),
                        }
                    )
                to = body["to"]
                status = 200
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    status = 401
                elif to.endswith("500"):
                    status = 500
                elif to.endswith("400"):
                    status = 400
                elif to.endswith("999"):
                    time.sleep(gateway.slow)
                elif to.endswith("503"):
                    with gateway.lock:
                        first = body["id"] not in gateway.seen_503
                        gateway.seen_503.add(body["id"])
                    status = 503 if first else 200
                payload = json.dumps({"status": "ok" if status == 200 else "error"}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def ids(self) -> list[str]:
        with self.lock:
            return [r["id"] for r in self.requests]


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that keeps every message."""

    def __init__(self):
        self.messages = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(message_from_bytes(envelope.content))
                return "250 OK"

        # aiosmtpd logs every SMTP command at INFO.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
