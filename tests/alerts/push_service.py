"""A browser vendor's push service on loopback, and the browser's side of a subscription, for the Web Push
tests: the service checks the VAPID signature (ES256 with the sender's public key, aud = its own origin, exp
in the future and within 24 h) and decrypts the aes128gcm payload with the subscription's private key, as the
browser would; what it received is kept for the test to read."""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

__all__ = ["BrowserKeys", "PushService", "b64url", "b64url_decode"]


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class BrowserKeys:
    """What a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret."""

    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self, endpoint: str) -> dict:
        """PushSubscription.toJSON() as the browser hands it to the page."""
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.private, auth_secret=self.auth_secret, version="aes128gcm"
        )


def vapid_check(authorization: str, *, audience: str, public_key: str) -> dict:
    """The claims of a valid `vapid t=…,k=…` header; AssertionError says what is wrong."""
    scheme, _, params = authorization.partition(" ")
    assert scheme.lower() == "vapid", f"not a VAPID header: {authorization[:20]}"
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    assert parts["k"] == public_key, "signed with another key than the site's"
    header_b64, claims_b64, signature_b64 = parts["t"].split(".")
    assert json.loads(b64url_decode(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    signature = b64url_decode(signature_b64)
    assert len(signature) == 64
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public_key))
    try:
        key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the VAPID signature does not verify") from None
    claims = json.loads(b64url_decode(claims_b64))
    assert claims["aud"] == audience, f"aud {claims['aud']} is not {audience}"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, "exp not within the next 24 hours"
    assert claims.get("sub", "").startswith(("mailto:", "https:")), "no sub claim"
    return claims


class PushService:
    """A push service on 127.0.0.1: POST /push/<name> for the subscription `name` (see `subscribe`).

    `answers[name]`: a list of HTTP statuses to answer in turn (then 201); a request that fails the VAPID
    check or cannot be decrypted gets 401/400 and is recorded with its `error`.
    """

    def __init__(self, public_key: str):
        self.public_key = public_key
        self.keys: dict[str, BrowserKeys] = {}
        self.answers: dict[str, list[int]] = {}
        self.received: list[dict] = []
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                name = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service._received(name, self.headers, body, self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _received(self, name: str, headers, body: bytes, handler) -> None:
        # `headers` is the request's (case-insensitive); the record keeps them lower-cased.
        record = {
            "name": name,
            "headers": {k.lower(): v for k, v in headers.items()},
            "error": "",
            "payload": None,
        }
        status = 201
        try:
            vapid_check(headers.get("Authorization", ""), audience=self.origin, public_key=self.public_key)
        except (AssertionError, KeyError, ValueError) as exc:
            record["error"], status = f"vapid: {exc}", 401
        if status == 201:
            try:
                assert headers.get("Content-Encoding") == "aes128gcm"
                record["payload"] = json.loads(self.keys[name].decrypt(body))
            except Exception as exc:
                record["error"], status = f"decrypt: {exc!r}", 400
        with self.lock:
            if status == 201 and self.answers.get(name):
                status = self.answers[name].pop(0)
            record["status"] = status
            self.received.append(record)
        handler.send_response(status)
        if status == 429:
            handler.send_header("Retry-After", "0")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def subscribe(self, name: str) -> dict:
        """A new browser subscription at this service: PushSubscription.toJSON()."""
        self.keys[name] = BrowserKeys()
        return self.keys[name].subscription(f"{self.origin}/push/{name}")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
