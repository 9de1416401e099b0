"""Make a VAPID key pair for Web Push (alerts/backends/push.py): the lines to put in the environment."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vapid_key_pair() -> tuple[str, str]:
    """(public, private): base64url of the uncompressed P-256 point and of the 32-byte private number."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(public), _b64url(key.private_numbers().private_value.to_bytes(32, "big"))


class Command(BaseCommand):
    help = (
        "Print a new VAPID key pair as BIN_VAPID_PUBLIC_KEY / BIN_VAPID_PRIVATE_KEY lines. Changing the pair "
        "ends every existing subscription: members then turn notifications on again."
    )

    def handle(self, *args, **options):
        public, private = vapid_key_pair()
        self.stdout.write(f"BIN_VAPID_PUBLIC_KEY={public}\nBIN_VAPID_PRIVATE_KEY={private}\n")
