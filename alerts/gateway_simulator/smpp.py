"""An SMSC simulator speaking SMPP 3.4 on asyncio streams, for the SMPP backend's tests and load runs.

It behaves like an operator's SMSC where it matters to a client: binds checked against one system_id and
password; submit_sm answered after a latency (with jitter, so answers come out of order) with a message
id; a window per connection and a rate limit (both answered ESME_RTHROTTLED); a fraction of transient
errors; non-E.164 numbers refused (ESME_RINVDSTADR); enquire_link, unbind, generic_nack for what it
cannot read; delivery receipts as deliver_sm (esm_class 0x04) after a delay, queued until a receiver or
transceiver of the system_id is bound and sent again if the session goes before the deliver_sm_resp.
Every submit_sm is recorded (text decoded, concatenation parts, connection, whether it was acknowledged)
so that a test can prove exactly-once. Controls: drop all connections (now or at the n-th submit_sm),
refuse binds for a while, script answers per number, push garbage.

Standalone: python -m alerts.gateway_simulator.smpp --port 2775 --system-id bin --password secret
--latency-ms 50 --rate 2000 --error-rate 0.01 --receipt-delay-ms 500 --window 50
In tests: `with SmscSimulator(...) as smsc:` runs it in a thread with its own event loop on `smsc.port`.
No Django here.
"""

import argparse
import asyncio
import contextlib
import itertools
import logging
import random
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .smpp_pdu import (
    CMD,
    MAX_PDU,
    RESP,
    STATUS,
    Pdu,
    PduError,
    cstrings,
    decode_text,
    deliver_sm_body,
    e164,
    encode,
    parse_bind,
    parse_submit,
    receipt_text,
)

__all__ = ["SmscSimulator", "SubmittedMessage", "main"]

logger = logging.getLogger(__name__)

STAT_NAMES = ("connections", "binds", "bind_refused", "submits", "throttled", "errors", "enquire_links")
STAT_NAMES += ("unbinds", "generic_nacks_sent", "generic_nacks_received", "receipts_sent", "receipts_acked")
STAT_NAMES += ("max_in_flight", "receipts_refused")
BIND_MODES = {CMD["bind_receiver"]: "receiver", CMD["bind_transmitter"]: "transmitter"}
BIND_MODES[CMD["bind_transceiver"]] = "transceiver"


@dataclass
class SubmittedMessage:
    """One submit_sm as the SMSC received it."""

    message_id: str  # "" when refused
    destination: str
    source: str
    text: str  # this part's text, decoded
    data_coding: int
    concat: tuple[int, int, int] | None  # (ref, total, seq) of a concatenated part
    connection: int
    registered_delivery: int
    status: int = 0  # the answer's command_status
    acked: bool = False  # the submit_sm_resp was written before the connection went


@dataclass
class _Session:
    id: int
    writer: asyncio.StreamWriter
    mode: str = ""  # "" until bound
    system_id: str = ""
    in_flight: int = 0
    receipts: dict[int, tuple[str, str]] = field(default_factory=dict)  # sequence -> receipt waiting for resp


class SmscSimulator:
    """An SMSC on 127.0.0.1 (see the module doc). Rates are fractions (0.01 = 1 %); rate 0 = no limit."""

    def __init__(self, *, host="127.0.0.1", port=0, system_id="bin", password="secret", latency_ms=50.0,
                 jitter=0.5, rate=0.0, error_rate=0.0, receipt_delay_ms=500.0, receipts=True,
                 undeliv_rate=0.0, expired_rate=0.0, window=50, seed=None):  # fmt: skip
        self.host, self.port = host, port
        self.system_id, self.password = system_id, password
        self.latency, self.jitter = latency_ms / 1000, jitter
        self.rate, self.error_rate = rate, error_rate
        self.receipt_delay, self.receipts_on = receipt_delay_ms / 1000, receipts
        self.undeliv_rate, self.expired_rate = undeliv_rate, expired_rate
        self.window = window
        self.random = random.Random(seed)
        self.lock = threading.Lock()  # guards the records read from other threads
        self.messages: list[SubmittedMessage] = []
        self.events: list[tuple[int, str]] = []  # (connection, what) for binds, unbinds, enquire_links…
        self._stats = dict.fromkeys(STAT_NAMES, 0)
        self._ids = itertools.count(1)
        self._sessions: dict[int, _Session] = {}
        self._session_ids = itertools.count(1)
        self._pending_receipts: dict[str, list[str]] = {}  # system_id -> receipt texts with no receiver
        self._refuse_binds_until = 0.0
        self._drop_at_submit: int | None = None
        self._scripted: dict[str, list[int]] = {}  # destination -> statuses to answer, in turn
        self._receipt_stat: dict[str, str] = {}  # destination -> receipt stat
        self._bucket = (0.0, time.monotonic())
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Task] = set()

    # --- running ---------------------------------------------------------------------------------------

    async def serve(self):
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._connection, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self._server

    def start(self) -> "SmscSimulator":
        """Run in a daemon thread with its own event loop; return once it listens."""
        ready = threading.Event()

        def run():
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self.serve())
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="smsc-simulator", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self):
        if self._loop is None:
            return

        async def shutdown():
            self._server.close()
            self._drop_all()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            asyncio.get_running_loop().stop()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop)
        if self._thread is not None:
            self._thread.join(5)
        self._loop = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- controls and records (callable from any thread) ----------------------------------------------

    def stats(self) -> dict:
        with self.lock:
            return {**self._stats, "bound": sum(1 for s in self._sessions.values() if s.mode)}

    def submitted(self) -> list[SubmittedMessage]:
        with self.lock:
            return list(self.messages)

    def texts(self) -> dict[str, list[str]]:
        """The accepted texts per destination, concatenated parts put together in order."""
        parts: dict[tuple, dict[int, str]] = {}
        whole: dict[str, list[str]] = {}
        for m in self.submitted():
            if m.status or not m.acked:
                continue
            if m.concat is None:
                whole.setdefault(m.destination, []).append(m.text)
            else:
                parts.setdefault((m.destination, m.concat[0], m.concat[1]), {})[m.concat[2]] = m.text
        for (destination, _ref, total), got in parts.items():
            text = "".join(got.get(i, "<missing>") for i in range(1, total + 1))
            whole.setdefault(destination, []).append(text)
        return whole

    def drop_connections(self):
        """Close every connection now, answered or not."""
        self._call(self._drop_all)

    def drop_at_submit(self, n: int):
        """Close every connection when the n-th submit_sm (counted from now) arrives, before answering it."""
        with self.lock:
            self._drop_at_submit = self._stats["submits"] + n

    def refuse_binds(self, seconds: float):
        with self.lock:
            self._refuse_binds_until = time.monotonic() + seconds

    def script(self, destination: str, statuses: list[int]):
        """Answer the next submit_sm to `destination` with these statuses in turn, then normally."""
        with self.lock:
            self._scripted[destination] = list(statuses)

    def receipt_stat(self, destination: str, stat: str):
        """Receipts for `destination` carry this stat (DELIVRD, UNDELIV, EXPIRED, REJECTD…)."""
        with self.lock:
            self._receipt_stat[destination] = stat

    def send_raw(self, data: bytes):
        """Write these octets to every bound session (garbage, a hand-made PDU)."""
        self._call(self._send_raw, data)

    def send_receipt_text(self, text: str):
        """Queue a deliver_sm receipt with this exact text (for unparseable or unknown receipts)."""
        self._call(self._queue_receipt, self.system_id, text)

    def _call(self, fn, *args):
        if self._loop is not None:
            self._loop.call_soon_threadsafe(fn, *args)

    def _drop_all(self):
        for s in list(self._sessions.values()):
            # close(), not abort(): answers already written still leave (so "acked" stays true), and
            # nothing after them; to the client it is a connection that ended mid-window.
            s.writer.transport.close()

    def _send_raw(self, data: bytes):
        for s in self._sessions.values():
            if s.mode:
                s.writer.write(data)

    # --- the protocol ----------------------------------------------------------------------------------

    def _count(self, key: str, n: int = 1):
        with self.lock:
            self._stats[key] += n

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        session = _Session(next(self._session_ids), writer)
        self._sessions[session.id] = session
        self._count("connections")
        try:
            while True:
                try:
                    head = await reader.readexactly(4)
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                (length,) = struct.unpack(">L", head)
                if length < 16 or length > MAX_PDU:
                    # The stream cannot be framed any more: say so and hang up.
                    self._nack(session, 0, STATUS["ESME_RINVCMDLEN"])
                    return
                try:
                    rest = await reader.readexactly(length - 4)
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                command_id, status, sequence = struct.unpack(">LLL", rest[:12])
                if not await self._handle(session, Pdu(command_id, status, sequence, rest[12:])):
                    return
        finally:
            self._sessions.pop(session.id, None)
            self._requeue_receipts(session)
            writer.close()

    def _write(self, session: _Session, data: bytes) -> bool:
        if session.writer.is_closing() or session.id not in self._sessions:
            return False
        session.writer.write(data)
        return True

    def _nack(self, session: _Session, sequence: int, status: int):
        self._count("generic_nacks_sent")
        self._write(session, encode(CMD["generic_nack"], sequence, status=status))

    async def _handle(self, session: _Session, pdu: Pdu) -> bool:
        """Act on one PDU; False ends the connection."""
        cid = pdu.command_id
        if cid in BIND_MODES:
            return self._bind(session, pdu)
        if cid == CMD["enquire_link"]:
            self._count("enquire_links")
            with self.lock:
                self.events.append((session.id, "enquire_link"))
            self._write(session, encode(cid | RESP, pdu.sequence))
        elif cid == CMD["unbind"]:
            self._count("unbinds")
            self._write(session, encode(cid | RESP, pdu.sequence))
            await session.writer.drain()
            return False
        elif cid == CMD["submit_sm"]:
            self._submit(session, pdu)
        elif cid == CMD["deliver_sm"] | RESP:
            receipt = session.receipts.pop(pdu.sequence, None)
            if receipt is not None and pdu.status:  # refused for now: sent again later, as SMSCs do
                self._count("receipts_refused")
                self._loop.call_later(max(self.receipt_delay, 0.2), self._queue_receipt, *receipt)
            elif receipt is not None:
                self._count("receipts_acked")
        elif cid == CMD["generic_nack"]:
            self._count("generic_nacks_received")
        elif cid & RESP:
            pass  # enquire_link_resp, unbind_resp
        else:
            self._nack(session, pdu.sequence, STATUS["ESME_RINVCMDID"])
        return True

    def _bind(self, session: _Session, pdu: Pdu) -> bool:
        resp = pdu.command_id | RESP
        try:
            system_id, password, _system_type = parse_bind(pdu.body)
        except PduError:
            self._nack(session, pdu.sequence, STATUS["ESME_RINVCMDLEN"])
            return True
        with self.lock:
            refused = time.monotonic() < self._refuse_binds_until
        if session.mode:
            self._write(session, encode(resp, pdu.sequence, status=STATUS["ESME_RALYBND"]))
            return True
        if refused or (system_id, password) != (self.system_id, self.password):
            self._count("bind_refused")
            self._write(session, encode(resp, pdu.sequence, status=STATUS["ESME_RBINDFAIL"]))
            return True
        session.mode, session.system_id = BIND_MODES[pdu.command_id], system_id
        self._count("binds")
        with self.lock:
            self.events.append((session.id, f"bind_{session.mode}"))
        self._write(session, encode(resp, pdu.sequence, cstrings("smsc-sim")))
        if session.mode != "transmitter":
            self._flush_receipts(system_id)
        return True

    def _throttled_by_rate(self) -> bool:
        if not self.rate:
            return False
        tokens, last = self._bucket
        now = time.monotonic()
        tokens = min(self.rate, tokens + (now - last) * self.rate)  # a bucket of one second's worth
        if tokens < 1:
            self._bucket = (tokens, now)
            return True
        self._bucket = (tokens - 1, now)
        return False

    def _submit(self, session: _Session, pdu: Pdu):
        resp = CMD["submit_sm"] | RESP
        if session.mode not in ("transmitter", "transceiver"):
            self._write(session, encode(resp, pdu.sequence, status=STATUS["ESME_RINVBNDSTS"]))
            return
        try:
            submit = parse_submit(pdu.body)
            concat, data = submit.user_data()
            text = decode_text(data, submit.data_coding)
        except PduError as exc:
            logger.info("connection %s: unreadable submit_sm: %s", session.id, exc)
            self._nack(session, pdu.sequence, STATUS["ESME_RINVCMDLEN"])
            return
        record = SubmittedMessage(
            "", submit.destination, submit.source, text, submit.data_coding, concat, session.id,
            submit.registered_delivery,
        )  # fmt: skip
        session.in_flight += 1
        with self.lock:
            self._stats["submits"] += 1
            self.messages.append(record)
            drop = self._drop_at_submit is not None and self._stats["submits"] >= self._drop_at_submit
            if drop:
                self._drop_at_submit = None
            scripted = self._scripted.get(submit.destination)
            status = scripted.pop(0) if scripted else None
        if drop:
            self._drop_all()
            return
        if status is None:
            status = self._status(session, submit.destination)
        if status != STATUS["ESME_RTHROTTLED"]:
            with self.lock:
                self._stats["max_in_flight"] = max(self._stats["max_in_flight"], session.in_flight)
        else:  # refused at once, as SMSCs do
            self._answer(session, pdu.sequence, record, status)
            return
        task = asyncio.get_running_loop().create_task(
            self._answer_later(session, pdu.sequence, record, status)
        )
        self._tasks.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._tasks.discard)

    def _status(self, session: _Session, destination: str) -> int:
        if session.in_flight > self.window or self._throttled_by_rate():
            return STATUS["ESME_RTHROTTLED"]
        if not e164(destination):
            return STATUS["ESME_RINVDSTADR"]
        if self.error_rate and self.random.random() < self.error_rate:
            return self.random.choice((STATUS["ESME_RSYSERR"], STATUS["ESME_RMSGQFUL"]))
        return 0

    async def _answer_later(self, session: _Session, sequence: int, record: SubmittedMessage, status: int):
        delay = self.latency * (1 + self.jitter * (2 * self.random.random() - 1))
        await asyncio.sleep(max(delay, 0))
        self._answer(session, sequence, record, status)

    def _answer(self, session: _Session, sequence: int, record: SubmittedMessage, status: int):
        session.in_flight -= 1
        if session.writer.is_closing() or session.id not in self._sessions:
            return  # the connection went first: never acknowledged, so no receipt either
        with self.lock:  # the record is complete before the answer leaves: a test may read it at once
            record.message_id = f"{next(self._ids):08x}" if status == 0 else ""
            record.status, record.acked = status, True
            if status:
                self._stats["throttled" if status == STATUS["ESME_RTHROTTLED"] else "errors"] += 1
        body = cstrings(record.message_id) if status == 0 else b""
        self._write(session, encode(CMD["submit_sm"] | RESP, sequence, body, status))
        if status == 0 and record.registered_delivery & 1 and self.receipts_on:
            self._loop.call_later(self.receipt_delay, self._receipt_for, session.system_id, record)

    # --- delivery receipts -----------------------------------------------------------------------------

    def _receipt_for(self, system_id: str, record: SubmittedMessage):
        with self.lock:
            stat = self._receipt_stat.get(record.destination)
        if stat is None:
            roll = self.random.random()
            stat = "UNDELIV" if roll < self.undeliv_rate else "DELIVRD"
            if self.undeliv_rate <= roll < self.undeliv_rate + self.expired_rate:
                stat = "EXPIRED"
        text = receipt_text(record.message_id, stat, datetime.now(UTC), record.text)
        self._queue_receipt(system_id, text)

    def _queue_receipt(self, system_id: str, text: str):
        self._pending_receipts.setdefault(system_id, []).append(text)
        self._flush_receipts(system_id)

    def _flush_receipts(self, system_id: str):
        """Send the receipts waiting for `system_id` to its least busy receiver; keep them if none."""
        receivers = [
            s
            for s in self._sessions.values()
            if s.system_id == system_id and s.mode in ("receiver", "transceiver")
        ]
        if not receivers:
            return  # kept per system_id, not looked at again until one binds (no O(n²) with none bound)
        for text in self._pending_receipts.pop(system_id, []):
            session = min(receivers, key=lambda s: len(s.receipts))
            self._deliver(session, system_id, text)

    def _deliver(self, session: _Session, system_id: str, text: str):
        sequence = next(self._ids) & 0x7FFFFFFF
        body = deliver_sm_body(text)
        session.receipts[sequence] = (system_id, text)
        if self._write(session, encode(CMD["deliver_sm"], sequence, body)):
            self._count("receipts_sent")

    def _requeue_receipts(self, session: _Session):
        """Receipts not answered with deliver_sm_resp before the session went are sent again later."""
        if session.receipts:
            for system_id, text in session.receipts.values():
                self._pending_receipts.setdefault(system_id, []).append(text)
            session.receipts.clear()
            self._flush_receipts(session.system_id)


OPTIONS = (("host", str, "127.0.0.1"), ("port", int, 2775), ("system-id", str, "bin"))
OPTIONS += (("password", str, "secret"), ("latency-ms", float, 50.0), ("rate", float, 0.0))
OPTIONS += (("error-rate", float, 0.0), ("receipt-delay-ms", float, 500.0), ("undeliv-rate", float, 0.0))
OPTIONS += (("expired-rate", float, 0.0), ("window", int, 50), ("seed", int, None))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, kind, default in OPTIONS:
        parser.add_argument(f"--{name}", type=kind, default=default)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    smsc = SmscSimulator(**vars(args))

    async def run():
        server = await smsc.serve()
        logger.info("SMSC simulator on %s:%s (rate 0: no limit)", args.host, smsc.port)
        async with server:
            await server.serve_forever()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


if __name__ == "__main__":
    main()
