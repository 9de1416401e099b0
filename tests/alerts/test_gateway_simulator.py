"""The HTTP gateway simulator (alerts/gateway_simulator/http.py) behaves like a provider: its rate limit with
429 + Retry-After, idempotency, per-message refusals, signed receipts, the down switch, the connection cap,
and it runs standalone without Django."""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from alerts.gateway_simulator.http import HttpGatewaySimulator

from .servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def batch(ids, to="+32470000001"):
    return {"messages": [{"id": str(i), "to": to, "text": "Inbraak, let op."} for i in ids]}


@pytest.fixture
def sim():
    with HttpGatewaySimulator(latency_ms=1, token="tok") as simulator:
        yield simulator


@pytest.fixture
def client(sim):
    with httpx.Client(base_url=sim.url, headers={"Authorization": "Bearer tok"}, timeout=5) as c:
        yield c


def test_batch_and_single_protocols_answer_per_message(client, sim):
    answer = client.post(
        "/messages",
        json={
            "messages": [
                {"id": "1", "to": "+32470000001", "text": "a"},
                {"id": "2", "to": "0470 00 00 02", "text": "b"},  # not E.164: refused for good
            ]
        },
    )
    assert answer.status_code == 200
    ok, refused = answer.json()["results"]
    assert ok["id"] == "1" and ok["message_id"].startswith("sim-")
    assert refused["id"] == "2" and refused["retryable"] is False and "E.164" in refused["error"]
    single = client.post("/message", json={"id": "3", "to": "+32470000003", "text": "c"})
    assert single.status_code == 200 and single.json()["message_id"].startswith("sim-")
    bad = client.post("/message", json={"id": "4", "to": "12", "text": "d"})
    assert bad.status_code == 400 and bad.json()["retryable"] is False
    stats = sim.stats()
    assert (stats["accepted"], stats["refused"], stats["requests"]) == (2, 2, 3)


def test_a_resubmitted_id_gets_the_same_message_id_and_counts_as_duplicate(client, sim):
    first = client.post("/messages", json=batch([10, 11])).json()["results"]
    again = client.post("/message", json={"id": "10", "to": "+32470000001", "text": "x"}).json()
    third = client.post("/messages", json=batch([10])).json()["results"]
    assert again["message_id"] == first[0]["message_id"] == third[0]["message_id"]
    stats = sim.stats()
    assert stats["accepted"] == 2 and stats["duplicates"] == 2
    assert sim.accepted() == {"10": 3, "11": 1}
    assert client.get("/_accepted").json() == {"ids": {"10": 3, "11": 1}}


def test_bearer_token_is_required(sim):
    answer = httpx.post(sim.url + "/messages", json=batch([1]), headers={"Authorization": "Bearer nope"})
    assert answer.status_code == 401
    assert sim.stats()["accepted"] == 0 and sim.stats()["unauthorized"] == 1


def test_over_the_rate_the_answer_is_429_with_retry_after(client, sim):
    sim.control(rate=50, burst=50)
    assert client.post("/messages", json=batch(range(40))).status_code == 200
    refused = client.post("/messages", json=batch(range(40, 80)))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert sim.stats()["rejected_429"] == 1 and sim.stats()["accepted"] == 40
    time.sleep(0.7)  # 35 tokens back
    assert client.post("/messages", json=batch(range(40, 70))).status_code == 200


def test_transient_errors_are_503_and_accept_nothing(client, sim):
    sim.control(error_rate=1.0)
    answer = client.post("/messages", json=batch([1, 2]))
    assert answer.status_code == 503
    assert sim.stats()["transient_errors"] == 1 and sim.accepted() == {}


def test_down_switch_503_or_dropped_connections_then_back(client, sim):
    assert client.post("/_control", json={"down": True}).status_code == 200
    assert client.post("/messages", json=batch([1])).status_code == 503
    sim.control(mode="close")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/messages", json=batch([1]))
    assert client.get("/_stats").json()["config"]["down"] is True  # the test endpoints still answer
    sim.control(down=False)
    assert client.post("/messages", json=batch([1])).status_code == 200
    assert sim.accepted() == {"1": 1}


def test_connections_over_the_cap_are_closed(sim):
    sim.control(max_connections=2)
    clients = [httpx.Client(base_url=sim.url, headers={"Authorization": "Bearer tok"}) for _ in range(3)]
    try:
        for c in clients[:2]:
            assert c.post("/messages", json=batch([1])).status_code == 200
        with pytest.raises(httpx.TransportError):
            clients[2].post("/messages", json=batch([1]))
        assert sim.stats()["connections_refused"] == 1 and sim.stats()["max_connections_seen"] == 2
    finally:
        for c in clients:
            c.close()


def test_keep_alive_one_connection_for_many_requests(client, sim):
    for i in range(20):
        assert (
            client.post("/message", json={"id": str(i), "to": "+32470000001", "text": "x"}).status_code == 200
        )
    assert sim.stats()["connections_opened"] == 1


@pytest.mark.parametrize(
    ("mode", "check"),
    [
        ("not-json", lambda r: r.headers["content-type"] == "text/html"),
        ("no-results", lambda r: "results" not in r.json()),
        ("unknown-ids", lambda r: [x["id"] for x in r.json()["results"]] == ["x1"]),
    ],
)
def test_garbage_answers_for_the_client_tests(client, sim, mode, check):
    sim.control(garbage=mode)
    answer = client.post("/messages", json=batch([1]))
    assert answer.status_code == 200 and check(answer)
    assert sim.accepted() == {"1": 1}  # it took the message all the same: only the answer is broken


class ReceiptSink:
    """A webhook receiver on loopback that keeps each request's headers and raw body."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                sink.requests.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/receipts/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_receipts_are_signed_with_the_timestamp_and_batched():
    sink = ReceiptSink()
    config = {"receipt_url": sink.url, "receipt_secret": "s3cret", "receipt_delay_ms": 100}
    try:
        with HttpGatewaySimulator(latency_ms=0, undeliverable_rate=0.5, **config) as sim:
            results = httpx.post(sim.url + "/messages", json=batch(range(40))).json()["results"]
            deadline = time.monotonic() + 5
            while sim.stats()["receipts_sent"] < 40 and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        sink.close()
    receipts = []
    for headers, body in sink.requests:
        timestamp = headers["X-Timestamp"]
        assert abs(int(timestamp) - time.time()) < 30
        expected = hmac.new(b"s3cret", timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        assert headers["X-Signature"] == f"sha256={expected}"
        receipts += json.loads(body)["receipts"]
    assert len(sink.requests) < 40  # batched
    assert {(r["id"], r["message_id"]) for r in receipts} == {(r["id"], r["message_id"]) for r in results}
    statuses = {r["status"] for r in receipts}
    assert statuses == {"delivered", "undeliverable"}
    assert all(r["at"] for r in receipts)


def test_runs_standalone_without_django():
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [
        sys.executable,
        "-m",
        "alerts.gateway_simulator.http",
        "--port",
        str(port),
        "--latency-ms",
        "0",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert "simulator on" in process.stdout.readline()
        answer = httpx.post(f"http://127.0.0.1:{port}/message", json={"id": "1", "to": "+32470000001"})
        assert answer.status_code == 200
    finally:
        process.terminate()
        process.wait(10)
    check = "import sys, alerts.gateway_simulator.http; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", check], cwd=ROOT, env=env, check=True)
