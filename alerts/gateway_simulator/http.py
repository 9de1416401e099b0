"""An HTTP SMS gateway simulator: what a provider does to us, on the loopback interface.

    python -m alerts.gateway_simulator.http --port 8025 --latency-ms 50 --rate 2000 --error-rate 0.01 \\
        --receipt-url http://127.0.0.1:8000/api/gateway/receipts/ --receipt-secret s3cret \\
        --receipt-delay-ms 500 --max-connections 200

Protocol (JSON bodies, bearer token when --token is given):

* `POST /messages` `{"messages": [{"id", "to", "text"}, ...]}` → 200
  `{"results": [{"id", "message_id"} | {"id", "error", "retryable": bool}, ...]}`; a number that is not E.164
  gets a permanent per-message error.
* `POST /message` `{"id", "to", "text"}` → 200 `{"id", "message_id"}` or 400 (the older protocol: one at a
  time).
* The `id` (also the Idempotency-Key header) is the idempotency key: an id accepted before gets its first
  message_id again and counts as a duplicate, never as a second acceptance.
* Every request waits `latency_ms`; a fraction `error_rate` of requests answers 503 (and `lost_answer_rate`
  is accepted, then the connection dropped without an answer); over the provider rate
  (messages/s, burst `burst`) the answer is 429 with Retry-After (whole seconds, as HTTP has it); beyond
  `max_connections` open connections a new one is closed at once.
* Delivery receipts (http_receipts.py) go to `receipt_url` `receipt_delay_ms` after acceptance.
* For tests: `GET /_stats`, `GET /_accepted` (id → how often it was submitted), `POST /_control` (`{"down":
  true}`, `{"down": true, "mode": "close"}` to drop connections instead of answering 503, `{"garbage":
  "not-json" | "no-results" | "unknown-ids" | null}`, or any setting below), `POST /_reset`.

In a test: `with HttpGatewaySimulator(latency_ms=5) as sim: ... sim.url, sim.stats(), sim.accepted()` runs it
in a thread with its own event loop.
"""

import argparse
import asyncio
import contextlib
import dataclasses
import itertools
import json
import math
import random
import re
import threading
import time
from dataclasses import dataclass

from .http_receipts import ReceiptSender
from .http_server import CloseConnection, Request, Response, serve_connection

__all__ = ["HttpGatewaySimulator", "SimulatorConfig", "main"]

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
COUNTERS = (
    "requests",
    "messages",
    "accepted",
    "duplicates",
    "refused",
    "rejected_429",
    "transient_errors",
    "lost_answers",
    "unauthorized",
    "connections_opened",
    "connections_refused",
    "max_connections_seen",
    "max_in_flight",
    "receipts_sent",
    "receipt_posts_failed",
    "receipts_dropped",
)


@dataclass
class SimulatorConfig:
    latency_ms: float = 50.0
    rate: float = 0.0  # messages/s the provider takes; 0: no limit
    burst: float = 0.0  # the bucket's size; 0: one second's worth
    error_rate: float = 0.0  # requests answered 503
    message_error_rate: float = 0.0  # messages of a batch refused with a retryable per-message error
    lost_answer_rate: float = 0.0  # requests whose messages are accepted but whose answer never comes
    token: str = ""  # the bearer token required; empty: none
    max_connections: int = 1000
    receipt_url: str = ""
    receipt_secret: str = ""
    receipt_delay_ms: float = 500.0
    undeliverable_rate: float = 0.0
    expired_rate: float = 0.0
    down: bool = False
    mode: str = "503"  # how it is down: "503" or "close"
    garbage: str | None = None  # "not-json", "no-results", "unknown-ids": broken answers to batches
    seed: int | None = None  # of the random errors and receipt outcomes


class _Bucket:
    """The provider's own rate limit: a token bucket in messages."""

    def __init__(self, config: SimulatorConfig):
        self.config = config
        self.tokens = self.size
        self.at = time.monotonic()

    @property
    def size(self) -> float:
        return self.config.burst or self.config.rate

    def take(self, n: int) -> float:
        """0 when `n` messages may go now (taken), else the seconds to wait."""
        rate = self.config.rate
        if rate <= 0:
            return 0.0
        now = time.monotonic()
        self.tokens = min(self.size, self.tokens + (now - self.at) * rate)
        self.at = now
        need = min(n, self.size)  # a batch larger than the bucket goes once the bucket is full
        if self.tokens >= need:
            self.tokens -= n
            return 0.0
        return (need - self.tokens) / rate


class GatewayState:
    """Everything the simulator knows: its settings, counters, and each id it accepted."""

    def __init__(self, config: SimulatorConfig):
        self.config = config
        self.stats = dict.fromkeys(COUNTERS, 0)
        self.ids: dict[str, list] = {}  # delivery id → [message_id, times submitted]
        self.bucket = _Bucket(config)
        self.random = random.Random(config.seed)  # a seed makes a test's errors the same every run
        self.receipts = ReceiptSender(config, self.stats, self.random)
        self.connections = 0
        self.in_flight = 0
        self._numbers = itertools.count(1)

    def snapshot(self) -> dict:
        return {
            **self.stats,
            "open_connections": self.connections,
            "in_flight": self.in_flight,
            "receipts_pending": self.receipts.pending(),
            "config": dataclasses.asdict(self.config),
        }

    def control(self, changes: dict) -> None:
        fields = {f.name: f.type for f in dataclasses.fields(SimulatorConfig)}
        for name, value in changes.items():
            if name not in fields:
                raise ValueError(f"unknown setting {name!r}")
            setattr(self.config, name, value)
        if "rate" in changes or "burst" in changes:
            self.bucket = _Bucket(self.config)
        if "seed" in changes:
            self.random.seed(self.config.seed)

    def reset(self) -> None:
        self.stats.update(dict.fromkeys(COUNTERS, 0))
        self.ids.clear()

    def accept(self, delivery_id: str, to: str) -> dict:
        """The per-message result for one message (already past auth, errors and the rate limit)."""
        if not E164.match(to):
            self.stats["refused"] += 1
            return {"id": delivery_id, "error": f"invalid number {to[:30]!r}: not E.164", "retryable": False}
        known = self.ids.get(delivery_id)
        if known is not None:
            known[1] += 1
            self.stats["duplicates"] += 1
            return {"id": delivery_id, "message_id": known[0]}
        if self.random.random() < self.config.message_error_rate:
            self.stats["transient_errors"] += 1
            return {"id": delivery_id, "error": "temporary failure, try again", "retryable": True}
        message_id = f"sim-{next(self._numbers):09d}"
        self.ids[delivery_id] = [message_id, 1]
        self.stats["accepted"] += 1
        self.receipts.schedule(delivery_id, message_id)
        return {"id": delivery_id, "message_id": message_id}


def _messages_of(request: Request) -> list[dict] | Response:
    """The messages of a batch or single request, or the 400 that says what is wrong with it."""
    try:
        data = request.json()
    except ValueError:
        return Response.json({"error": "the body is not JSON"}, 400)
    messages = data.get("messages") if request.path == "/messages" and isinstance(data, dict) else [data]
    if not isinstance(messages, list) or not messages:
        return Response.json({"error": "expected {'messages': [...]}, a non-empty list"}, 400)
    for m in messages:
        if not isinstance(m, dict) or not all(isinstance(m.get(k), str) and m.get(k) for k in ("id", "to")):
            return Response.json({"error": "every message needs a string id and to"}, 400)
        if not isinstance(m.get("text", ""), str):
            return Response.json({"error": "text must be a string"}, 400)
    return messages


def _garbage(mode: str, results: list[dict]) -> Response:
    if mode == "not-json":
        return Response(200, b"<html>Gateway maintenance</html>", {"Content-Type": "text/html"})
    if mode == "no-results":
        return Response.json({"status": "ok"})
    return Response.json({"results": [{**r, "id": f"x{r['id']}"} for r in results]})


class GatewayApp:
    """The request handler: routes, and the order a provider checks things in."""

    def __init__(self, state: GatewayState):
        self.state = state

    async def __call__(self, request: Request) -> Response:
        if request.path.startswith("/_"):
            return self._admin(request)
        state = self.state
        config = state.config
        if request.method != "POST" or request.path not in ("/message", "/messages"):
            return Response.json({"error": "not found"}, 404 if request.method == "POST" else 405)
        state.stats["requests"] += 1
        state.in_flight += 1
        state.stats["max_in_flight"] = max(state.stats["max_in_flight"], state.in_flight)
        try:
            if config.latency_ms > 0:
                await asyncio.sleep(config.latency_ms / 1000)
            return self._submit(request)
        finally:
            state.in_flight -= 1

    def _submit(self, request: Request) -> Response:
        state, config = self.state, self.state.config
        if config.down:
            if config.mode == "close":
                raise CloseConnection
            return Response.json({"error": "service unavailable (down)"}, 503)
        if config.token and request.headers.get("authorization") != f"Bearer {config.token}":
            state.stats["unauthorized"] += 1
            return Response.json({"error": "bad or missing bearer token"}, 401)
        messages = _messages_of(request)
        if isinstance(messages, Response):
            return messages
        if state.random.random() < config.error_rate:
            state.stats["transient_errors"] += 1
            return Response.json({"error": "temporarily unavailable"}, 503)
        wait = state.bucket.take(len(messages))
        if wait:
            state.stats["rejected_429"] += 1
            retry_after = str(max(1, math.ceil(wait)))
            return Response.json({"error": "rate limit"}, 429, **{"Retry-After": retry_after})
        state.stats["messages"] += len(messages)
        results = [state.accept(m["id"], m["to"]) for m in messages]
        if state.random.random() < config.lost_answer_rate:
            state.stats["lost_answers"] += 1
            raise CloseConnection  # the worst case for exactly-once: taken, and the client cannot know
        if request.path == "/message":
            (result,) = results
            return Response.json(result, 400 if "error" in result else 200)
        if config.garbage:
            return _garbage(config.garbage, results)
        return Response.json({"results": results})

    def _admin(self, request: Request) -> Response:
        state = self.state
        if request.method == "GET" and request.path == "/_stats":
            return Response.json(state.snapshot())
        if request.method == "GET" and request.path == "/_accepted":
            return Response.json({"ids": {k: v[1] for k, v in state.ids.items()}})
        if request.method == "POST" and request.path == "/_reset":
            state.reset()
            return Response.json({"ok": True})
        if request.method == "POST" and request.path == "/_control":
            try:
                changes = request.json()
                if not isinstance(changes, dict):
                    raise ValueError("expected an object")
                state.control(changes)
            except ValueError as exc:
                return Response.json({"error": str(exc)}, 400)
            return Response.json(dataclasses.asdict(state.config))
        return Response.json({"error": "not found"}, 404)


class HttpGatewaySimulator:
    """The simulator on 127.0.0.1: `await serve()` in an event loop, or start()/stop() in its own thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **config):
        self.host = host
        self.port = port
        self.state = GatewayState(SimulatorConfig(**config))
        self.app = GatewayApp(self.state)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._stopped: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def _connection(self, reader, writer):
        state = self.state
        if state.connections >= state.config.max_connections:
            state.stats["connections_refused"] += 1
            writer.close()
            return
        state.connections += 1
        state.stats["connections_opened"] += 1
        state.stats["max_connections_seen"] = max(state.stats["max_connections_seen"], state.connections)
        try:
            await serve_connection(reader, writer, self.app)
        finally:
            state.connections -= 1

    async def start_serving(self) -> None:
        self._stopped = asyncio.Event()
        self._server = await asyncio.start_server(self._connection, self.host, self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]
        self.state.receipts.start()

    async def serve(self) -> None:
        """Serve until stop() (or the task is cancelled)."""
        await self.start_serving()
        await self._until_stopped()

    # --- in a thread, for tests and benchmarks ---
    def start(self) -> "HttpGatewaySimulator":
        ready = threading.Event()
        failed: list[BaseException] = []
        self._loop = asyncio.new_event_loop()

        def run():
            asyncio.set_event_loop(self._loop)
            try:
                self._loop.run_until_complete(self.start_serving())
            except BaseException as exc:  # the port is taken, say: start() raises it
                failed.append(exc)
                ready.set()
                self._loop.close()
                return
            ready.set()
            self._loop.run_until_complete(self._until_stopped())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="http-gateway-simulator", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failed:
            raise failed[0]
        return self

    async def _until_stopped(self) -> None:
        try:
            await self._stopped.wait()
        finally:
            self._server.close()
            await self.state.receipts.stop()
            # Open keep-alive connections end with the loop.
            tasks = asyncio.all_tasks() - {asyncio.current_task()}
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        if self._loop and self._thread and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _call(self, fn):
        """Run `fn` on the simulator's loop (its state is the loop's alone) and return what it returns."""

        async def call():
            return fn()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(10)

    def stats(self) -> dict:
        return self._call(self.state.snapshot)

    def accepted(self) -> dict[str, int]:
        """Each delivery id accepted, with how often it was submitted (1 + duplicates)."""
        return self._call(lambda: {k: v[1] for k, v in self.state.ids.items()})

    def message_ids(self) -> dict[str, str]:
        return self._call(lambda: {k: v[0] for k, v in self.state.ids.items()})

    def control(self, **changes) -> None:
        self._call(lambda: self.state.control(changes))

    def reset(self) -> None:
        self._call(self.state.reset)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rate", type=float, default=0.0, help="messages/s; 0: no limit")
    parser.add_argument("--burst", type=float, default=0.0, help="bucket size; 0: one second of --rate")
    parser.add_argument("--error-rate", type=float, default=0.0, help="fraction of requests answered 503")
    parser.add_argument("--message-error-rate", type=float, default=0.0)
    parser.add_argument("--lost-answer-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--token", default="")
    parser.add_argument("--max-connections", type=int, default=1000)
    parser.add_argument("--receipt-url", default="")
    parser.add_argument("--receipt-secret", default="")
    parser.add_argument("--receipt-delay-ms", type=float, default=500.0)
    parser.add_argument("--undeliverable-rate", type=float, default=0.0)
    parser.add_argument("--expired-rate", type=float, default=0.0)
    args = vars(parser.parse_args(argv))
    simulator = HttpGatewaySimulator(args.pop("host"), args.pop("port"), **args)

    async def run():
        await simulator.start_serving()
        print(f"HTTP gateway simulator on {simulator.url} ({json.dumps(args)})", flush=True)
        await simulator._until_stopped()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    main()
