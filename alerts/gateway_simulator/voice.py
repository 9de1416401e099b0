"""A voice gateway simulator on loopback: takes calls, answers with a call id, then calls our callback.

For the tests and for development (`python -m alerts.gateway_simulator.voice --port 8727 --token t
--secret s`). It keeps every call it was asked to place (`calls`), answers each as its script says
(`script`: a number's outcomes for its first, second… call: "answered", "busy", "no-answer", "failed";
"answered" when the script says nothing), reports that outcome to the call's callback_url a moment later,
signed as the real gateway signs (X-Timestamp, X-Signature: sha256 HMAC of "<timestamp>." + body), and can
"press" a key of an answered call (`press`), which calls the callback again.
"""

import argparse
import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

__all__ = ["VoiceSimulator", "signed_post"]


def signed_post(url: str, payload: dict, *, secret: str, timeout: float = 10.0) -> httpx.Response:
    """POST `payload` as JSON to `url`, signed with `secret` the way the voice and SMS gateways sign."""
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()))
    signature = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Timestamp": timestamp,
        "X-Signature": f"sha256={signature}",
    }
    return httpx.post(url, content=body, headers=headers, timeout=timeout)


class VoiceSimulator:
    """The simulator (see the module doc); a context manager that serves on 127.0.0.1:`port` (0: any)."""

    def __init__(self, *, token: str, secret: str, port: int = 0, delay: float = 0.2, script=None):
        self.token, self.secret, self.delay = token, secret, delay
        self.script: dict[str, list[str]] = dict(script or {})
        self.calls: list[dict] = []
        self.callbacks: list[tuple[dict, int]] = []  # what we reported, and our service's HTTP status
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                if self.headers.get("Authorization") != f"Bearer {simulator.token}":
                    return self._answer(401, {"error": "bad token"})
                try:
                    call = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                    if not all(isinstance(call.get(k), str) for k in ("to", "id", "callback_url")):
                        raise ValueError("to, id and callback_url are required")
                except (ValueError, KeyError, TypeError, AttributeError):
                    return self._answer(400, {"error": "bad call"})
                self._answer(200, {"call_id": simulator.place(call)})

            def _answer(self, status, data):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/calls"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def place(self, call: dict) -> str:
        """Record a call, pick its outcome from the script and report it after `delay`; its call id."""
        with self.lock:
            call_id = f"call-{next(self._ids)}"
            earlier = sum(1 for c in self.calls if c["to"] == call["to"])
            outcomes = self.script.get(call["to"], [])
            status = outcomes[earlier] if earlier < len(outcomes) else "answered"
            self.calls.append({**call, "call_id": call_id, "status": status})
        report = {"event": "status", "id": call["id"], "call_id": call_id, "status": status}
        threading.Timer(self.delay, self._callback, args=(call["callback_url"], report)).start()
        return call_id

    def _callback(self, url: str, payload: dict) -> int:
        try:
            status = signed_post(url, payload, secret=self.secret).status_code
        except httpx.HTTPError:
            status = 0
        with self.lock:
            self.callbacks.append((payload, status))
        return status

    def press(self, to: str, key: str) -> int:
        """Press `key` in the latest answered call to `to`; our service's HTTP status."""
        with self.lock:
            call = next(c for c in reversed(self.calls) if c["to"] == to and c["status"] == "answered")
        payload = {"event": "key", "id": call["id"], "call_id": call["call_id"], "key": key}
        return self._callback(call["callback_url"], payload)

    def wait(self, predicate, timeout: float = 60.0) -> bool:
        """Wait until predicate(self) holds; whether it did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if predicate(self):
                    return True
            time.sleep(0.1)
        return False


def main():  # pragma: no cover - a development tool
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8727)
    parser.add_argument("--token", default="voice-token")
    parser.add_argument("--secret", default="voice-secret")
    args = parser.parse_args()
    with VoiceSimulator(token=args.token, secret=args.secret, port=args.port) as sim:
        print(f"voice gateway simulator on {sim.url}", flush=True)
        sim.thread.join()


if __name__ == "__main__":  # pragma: no cover
    main()
