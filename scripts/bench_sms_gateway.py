"""Messages per second of one worker process through the HTTP gateway backend, against the simulator.

    .venv/bin/python scripts/bench_sms_gateway.py [--latency-ms 50] [--messages 5000] \
        [--redis-url redis://127.0.0.1:6379/10]

The simulator runs as its own process (python -m alerts.gateway_simulator.http), so that it does not take
this process's CPU; this process is one worker: it calls HttpGatewayBackend.send_messages with slices of
1,000 messages, as the outbox does. For comparison, the old way (urllib, one message per request, a new
connection each) sends a few hundred. Prints one line per configuration.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.test")
os.environ.setdefault("DATABASE_URL", "postgis://postgres@127.0.0.1:54329/bin_gis")

import django  # noqa: E402

django.setup()

from django.test import override_settings  # noqa: E402

from alerts.backends.base import Accepted, OutgoingMessage  # noqa: E402
from alerts.backends.http import HttpGatewayBackend  # noqa: E402

# (requests in flight, messages per request)
CONFIGURATIONS = ((8, 1), (16, 1), (32, 1), (64, 1), (4, 100), (8, 100), (8, 500), (32, 100))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_simulator(latency_ms: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "alerts.gateway_simulator.http", "--port", str(port)]
    command += ["--latency-ms", str(latency_ms), "--max-connections", "500"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    process.stdout.readline()  # "HTTP gateway simulator on …": it listens
    return process, f"http://127.0.0.1:{port}"


def messages(n: int, start: int) -> list[OutgoingMessage]:
    text = "BIN Teststad: verdachte personen in de Kerkstraat. Meer: https://bin.example/r/abcdef"
    return [OutgoingMessage(key=str(start + i), to=f"+3247{start + i:07d}", text=text) for i in range(n)]


def old_way(url: str, n: int) -> float:
    """The backend before issue 12: urllib, one request and one connection per message, one at a time."""
    started = time.perf_counter()
    for m in messages(n, 900_000_000):
        body = json.dumps({"to": m.to, "text": m.text, "id": m.key}).encode()
        request = urllib.request.Request(url + "/message", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    return n / (time.perf_counter() - started)


def new_way(url: str, n: int, *, concurrency: int, batch: int, start: int, redis_url="") -> tuple[float, int]:
    endpoint = url + ("/message" if batch == 1 else "/messages")
    # With a Redis URL every request takes its tokens from the shared bucket (a rate far above what is
    # reached, so that only the cost of asking shows).
    limit = {"BIN_SMS_GATEWAY_RATE": 10**6 if redis_url else 0, "BIN_SMS_GATEWAY_RATE_REDIS_URL": redis_url}
    with override_settings(**limit, BIN_SMS_GATEWAY_NAME=f"bench-{start}"):
        backend = HttpGatewayBackend(
            url=endpoint, token="", concurrency=concurrency, gateway_batch_size=batch
        )
        backend.send_messages(messages(min(n, concurrency * batch), start - 10_000_000))  # warm the pool
        started = time.perf_counter()
        accepted = 0
        todo = messages(n, start)
        for i in range(0, n, backend.batch_size):
            outcomes = backend.send_messages(todo[i : i + backend.batch_size])
            accepted += sum(isinstance(o, Accepted) for o in outcomes.values())
        return n / (time.perf_counter() - started), accepted


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--redis-url", default="", help="also measure with the rate limit's bucket there")
    args = parser.parse_args()
    simulator, url = start_simulator(args.latency_ms)
    try:
        print(f"simulator latency {args.latency_ms:g} ms; one worker process; {args.messages} messages each")
        print(f"old backend (urllib, 1/request, sequential): {old_way(url, 40):8.0f} messages/s")
        start = 1_000_000
        for concurrency, batch in CONFIGURATIONS:
            rate, accepted = new_way(url, args.messages, concurrency=concurrency, batch=batch, start=start)
            start += 2 * args.messages
            print(
                f"concurrency {concurrency:3d}, {batch:4d} per request: {rate:8.0f} messages/s "
                f"({accepted} accepted)"
            )
        if args.redis_url:
            for concurrency, batch in ((32, 1), (8, 100)):
                rate, accepted = new_way(
                    url,
                    args.messages,
                    concurrency=concurrency,
                    batch=batch,
                    start=start,
                    redis_url=args.redis_url,
                )
                start += 2 * args.messages
                print(
                    f"concurrency {concurrency:3d}, {batch:4d} per request, rate limit in Redis: {rate:8.0f} "
                    f"messages/s ({accepted} accepted)"
                )
        with urllib.request.urlopen(url + "/_stats") as response:
            stats = json.load(response)
        opened, in_flight = stats["connections_opened"], stats["max_in_flight"]
        print(f"simulator: {opened} connections opened in all, at most {in_flight} requests in flight")
    finally:
        simulator.terminate()
        simulator.wait(10)


if __name__ == "__main__":
    main()
