"""Delivery receipts of the HTTP gateway simulator: queued when a message is accepted, POSTed when due.

A receipt is JSON `{"message_id", "id", "status", "at"}`; the simulator sends the due ones in batches
(`{"receipts": [...]}`) signed like a real provider's webhook: `X-Timestamp: <unix seconds>` and
`X-Signature: sha256=<hex HMAC-SHA256 over "<timestamp>." + raw body>` with the shared secret. The timestamp
is inside the signature, so a captured receipt cannot be replayed later with a fresh timestamp.
"""

import asyncio
import contextlib
import hashlib
import heapq
import hmac
import itertools
import json
import random
import time
from datetime import UTC, datetime

import httpx

__all__ = ["ReceiptSender", "receipt_signature"]

BATCH = 500  # receipts per POST
TRIES = 5  # a receipt the endpoint did not take is tried this often, a second apart, then dropped


def receipt_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Signature value of `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class ReceiptSender:
    """Keeps the receipts to send, in order of when they are due, and sends them from a background task."""

    def __init__(self, config, stats: dict, rng: random.Random):
        self.config = config
        self.stats = stats
        self.random = rng
        self._heap: list[tuple[float, int, dict, int]] = []
        self._order = itertools.count()
        self._task: asyncio.Task | None = None
        self._client: httpx.AsyncClient | None = None

    def schedule(self, delivery_id: str, message_id: str) -> None:
        if not self.config.receipt_url:
            return
        draw = self.random.random()
        if draw < self.config.undeliverable_rate:
            status = "undeliverable"
        elif draw < self.config.undeliverable_rate + self.config.expired_rate:
            status = "expired"
        else:
            status = "delivered"
        due = time.monotonic() + self.config.receipt_delay_ms / 1000
        receipt = {"message_id": message_id, "id": delivery_id, "status": status}
        heapq.heappush(self._heap, (due, next(self._order), receipt, 0))

    def pending(self) -> int:
        return len(self._heap)

    def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=10.0)
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._client:
            await self._client.aclose()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(0.05)
            now = time.monotonic()
            due = []
            while self._heap and self._heap[0][0] <= now and len(due) < BATCH:
                due.append(heapq.heappop(self._heap))
            if due:
                await self._post(due)

    async def _post(self, due: list) -> None:
        now = datetime.now(UTC).isoformat()
        receipts = [{**receipt, "at": now} for _, _, receipt, _ in due]
        body = json.dumps({"receipts": receipts}).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Timestamp": timestamp,
            "X-Signature": receipt_signature(self.config.receipt_secret, timestamp, body),
        }
        try:
            response = await self._client.post(self.config.receipt_url, content=body, headers=headers)
            ok = 200 <= response.status_code < 300
        except httpx.HTTPError:
            ok = False
        if ok:
            self.stats["receipts_sent"] += len(due)
            return
        self.stats["receipt_posts_failed"] += 1
        later = time.monotonic() + 1.0
        for _, order, receipt, tries in due:
            if tries + 1 < TRIES:
                heapq.heappush(self._heap, (later, order, receipt, tries + 1))
            else:
                self.stats["receipts_dropped"] += 1
