"""The SMSC simulator on its own, through a raw socket client: what it answers and what it records.

The client here writes PDUs by hand (struct), not with the backend's code, so that these tests check the
simulator against the SMPP 3.4 layout and not against our own encoder.
"""

import os
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alerts.gateway_simulator.smpp import SmscSimulator

ROOT = Path(__file__).resolve().parents[2]
BIND_TX, BIND_RX, BIND_TRX = 0x02, 0x01, 0x09
SUBMIT, DELIVER, UNBIND, ENQUIRE, NACK = 0x04, 0x05, 0x06, 0x15, 0x80000000
RESP = 0x80000000


def cstr(*values: str) -> bytes:
    return b"".join(v.encode() + b"\0" for v in values)


class Client:
    """A blocking SMPP client on a raw socket: write PDUs, read PDUs as (command_id, status, seq, body)."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=3)
        self.seq = 0

    def send(self, command_id: int, body: bytes = b"", sequence: int | None = None, status: int = 0) -> int:
        if sequence is None:
            self.seq += 1
            sequence = self.seq
        self.sock.sendall(struct.pack(">LLLL", 16 + len(body), command_id, status, sequence) + body)
        return sequence

    def read(self):
        head = self._exact(16)
        length, command_id, status, sequence = struct.unpack(">LLLL", head)
        return command_id, status, sequence, self._exact(length - 16)

    def _exact(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def bind(self, command_id=BIND_TRX, system_id="bin", password="secret") -> int:
        self.send(command_id, cstr(system_id, password, "") + bytes([0x34, 0, 0]) + cstr(""))
        command, status, _seq, _body = self.read()
        assert command == command_id | RESP
        return status

    def submit(self, to: str, message: bytes, *, data_coding=0, esm_class=0) -> int:
        body = (
            cstr("") + bytes([5, 0]) + cstr("BIN") + bytes([1, 1]) + cstr(to)
            + bytes([esm_class, 0, 0]) + cstr("", "") + bytes([1, 0, data_coding, 0, len(message)]) + message
        )  # fmt: skip
        return self.send(SUBMIT, body)

    def close(self):
        self.sock.close()


@pytest.fixture
def smsc():
    with SmscSimulator(latency_ms=5, receipt_delay_ms=10, seed=7) as sim:
        yield sim


def test_binds_are_checked_and_can_be_refused_for_a_while(smsc):
    assert Client(smsc.port).bind(password="wrong") == 0x0D  # ESME_RBINDFAIL
    smsc.refuse_binds(0.3)
    assert Client(smsc.port).bind() == 0x0D
    time.sleep(0.35)
    client = Client(smsc.port)
    assert client.bind() == 0
    assert client.bind() == 0x05  # ESME_RALYBND
    assert smsc.stats()["bind_refused"] == 2


def test_submit_before_bind_and_on_a_receiver_is_refused(smsc):
    client = Client(smsc.port)
    client.submit("32470000001", b"x")
    assert client.read()[:2] == (SUBMIT | RESP, 0x04)  # ESME_RINVBNDSTS
    receiver = Client(smsc.port)
    receiver.bind(BIND_RX)
    receiver.submit("32470000001", b"x")
    assert receiver.read()[:2] == (SUBMIT | RESP, 0x04)


def test_submit_answers_a_message_id_and_records_the_text(smsc):
    client = Client(smsc.port)
    client.bind(BIND_TX)
    seq = client.submit("32470000001", b"Inbraak in de Kerkstraat")
    command, status, got_seq, body = client.read()
    assert (command, status, got_seq) == (SUBMIT | RESP, 0, seq)
    message_id = body.rstrip(b"\0").decode()
    [record] = smsc.submitted()
    assert (record.message_id, record.text, record.destination, record.acked) == (
        message_id,
        "Inbraak in de Kerkstraat",
        "32470000001",
        True,
    )


def test_gsm7_escapes_ucs2_and_concatenated_parts_are_decoded(smsc):
    client = Client(smsc.port)
    client.bind(BIND_TX)
    client.submit("32470000001", b"50 \x1be")  # € is 0x1B 0x65 in GSM-7
    client.submit("32470000002", "łódź 🚨".encode("utf-16-be"), data_coding=8)
    for seq, chunk in ((1, b"Hallo "), (2, b"wereld")):
        client.submit("32470000003", bytes([5, 0, 3, 42, 2, seq]) + chunk, esm_class=0x40)
    for _ in range(4):
        assert client.read()[1] == 0
    texts = smsc.texts()
    assert texts["32470000001"] == ["50 €"]
    assert texts["32470000002"] == ["łódź 🚨"]
    assert texts["32470000003"] == ["Hallo wereld"]
    assert sorted(m.concat for m in smsc.submitted() if m.concat) == [(42, 2, 1), (42, 2, 2)]


def test_window_rate_invalid_numbers_and_transient_errors():
    with SmscSimulator(latency_ms=200, window=5, receipts=False) as smsc:
        client = Client(smsc.port)
        client.bind()
        for i in range(8):
            client.submit(f"3247000000{i}", b"x")
        statuses = [client.read()[1] for _ in range(8)]
        assert statuses.count(0x58) == 3 and statuses.count(0) == 5  # ESME_RTHROTTLED beyond the window
        assert smsc.stats()["max_in_flight"] == 5
    with SmscSimulator(latency_ms=1, rate=10, receipts=False) as smsc:
        client = Client(smsc.port)
        client.bind()
        for _ in range(30):
            client.submit("32470000001", b"x")
        statuses = [client.read()[1] for _ in range(30)]
        assert 0x58 in statuses and statuses.count(0) <= 12
    with SmscSimulator(latency_ms=1, error_rate=1.0, receipts=False) as smsc:
        client = Client(smsc.port)
        client.bind()
        client.submit("0470 12 34 56", b"x")
        assert client.read()[1] == 0x0B  # ESME_RINVDSTADR: not E.164
        client.submit("32470000001", b"x")
        assert client.read()[1] in (0x08, 0x14)  # ESME_RSYSERR, ESME_RMSGQFUL


def test_enquire_link_unbind_and_garbage(smsc):
    client = Client(smsc.port)
    client.bind()
    seq = client.send(ENQUIRE)
    assert client.read()[:3] == (ENQUIRE | RESP, 0, seq)
    seq = client.send(0x00000777, b"junk")
    assert client.read()[:3] == (NACK, 0x03, seq)  # ESME_RINVCMDID
    seq = client.submit("32470000001", b"\xff")  # not a GSM-7 septet
    assert client.read()[:3] == (NACK, 0x02, seq)
    seq = client.send(UNBIND)
    assert client.read()[:3] == (UNBIND | RESP, 0, seq)
    with pytest.raises(ConnectionError):
        client.read()
    broken = Client(smsc.port)
    broken.sock.sendall(struct.pack(">L", 3))  # a command_length that cannot be: framing is lost
    assert broken.read()[:2] == (NACK, 0x02)
    with pytest.raises(ConnectionError):
        broken.read()
    assert smsc.stats()["generic_nacks_sent"] == 3


def test_receipts_wait_for_a_receiver_and_come_again_if_not_acknowledged(smsc):
    smsc.receipt_stat("32470000002", "UNDELIV")
    sender = Client(smsc.port)
    sender.bind(BIND_TX)
    sender.submit("32470000001", b"one")
    sender.submit("32470000002", b"two")
    ids = {sender.read()[3].rstrip(b"\0").decode() for _ in range(2)}
    time.sleep(0.1)
    assert smsc.stats()["receipts_sent"] == 0  # no receiver yet: queued
    receiver = Client(smsc.port)
    receiver.bind(BIND_RX)
    first = [receiver.read() for _ in range(2)]
    assert {f[0] for f in first} == {DELIVER}
    receiver.close()  # gone without deliver_sm_resp: the SMSC sends them again
    again = Client(smsc.port)
    again.bind(BIND_TRX)
    texts = []
    for _ in range(2):
        command, _status, seq, body = again.read()
        assert command == DELIVER
        again.send(DELIVER | RESP, b"\0", sequence=seq)
        texts.append(body)
    assert all(body[body.index(b"BIN\0") + 4] == 0x04 for body in texts)  # esm_class: receipt
    stats = {b.split(b"id:")[1].split(b" ")[0].decode(): b.split(b"stat:")[1][:7].decode() for b in texts}
    assert set(stats) == ids
    assert sorted(stats.values()) == ["DELIVRD", "UNDELIV"]
    assert b"sub:001" in texts[0] and b"done date:" in texts[0] and b"err:" in texts[0]
    time.sleep(0.05)
    assert smsc.stats()["receipts_acked"] == 2


def test_a_receipt_refused_for_now_comes_again(smsc):
    sender = Client(smsc.port)
    sender.bind(BIND_TRX)
    sender.submit("32470000001", b"one")
    assert sender.read()[0] == SUBMIT | RESP
    command, _status, seq, first = sender.read()
    assert command == DELIVER
    sender.send(DELIVER | RESP, b"\0", sequence=seq, status=0x64)  # ESME_RX_T_APPN: try later
    command, _status, seq, again = sender.read()
    assert (command, again) == (DELIVER, first)
    sender.send(DELIVER | RESP, b"\0", sequence=seq)
    time.sleep(0.05)
    assert (smsc.stats()["receipts_refused"], smsc.stats()["receipts_acked"]) == (1, 1)


def test_drop_connections_closes_every_session(smsc):
    a, b = Client(smsc.port), Client(smsc.port)
    a.bind()
    b.bind()
    smsc.drop_connections()
    for client in (a, b):
        with pytest.raises((ConnectionError, OSError)):
            client.read()


def test_runs_standalone_without_django(tmp_path):
    code = (
        "import sys, alerts.gateway_simulator.smpp; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = ["--port", str(port), "--system-id", "bin", "--password", "secret", "--latency-ms", "5"]
    args += ["--rate", "2000", "--error-rate", "0", "--receipt-delay-ms", "500", "--window", "50"]
    proc = subprocess.Popen([sys.executable, "-m", "alerts.gateway_simulator.smpp", *args], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                client = Client(port)
                break
            except OSError:
                time.sleep(0.05)
        assert client.bind() == 0
        client.submit("32470000001", b"hallo")
        assert client.read()[:2] == (SUBMIT | RESP, 0)
    finally:
        proc.terminate()
        proc.wait(5)
