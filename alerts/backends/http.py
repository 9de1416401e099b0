"""The HTTP SMS gateway backend: many requests in flight per worker over a keep-alive pool, batches, 429s.

One message per request over a new connection each, as before, made 19 messages/s per worker against a
gateway that answers after 50 ms. Here a worker process keeps a pool of BIN_SMS_GATEWAY_CONCURRENCY
threads and one httpx.Client whose keep-alive connections stay open from task to task; `send_messages`
hands the threads the requests and waits for all of them. Each request carries BIN_SMS_GATEWAY_BATCH_SIZE
messages (1: the one-message protocol). Before each request the messages' tokens are taken from the
provider's rate limit, which all workers share (alerts/ratelimit.py), urgent ones first.

Threads rather than asyncio: measured on the 2-core machine against the simulator at 50 ms,
httpx.AsyncClient spent ~2.5 ms of CPU per request and topped out at 230-290 requests/s whatever the
concurrency; httpx.Client in 32 threads did 450-520 (64 threads: fewer, they fight over the GIL). With
batches of 100 both pass 5,000 messages/s, far above any provider's rate (scripts/bench_sms_gateway.py).

What the gateway answers becomes one outcome per message, never an exception:

* 2xx: per message `{"id", "message_id"}` → Accepted([message_id]); `{"id", "error", "retryable"}` → a
  retryable or permanent error with the gateway's words. An answer that is not JSON, has no results list,
  or leaves a message out is a retryable error that says so: the delivery id is the idempotency key, so
  sending again cannot make a second SMS of a message the gateway did take.
* 429: Retry-After up to BIN_SMS_GATEWAY_RETRY_AFTER_MAX seconds is waited out and the request sent again;
  longer, the messages go back to the outbox with `retry_after` (the outbox waits that long).
* 408, 5xx, timeouts and connection errors: retryable. Any other 4xx: permanent.
"""

import json
import logging
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime

import httpx
from django.conf import settings

from ..ratelimit import rate_limiter
from .base import Accepted, BaseBackend, OutgoingMessage, PermanentSendError, RetryableSendError, SendError

__all__ = ["HttpGatewayBackend"]

logger = logging.getLogger(__name__)

Outcome = SendError | Accepted | None


class _Pool:
    """Per process: the sending threads and the HTTP clients (connection pools), by configuration.

    Made again after a fork (Celery's prefork pool forks workers from a parent that may have used them):
    a child has the parent's objects but neither its threads nor, safely, its sockets.
    """

    _lock = threading.Lock()
    _pid: int | None = None
    _executors: dict[int, ThreadPoolExecutor] = {}
    _clients: dict[tuple, httpx.Client] = {}

    @classmethod
    def _check_pid(cls) -> None:
        if cls._pid != os.getpid():
            cls._executors, cls._clients, cls._pid = {}, {}, os.getpid()

    @classmethod
    def executor(cls, concurrency: int) -> ThreadPoolExecutor:
        with cls._lock:
            cls._check_pid()
            if concurrency not in cls._executors:
                cls._executors[concurrency] = ThreadPoolExecutor(
                    concurrency, thread_name_prefix="sms-gateway"
                )
            return cls._executors[concurrency]

    @classmethod
    def client(cls, timeout: float, concurrency: int) -> httpx.Client:
        with cls._lock:
            cls._check_pid()
            key = (timeout, concurrency)
            if key not in cls._clients:
                limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
                cls._clients[key] = httpx.Client(timeout=timeout, limits=limits)
            return cls._clients[key]


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number, or an HTTP date), at most BIN_DELIVERY_RETRY_BACKOFF_MAX; None
    when absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), settings.BIN_DELIVERY_RETRY_BACKOFF_MAX)


def _snippet(response: httpx.Response) -> str:
    return response.content[:200].decode(errors="replace").strip()


class HttpGatewayBackend(BaseBackend):
    """POST SMS as JSON to BIN_SMS_GATEWAY_URL with a bearer token, many at once (see the module doc).

    One message per request (BIN_SMS_GATEWAY_BATCH_SIZE = 1): `{"to", "text", "id"}`, the delivery id also
    as the Idempotency-Key header. More: `{"messages": [{"id", "to", "text"}, …]}` to the batch endpoint.
    """

    # Messages per send_messages call: enough to keep every request slot busy (the outbox claims
    # BIN_DELIVERY_CLAIM_SIZE at a time and hands them over in slices of this size).
    batch_size = 1000

    def __init__(self, url=None, token=None, timeout=None, concurrency=None, gateway_batch_size=None, **kw):
        self.url = url or settings.BIN_SMS_GATEWAY_URL
        self.token = token if token is not None else settings.BIN_SMS_GATEWAY_TOKEN
        self.timeout = float(timeout or settings.BIN_SMS_GATEWAY_TIMEOUT)
        self.concurrency = max(1, int(concurrency or settings.BIN_SMS_GATEWAY_CONCURRENCY))
        self.per_request = max(1, int(gateway_batch_size or settings.BIN_SMS_GATEWAY_BATCH_SIZE))
        self.retry_after_max = float(settings.BIN_SMS_GATEWAY_RETRY_AFTER_MAX)
        self.gateway_name = settings.BIN_SMS_GATEWAY_NAME
        if not self.url:
            raise PermanentSendError("BIN_SMS_GATEWAY_URL is not set")
        self.limiter = rate_limiter(self.gateway_name)

    def send(self, message: OutgoingMessage) -> Accepted | None:
        outcome = self.send_messages([message])[message.key]
        if isinstance(outcome, SendError):
            raise outcome
        return outcome

    def send_messages(self, messages: list[OutgoingMessage]) -> dict[str, Outcome]:
        if not messages:
            return {}
        client = _Pool.client(self.timeout, self.concurrency)
        executor = _Pool.executor(self.concurrency)
        # Urgent messages' requests are queued first, each request all urgent or all not (the rate
        # limit's reserve is per class).
        futures = []
        for urgent in (True, False):
            group = [m for m in messages if bool(m.urgent) is urgent]
            for i in range(0, len(group), self.per_request):
                chunk = group[i : i + self.per_request]
                futures.append(executor.submit(self._send_chunk, client, chunk, urgent))
        outcomes: dict[str, Outcome] = {}
        for future in futures:
            outcomes.update(future.result())
        return outcomes

    def _request(self, chunk: list[OutgoingMessage]) -> tuple[bytes, dict[str, str]]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.per_request == 1:
            (m,) = chunk
            headers["Idempotency-Key"] = m.key
            return json.dumps({"to": m.to, "text": m.text, "id": m.key}).encode(), headers
        body = {"messages": [{"id": m.key, "to": m.to, "text": m.text} for m in chunk]}
        return json.dumps(body).encode(), headers

    def _send_chunk(self, client: httpx.Client, chunk: list[OutgoingMessage], urgent: bool) -> dict:
        """Take the rate limit's tokens, POST, wait out short 429s; an outcome per message, never a raise."""
        try:
            self.limiter.take(len(chunk), urgent=urgent)
            body, headers = self._request(chunk)
            waited = 0.0
            while True:
                try:
                    response = client.post(self.url, content=body, headers=headers)
                except httpx.TimeoutException:
                    return self._all(chunk, RetryableSendError(f"gateway timed out after {self.timeout:g} s"))
                except httpx.ConnectError as exc:
                    return self._all(chunk, RetryableSendError(f"gateway unreachable: {exc}"))
                except httpx.HTTPError as exc:
                    return self._all(chunk, RetryableSendError(f"gateway connection failed: {exc!r}"))
                if response.status_code != 429:
                    return self._answer(chunk, response)
                retry_after = _retry_after(response.headers.get("Retry-After"))
                # At least 0.1 s: a gateway that says "0" again and again must not spin this loop.
                wait = 1.0 if retry_after is None else max(retry_after, 0.1)
                if waited + wait > self.retry_after_max:
                    reason = f"gateway answered HTTP 429 (rate limit), retry after {wait:g} s"
                    return self._all(chunk, RetryableSendError(reason, retry_after=wait))
                waited += wait
                time.sleep(wait)
        except Exception as exc:  # a bug must not lose the batch: the messages are retried with the reason
            logger.exception("sending %s messages to the SMS gateway failed", len(chunk))
            return self._all(chunk, RetryableSendError(f"sending failed: {exc!r}"))

    @staticmethod
    def _all(chunk: list[OutgoingMessage], outcome: Outcome) -> dict[str, Outcome]:
        return {m.key: outcome for m in chunk}

    def _answer(self, chunk: list[OutgoingMessage], response: httpx.Response) -> dict[str, Outcome]:
        status = response.status_code
        if status >= 300:
            detail = _snippet(response)
            reason = f"gateway answered HTTP {status}" + (f": {detail}" if detail else "")
            if status in (408, 429) or status >= 500:
                # A 503 may say when to come back (a maintenance window): the outbox waits that long.
                retry_after = _retry_after(response.headers.get("Retry-After"))
                return self._all(chunk, RetryableSendError(reason, retry_after=retry_after))
            return self._all(chunk, PermanentSendError(reason))
        if self.per_request == 1:
            return {chunk[0].key: _single_accepted(response)}
        return _batch_results(chunk, response)


def _single_accepted(response: httpx.Response) -> Accepted | None:
    """A 2xx to one message: accepted, with the gateway's id when it gave one (older gateways do not)."""
    try:
        data = response.json()
    except ValueError:
        return None
    message_id = data.get("message_id") if isinstance(data, dict) else None
    if isinstance(message_id, str | int) and not isinstance(message_id, bool) and str(message_id):
        return Accepted([str(message_id)])
    return None


def _garbage(chunk: list[OutgoingMessage], response: httpx.Response, what: str) -> dict[str, Outcome]:
    reason = f"gateway answered HTTP {response.status_code} {what}: {_snippet(response)!r}"
    logger.warning("%s (%s messages put back to retry)", reason, len(chunk))
    return {m.key: RetryableSendError(reason) for m in chunk}


def _batch_results(chunk: list[OutgoingMessage], response: httpx.Response) -> dict[str, Outcome]:
    """Per message outcomes from a batch answer `{"results": [...]}`, whatever shape it really has."""
    try:
        data = response.json()
    except ValueError:
        return _garbage(chunk, response, "with a body that is not JSON")
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        return _garbage(chunk, response, "without a results list")
    by_id = {}
    for result in results:
        key = result.get("id") if isinstance(result, dict) else None
        if isinstance(key, str | int) and not isinstance(key, bool):
            by_id[str(key)] = result
    unknown = by_id.keys() - {m.key for m in chunk}
    if unknown:
        logger.warning("gateway answered results for ids it was not sent: %s", sorted(unknown)[:10])
    outcomes: dict[str, Outcome] = {}
    for m in chunk:
        result = by_id.get(m.key)
        message_id = result.get("message_id") if result else None
        if result is None:
            outcomes[m.key] = RetryableSendError("gateway's answer had no result for this message")
        elif isinstance(message_id, str | int) and not isinstance(message_id, bool) and str(message_id):
            outcomes[m.key] = Accepted([str(message_id)])
        elif "error" in result:
            reason = f"gateway refused the message: {str(result['error'])[:300]}"
            retryable = result.get("retryable") is True
            outcomes[m.key] = RetryableSendError(reason) if retryable else PermanentSendError(reason)
        else:
            reason = f"gateway's result for this message is unreadable: {result!r:.200}"
            outcomes[m.key] = RetryableSendError(reason)
    return outcomes
