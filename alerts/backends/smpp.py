"""The SMPP 3.4 SMS backend: BIN_SMS_BACKEND = "alerts.backends.smpp.SmppBackend".

Operators and aggregators sell bulk SMS over SMPP. Each worker process keeps one bound session
(alerts/backends/smpp_session.py) from batch to batch and sends a batch with up to BIN_SMPP_WINDOW
submit_sm in flight. A text goes as GSM-7 when every character is in the GSM alphabet, else UCS-2, and a
long one as concatenated parts (alerts/backends/smpp_text.py); each part asks for a delivery receipt
(registered_delivery=1). A message is Accepted with the SMSC's id of each part once every part is; the
first error status of a part decides otherwise: throttling, system errors and a full queue are retryable
(throttling after THROTTLED_RETRY_SECONDS), an invalid number and the rest are permanent, with the
status name in the reason.

Receipts that come on a transceiver session are answered and recorded (alerts/backends/smpp_receipts.py)
after the batch, once the outbox has written the batch's ids; the ones that come while no batch runs
are recorded by the session's keep-alive thread. A receipt kept during a batch is acknowledged before it
is recorded (the SMSC must not wait for our batch): a worker killed in between loses it, and the
delivery stays "sent", which is what it would be without receipts. With BIN_SMPP_BIND = "transmitter"
receipts go to a receiver session: `manage.py smpp_receipts`, which records each before acknowledging it.
"""

import logging

from django.conf import settings
from django.db import close_old_connections, connection

from .base import Accepted, BaseBackend, OutgoingMessage, PermanentSendError, RetryableSendError, SendError
from .smpp_receipts import GATEWAY, receipts_apply
from .smpp_session import Session, Submission, session_for
from .smpp_text import text_parts

__all__ = ["SmppBackend", "record_receipt", "smpp_config"]

logger = logging.getLogger(__name__)

RX_T_APPN = 0x64  # deliver_sm_resp status "temporary application error": the SMSC sends it again later


def smpp_config(**overrides) -> dict:
    """The session's configuration from the BIN_SMPP_* settings (overrides win)."""
    config = {
        "host": settings.BIN_SMPP_HOST,
        "port": settings.BIN_SMPP_PORT,
        "system_id": settings.BIN_SMPP_SYSTEM_ID,
        "password": settings.BIN_SMPP_PASSWORD,
        "system_type": settings.BIN_SMPP_SYSTEM_TYPE,
        "source_addr": settings.BIN_SMPP_SOURCE_ADDR,
        "bind": settings.BIN_SMPP_BIND,
        "window": settings.BIN_SMPP_WINDOW,
        "enquire_link": settings.BIN_SMPP_ENQUIRE_LINK_SECONDS,
        "timeout": settings.BIN_SMPP_TIMEOUT,
    }
    config.update(overrides)
    return config


def record_receipt(pdu) -> int:
    """Record one receipt now (idle session, receipt listener); the deliver_sm_resp status to answer."""
    close_old_connections()  # the listener's connection may have gone stale since the last receipt
    outcome = receipts_apply([pdu])[0]
    return RX_T_APPN if outcome in ("failed", "later") else 0


def _close_thread_connection():
    """The keep-alive thread's database connection, closed after each round of receipts it recorded."""
    connection.close()


class SmppBackend(BaseBackend):
    """Send SMS over SMPP 3.4 (see the module doc)."""

    # A batch is sent through one window; the larger, the less often the window drains between batches.
    # Measured (scripts/bench_smpp.py, SMSC latency 50 ms, 2 shared cores): window 50 ≈ 850 SMS/s per
    # worker process (ceiling 1,000), window 200 ≈ 1,900-2,250 (each batch's tail waits for its last
    # answers), one at a time 19. The outbox claims 500 rows at a time (BIN_DELIVERY_CLAIM_SIZE).
    batch_size = 500
    gateway_name = GATEWAY

    def __init__(self, **kwargs):
        self.config = smpp_config(**{k: v for k, v in kwargs.items() if k in smpp_config()})
        if not self.config["host"]:
            raise PermanentSendError("BIN_SMPP_HOST is not set")
        if self.config["bind"] not in ("transceiver", "transmitter"):
            raise PermanentSendError(
                f"BIN_SMPP_BIND must be transceiver or transmitter, not {self.config['bind']!r}"
            )
        self.session: Session | None = None

    def open(self):
        self.session = session_for(
            **self.config, on_receipt=record_receipt, after_receipts=_close_thread_connection
        )
        with self.session.lock:
            self.session.busy += 1

    def close(self):
        if self.session is None:
            return
        with self.session.lock:
            self.session.busy -= 1
        self._record_kept()

    def _record_kept(self):
        """Receipts kept during the batches: the outbox has written their ids by now."""
        kept = self.session.take_kept()
        if kept:
            receipts_apply(kept)

    def send_messages(self, messages: list[OutgoingMessage]) -> dict[str, SendError | Accepted | None]:
        if self.session is None:
            self.open()
        self._record_kept()  # from the previous batch, whose ids the outbox wrote before calling again
        results: dict[str, SendError | Accepted | None] = {}
        parts: dict[str, list[Submission]] = {}
        for m in messages:
            try:
                parts[m.key] = [Submission(m.key, m.to, part) for part in text_parts(m.text)]
            except ValueError as exc:
                results[m.key] = PermanentSendError(str(exc))
        self.session.submit([s for group in parts.values() for s in group])
        for key, group in parts.items():
            results[key] = _outcome(group)
        return results


def _outcome(group: list[Submission]) -> SendError | Accepted:
    """A message's outcome from its parts': every part accepted, or the first permanent (else any) error."""
    errors = [s.error for s in group if s.error is not None]
    if errors:
        return next((e for e in errors if isinstance(e, PermanentSendError)), errors[0])
    if any(s.message_id is None for s in group):  # cannot happen: submit() ends every part one way or another
        return RetryableSendError("the SMSC did not answer every part")
    return Accepted([s.message_id for s in group if s.message_id])
