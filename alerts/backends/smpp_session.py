"""One bound SMPP session per worker process: connect, bind, windowed submit_sm, keep-alive, receipts.

smpplib encodes and decodes the PDUs; the socket, the framing and the window are ours, because smpplib's
Client reads one answer per request (no window) and stops on the first PDU it does not know. Rules:

* Up to `window` submit_sm are in flight; answers are matched by sequence number, in any order.
* The connection may go at any time. A part answered before that is done and never sent again. A part
  in flight is sent once more on a new connection: the SMSC may have taken it already (the answer was
  lost, not necessarily the message), so this can deliver it twice; SMPP has no idempotency key to stop
  that. A part that loses its connection twice is given up (RetryableSendError for its message).
* The session stays bound between batches (binding costs a round trip and some SMSCs limit binds per
  minute). While no batch runs, a keep-alive thread answers the SMSC, takes the receipts it sends and
  sends enquire_link after `enquire_link` idle seconds; a connection found dead is opened again by the
  next batch.
* What cannot be read (unknown command ids, broken bodies) is logged, counted and answered with
  generic_nack; a command_length that cannot be true means the stream lost its framing: the connection
  is dropped and opened again.
"""

import atexit
import contextlib
import logging
import os
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass

from smpplib import consts, exceptions, smpp
from smpplib.client import SimpleSequenceGenerator

from .base import PermanentSendError, RetryableSendError, SendError
from .smpp_text import Part

__all__ = ["Broken", "Session", "Submission", "session_for", "sessions_close", "status_error"]

logger = logging.getLogger(__name__)

RESP = 0x80000000
MAX_PDU = 64 * 1024
# Answers that say "later": throttling, a full queue, system and temporary application errors.
RETRYABLE = {0x08, 0x14, 0x45, 0x58, 0x64, 0xFE, 0xFF}
THROTTLED = 0x58
# SMPP 3.4 gives no retry time with ESME_RTHROTTLED; operators' contracts speak of per-second rates, so a
# few seconds let the rate window pass without holding the message long.
THROTTLED_RETRY_SECONDS = 5.0
STATUS_NAMES = {v: k[5:] for k, v in vars(consts).items() if k.startswith("SMPP_ESME_")}


class Broken(Exception):
    """The connection is gone or unusable (closed, timed out, framing lost, unbound by the SMSC)."""


class BindRefused(Broken):
    pass


def status_name(status: int) -> str:
    return f"{STATUS_NAMES.get(status, 'unknown status')} (0x{status:02x})"


def status_error(status: int, what: str = "submit_sm") -> SendError:
    """The SendError for an error status, with the status name in the reason."""
    reason = f"SMSC refused {what}: {status_name(status)}: {consts.DESCRIPTIONS.get(status, 'unknown')}"
    if status == THROTTLED:
        return RetryableSendError(reason, retry_after=THROTTLED_RETRY_SECONDS)
    if status in RETRYABLE:
        return RetryableSendError(reason)
    return PermanentSendError(reason)


@dataclass
class Submission:
    """One submit_sm (one part of a message) and what became of it."""

    key: str
    destination: str
    part: Part
    sends: int = 0
    message_id: str | None = None
    error: SendError | None = None


@dataclass
class Incoming:
    command: str
    command_id: int
    status: int
    sequence: int
    pdu: object = None


class Session:
    """An SMPP session to one SMSC; every socket use holds `lock`. See the module doc."""

    def __init__(self, *, host, port, system_id, password, system_type="", source_addr="",
                 bind="transceiver", window=50, enquire_link=30.0, timeout=10.0, on_receipt=None,
                 after_receipts=None):  # fmt: skip
        self.host, self.port, self.bind_mode = host, int(port), bind
        self.system_id, self.password, self.system_type = system_id, password, system_type
        self.source_addr, self.window = source_addr, max(1, int(window))
        self.enquire_link, self.timeout = float(enquire_link), float(timeout)
        self.on_receipt = on_receipt or (lambda pdu: None)
        # Called by the keep-alive thread after it recorded receipts (the backend closes that thread's
        # database connection there: a thread that dies with one open keeps it open).
        self.after_receipts = after_receipts
        self.lock = threading.RLock()
        self.sequence = SimpleSequenceGenerator()
        self.sock: socket.socket | None = None
        self.buffer = bytearray()
        self.last_sent = 0.0
        self.busy = 0  # batches running (the outbox's open() … close()); receipts are kept meanwhile
        self.kept: list = []
        self.pid = os.getpid()
        self.counts = dict.fromkeys(("connects", "garbage", "receipts", "enquire_links", "resent"), 0)
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the connection --------------------------------------------------------------------------------

    def connect(self):
        """Open and bind; Broken (or BindRefused) when that fails."""
        self.drop()
        try:
            self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            self.sock = None
            raise Broken(f"cannot connect to {self.host}:{self.port}: {exc}") from exc
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.counts["connects"] += 1
        command = f"bind_{self.bind_mode}"
        bind = smpp.make_pdu(command, client=self.sequence, system_id=self.system_id,
                             password=self.password, system_type=self.system_type)  # fmt: skip
        self.send_pdu(bind)
        answer = self.wait_for(bind.sequence)
        if answer.status:
            self.drop()
            raise BindRefused(f"SMSC refused {command}: {status_name(answer.status)}")
        logger.info("SMPP %s bound to %s:%s as %s", self.bind_mode, self.host, self.port, self.system_id)

    def ensure(self):
        if self.sock is None:
            self.connect()

    def drop(self):
        """Close the socket without a word (the connection is gone or unusable)."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()
        self.sock = None
        self.buffer.clear()

    def unbind(self):
        """Say goodbye (unbind, wait briefly for unbind_resp), then close."""
        with self.lock:
            if self.sock is None:
                return
            try:
                pdu = smpp.make_pdu("unbind", client=self.sequence)
                self.send_pdu(pdu)
                self.wait_for(pdu.sequence, timeout=min(self.timeout, 2.0))
            except Broken:
                pass
            self.drop()

    # --- PDUs ------------------------------------------------------------------------------------------

    def send_pdu(self, pdu):
        self.send_raw(pdu.generate())

    def send_raw(self, data: bytes):
        if self.sock is None:
            raise Broken("not connected")
        try:
            self.sock.settimeout(self.timeout)
            self.sock.sendall(data)
        except OSError as exc:
            self.drop()
            raise Broken(f"write failed: {exc}") from exc
        self.last_sent = time.monotonic()

    def _respond(self, command: str, sequence: int, status: int = 0):
        pdu = smpp.make_pdu(command, client=self.sequence, status=status)
        pdu.sequence = sequence
        self.send_pdu(pdu)

    def read_raw(self, timeout: float) -> bytes | None:
        """One whole PDU, or None when none came within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buffer) >= 4:
                (length,) = struct.unpack(">L", self.buffer[:4])
                if length < 16 or length > MAX_PDU:
                    self.counts["garbage"] += 1
                    self.drop()
                    raise Broken(f"framing lost: command_length {length}")
                if len(self.buffer) >= length:
                    raw = bytes(self.buffer[:length])
                    del self.buffer[:length]
                    return raw
            remaining = deadline - time.monotonic()
            if self.sock is None:
                raise Broken("not connected")
            if remaining <= 0:
                return None
            try:
                self.sock.settimeout(remaining)
                data = self.sock.recv(65536)
            except TimeoutError:
                return None
            except OSError as exc:
                self.drop()
                raise Broken(f"read failed: {exc}") from exc
            if not data:
                self.drop()
                raise Broken("the SMSC closed the connection")
            self.buffer += data

    def read(self, timeout: float) -> Incoming | None:
        """The next response for us (requests from the SMSC are answered here), or None after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            raw = self.read_raw(max(deadline - time.monotonic(), 0))
            if raw is None:
                return None
            incoming = self._decode(raw)
            if incoming is not None and self._for_us(incoming):
                return incoming

    def _decode(self, raw: bytes) -> Incoming | None:
        command_id, status, sequence = struct.unpack(">LLL", raw[4:16])
        try:
            pdu = smpp.parse_pdu(raw, client=self.sequence, allow_unknown_opt_params=True)
            return Incoming(pdu.command, command_id, status, sequence, pdu)
        except exceptions.UnknownCommandError as exc:
            reason, nack = f"unknown command id 0x{command_id:08x} ({exc})", 0x03  # ESME_RINVCMDID
        except (ValueError, IndexError, TypeError, struct.error, UnicodeError) as exc:
            reason, nack = f"unreadable body of command 0x{command_id:08x}: {exc!r}", 0x02  # RINVCMDLEN
        self.counts["garbage"] += 1
        logger.warning("SMPP %s:%s sent a PDU we cannot read (%s); answered generic_nack",
                       self.host, self.port, reason)  # fmt: skip
        if command_id & RESP:
            # An answer we cannot read still answers its request: pass on its status and sequence.
            return Incoming("unreadable_resp", command_id, status or 0x02, sequence)
        self._respond("generic_nack", sequence, nack)
        return None

    def _for_us(self, incoming: Incoming) -> bool:
        """Answer what the SMSC asks; True for responses to our requests."""
        if incoming.command == "deliver_sm":
            self.counts["receipts"] += 1
            # Recorded (or kept) before it is acknowledged; a receipt we could not record is answered
            # ESME_RX_T_APPN (a temporary error) so that the SMSC sends it again later.
            # During a batch it is kept (the outbox has not written the batch's ids yet) and recorded when
            # the batch is over (take_kept).
            if self.busy:
                self.kept.append(incoming.pdu)
                status = 0
            else:
                status = self.on_receipt(incoming.pdu) or 0
            self._respond("deliver_sm_resp", incoming.sequence, status)
            return False
        if incoming.command == "enquire_link":
            self._respond("enquire_link_resp", incoming.sequence)
            return False
        if incoming.command == "unbind":
            self._respond("unbind_resp", incoming.sequence)
            self.drop()
            raise Broken("the SMSC unbound the session")
        if incoming.command == "alert_notification":
            return False
        if not incoming.command_id & RESP:
            logger.warning("SMPP: unexpected %s from the SMSC; answered generic_nack", incoming.command)
            self._respond("generic_nack", incoming.sequence, 0x03)
            return False
        return True

    def wait_for(self, sequence: int, timeout: float | None = None) -> Incoming:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            incoming = self.read(max(deadline - time.monotonic(), 0))
            if incoming is None:
                self.drop()
                raise Broken(f"no answer within {self.timeout} s")
            if incoming.sequence == sequence:
                return incoming

    # --- sending ---------------------------------------------------------------------------------------

    def submit(self, submissions: list[Submission], max_connects: int = 3):
        """Send every submission, `window` at a time; each ends with a message_id or an error."""
        with self.lock:
            todo, in_flight, connects = deque(submissions), {}, 0
            while todo or in_flight:
                try:
                    if self.sock is None:
                        connects += 1
                        self.connect()
                    while todo and len(in_flight) < self.window:
                        item = todo.popleft()
                        item.sends += 1
                        self._submit_one(item, in_flight)
                    self._collect(in_flight, more=bool(todo))
                except Broken as exc:
                    self._lost(exc, todo, in_flight, give_up=connects >= max_connects)

    def _submit_one(self, item: Submission, in_flight: dict[int, Submission]):
        """Send one submit_sm; in flight from before the write (a write that fails half-way may have
        reached the SMSC, so the part is treated as in flight)."""
        alpha = not self.source_addr.lstrip("+").isdigit()
        pdu = smpp.make_pdu(
            "submit_sm", client=self.sequence,
            source_addr_ton=5 if alpha else 1, source_addr_npi=0 if alpha else 1,
            source_addr=self.source_addr if alpha else self.source_addr.lstrip("+"),
            dest_addr_ton=1, dest_addr_npi=1, destination_addr=item.destination.lstrip("+"),
            esm_class=item.part.esm_class, registered_delivery=1, data_coding=item.part.data_coding,
            short_message=item.part.short_message,
        )  # fmt: skip
        in_flight[pdu.sequence] = item
        self.send_pdu(pdu)

    def _collect(self, in_flight: dict[int, Submission], *, more: bool):
        """Read answers: while the window is full, while any are waiting, and all of them at the end."""
        while in_flight and (len(in_flight) >= self.window or not more or self._readable()):
            incoming = self.read(self.timeout)
            if incoming is None:
                self.drop()
                raise Broken(f"no submit_sm_resp within {self.timeout} s")
            item = in_flight.pop(incoming.sequence, None)
            if item is None:
                continue  # a late answer to something we gave up on
            if incoming.status or incoming.command == "generic_nack":
                item.error = status_error(incoming.status or 0x03)
            else:
                message_id = getattr(incoming.pdu, "message_id", None) or b""
                item.message_id = (
                    message_id.decode("ascii", "replace") if isinstance(message_id, bytes) else ""
                )

    def _readable(self) -> bool:
        """Whether an answer is waiting (read it before sending more, keeping the socket drained)."""
        if self.buffer:
            return len(self.buffer) >= 16
        try:
            self.sock.settimeout(0)
            data = self.sock.recv(65536)
        except (BlockingIOError, TimeoutError):
            return False
        except OSError as exc:
            self.drop()
            raise Broken(f"read failed: {exc}") from exc
        if not data:
            self.drop()
            raise Broken("the SMSC closed the connection")
        self.buffer += data
        return True

    def _lost(self, exc: Broken, todo: deque, in_flight: dict[int, Submission], *, give_up: bool):
        """The connection went: in-flight parts go once more (they may have arrived; see the module doc)."""
        logger.warning("SMPP %s:%s: %s (%d in flight)", self.host, self.port, exc, len(in_flight))
        again = []
        for item in in_flight.values():
            if item.sends >= 2:
                item.error = RetryableSendError(f"connection lost twice before the SMSC answered: {exc}")
            else:
                again.append(item)
                self.counts["resent"] += 1
        in_flight.clear()
        todo.extendleft(reversed(again))
        if give_up or isinstance(exc, BindRefused):
            for item in todo:
                item.error = RetryableSendError(f"SMSC unavailable: {exc}")
            todo.clear()

    def take_kept(self) -> list:
        with self.lock:
            kept, self.kept = self.kept, []
            return kept

    # --- idle time -------------------------------------------------------------------------------------

    def _drain(self):
        """Handle the PDUs that have come (receipts, enquire_link) without waiting for more."""
        while self._readable():
            raw = self.read_raw(self.timeout)  # a PDU has begun to arrive: its rest follows at once
            if raw is None:
                return
            incoming = self._decode(raw)
            if incoming is not None:
                self._for_us(incoming)

    def tick(self):
        """Keep-alive step: take what the SMSC sent, enquire_link after idle seconds. Never blocks long."""
        if not self.lock.acquire(blocking=False):
            return
        receipts = self.counts["receipts"]
        try:
            if self.sock is None or self.busy:
                return
            self._drain()
            if time.monotonic() - self.last_sent >= self.enquire_link:
                self.counts["enquire_links"] += 1
                pdu = smpp.make_pdu("enquire_link", client=self.sequence)
                self.send_pdu(pdu)
                self.wait_for(pdu.sequence)
        except Broken as exc:
            logger.info("SMPP %s:%s idle connection lost: %s", self.host, self.port, exc)
        finally:
            self.lock.release()
            if self.after_receipts is not None and self.counts["receipts"] != receipts:
                self.after_receipts()

    def listen(self, seconds: float):
        """Receiver loop step: wait up to `seconds` for PDUs (receipts are handled as they come), then
        enquire_link when idle. Broken when the connection is lost."""
        with self.lock:
            self.ensure()
            self.read(seconds)  # requests are answered inside; a stray response needs nothing
            if time.monotonic() - self.last_sent >= self.enquire_link:
                self.counts["enquire_links"] += 1
                pdu = smpp.make_pdu("enquire_link", client=self.sequence)
                self.send_pdu(pdu)
                self.wait_for(pdu.sequence)

    def start_keepalive(self):
        def run():
            while not self._stopped.wait(min(1.0, self.enquire_link / 4)):
                try:
                    self.tick()
                except Exception:  # a keep-alive thread that dies silently is worse than a logged error
                    logger.exception("SMPP keep-alive failed")

        self._thread = threading.Thread(target=run, name=f"smpp-keepalive-{self.port}", daemon=True)
        self._thread.start()

    def shutdown(self):
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(5)
        self.unbind()


_sessions: dict[tuple, Session] = {}
_sessions_lock = threading.Lock()


def session_for(**config) -> Session:
    """This process's session for `config` (created, with its keep-alive thread, on first use)."""
    key = (
        os.getpid(),
        *sorted((k, v) for k, v in config.items() if k not in ("on_receipt", "after_receipts")),
    )
    with _sessions_lock:
        for other_key in [k for k in _sessions if k[0] != os.getpid()]:
            _sessions.pop(other_key).drop()  # inherited through fork: the parent's socket, not ours
        session = _sessions.get(key)
        if session is None:
            session = _sessions[key] = Session(**config)
            session.start_keepalive()
        return session


@atexit.register
def sessions_close():
    """Unbind and stop every session of this process (worker shutdown, tests)."""
    with _sessions_lock:
        sessions = list(_sessions.values())
        _sessions.clear()
    for session in sessions:
        session.shutdown()
