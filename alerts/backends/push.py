"""The Web Push backend: an alert as a notification on the members' phones and browsers (RFC 8030 push,
RFC 8291 message encryption, RFC 8292 VAPID), beside their SMS or e-mail (alerts/recipients.py).

A message's `to` is the member id: the backend reads the member's subscriptions (members.PushSubscription)
at sending time and POSTs the encrypted payload (pywebpush's aes128gcm) to each one's push service over one
keep-alive httpx client, with the VAPID signature, a TTL (BIN_PUSH_TTL) and the urgency (high for an urgent
alert: the phone wakes from power saving for it). What the push services answer:

* 201/202 (or any 2xx): delivered to the push service; the subscription's last_success is set.
* 404/410: the subscription is gone (the member blocked notifications, reset or removed the browser): it is
  deleted at once, like a bounced address.
* 429, 5xx, timeouts and connection errors: retryable, like an SMS gateway's (429 with its Retry-After).
* Any other 4xx (400 bad request, 403 a key mismatch, 413 too large): permanent for this subscription.

A member with several subscriptions is one delivery: accepted when at least one push service took it (a
retry would notify the others a second time), retryable when none did and one may later, permanent when
none is left.
"""

import logging
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPusher

from members.selectors import push_subscriptions_of
from members.services import push_subscriptions_delivered, push_subscriptions_expire

from .base import Accepted, BaseBackend, OutgoingMessage, PermanentSendError, RetryableSendError, SendError

__all__ = ["WebPushBackend"]

logger = logging.getLogger(__name__)

# A VAPID signature is valid for at most 24 h (RFC 8292); ours for 12, made again after 11.
_JWT_SECONDS = 12 * 3600
_JWT_RENEW = 11 * 3600


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None


class WebPushBackend(BaseBackend):
    """Send alerts as Web Push notifications to every subscription of the member (see the module doc)."""

    batch_size = 50
    gateway_name = "webpush"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.client: httpx.Client | None = None
        self.vapid: Vapid | None = None
        self._signatures: dict[str, tuple[float, str]] = {}  # audience → (made at, Authorization)

    def open(self):
        if not settings.BIN_VAPID_PRIVATE_KEY:
            raise PermanentSendError("Web Push is not set up (BIN_VAPID_PRIVATE_KEY is empty)")
        self.vapid = Vapid.from_string(private_key=settings.BIN_VAPID_PRIVATE_KEY)
        timeout = settings.BIN_PUSH_TIMEOUT
        self.client = httpx.Client(timeout=httpx.Timeout(timeout, connect=timeout), follow_redirects=False)

    def close(self):
        if self.client is not None:
            self.client.close()
            self.client = None

    def _authorization(self, endpoint: str) -> str:
        """The VAPID header for the endpoint's push service (aud = its origin), kept while it is fresh."""
        url = urlsplit(endpoint)
        audience = f"{url.scheme}://{url.netloc}"
        made, header = self._signatures.get(audience, (0.0, ""))
        if time.time() - made > _JWT_RENEW:
            claims = {
                "aud": audience,
                "exp": int(time.time()) + _JWT_SECONDS,
                "sub": settings.BIN_VAPID_SUBJECT,
            }
            header = self.vapid.sign(claims)["Authorization"]
            self._signatures[audience] = (time.time(), header)
        return header

    def send_messages(self, messages: list[OutgoingMessage]) -> dict[str, SendError | Accepted | None]:
        if self.client is None:
            self.open()
        subscriptions = push_subscriptions_of(member_ids=[int(m.to) for m in messages])
        results: dict[str, SendError | Accepted | None] = {}
        delivered, gone = [], []
        for message in messages:
            results[message.key] = self._send_member(
                message, subscriptions.get(int(message.to), []), delivered, gone
            )
        # Two statements for the batch, not two per subscription.
        if gone:
            push_subscriptions_expire(ids=gone)
        if delivered:
            push_subscriptions_delivered(ids=delivered)
        return results

    def _send_member(self, message, subscriptions, delivered: list[int], gone: list[int]):
        if not subscriptions:
            return PermanentSendError("the member has no push subscription any more")
        retryable: RetryableSendError | None = None
        permanent: list[str] = []
        accepted = False
        for subscription in subscriptions:
            outcome = self._post(message, subscription)
            if outcome is None:
                accepted = True
                delivered.append(subscription.pk)
            elif outcome == "gone":
                gone.append(subscription.pk)
            elif isinstance(outcome, RetryableSendError):
                retryable = outcome
            else:
                permanent.append(str(outcome))
        if accepted:
            return Accepted()
        if retryable is not None:
            return retryable
        if permanent:
            return PermanentSendError("; ".join(permanent))
        return PermanentSendError("every push subscription of the member has expired (404/410)")

    def _post(self, message: OutgoingMessage, subscription) -> "SendError | str | None":
        """None when the push service took it; "gone" for 404/410; otherwise the error."""
        info = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        try:
            body = WebPusher(info).encode(message.text.encode(), "aes128gcm")["body"]
        except Exception as exc:  # a key the browser gave us but that cannot be used (checked when saved)
            return PermanentSendError(f"cannot encrypt for this subscription: {exc.__class__.__name__}")
        headers = {
            "Authorization": self._authorization(subscription.endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(settings.BIN_PUSH_TTL),
            "Urgency": "high" if message.urgent else "normal",
        }
        try:
            response = self.client.post(subscription.endpoint, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return RetryableSendError(f"push service unreachable: {exc.__class__.__name__}")
        status = response.status_code
        if 200 <= status < 300:
            return None
        if status in (404, 410):
            logger.info("push subscription %s expired (%s)", subscription.pk, status)
            return "gone"
        if status == 429 or status >= 500 or status == 408:
            return RetryableSendError(f"push service answered {status}", retry_after=_retry_after(response))
        return PermanentSendError(f"push service answered {status}")
