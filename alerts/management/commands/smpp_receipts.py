"""Listen for SMPP delivery receipts on a receiver session and record them, until SIGTERM.

The workers' transceiver sessions take the receipts that come while they are bound; this one takes the
rest (all of them with BIN_SMPP_BIND = "transmitter"): receipts often come minutes or hours after the
message, when no worker may be bound. Run one per SMPP account (the SMSC spreads receipts over the bound
receivers of the account, so two do no harm).
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from alerts.backends.smpp import record_receipt, smpp_config
from alerts.backends.smpp_session import Broken, Session

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Bind to the SMSC (BIN_SMPP_* settings) as a receiver and record the delivery receipts it sends; "
        "reconnects with back-off, answers enquire_link, stops cleanly on SIGTERM or SIGINT."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", choices=("receiver", "transceiver"), default="receiver")
        parser.add_argument(
            "--max-backoff", type=float, default=60.0, help="longest wait between reconnects (s)"
        )

    def handle(self, *args, bind, max_backoff, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *args: stop.set())
        session = Session(**smpp_config(bind=bind), on_receipt=record_receipt)
        backoff = 1.0
        while not stop.is_set():
            try:
                bound_before = session.counts["connects"]
                session.listen(1.0)
                if session.counts["connects"] != bound_before:
                    where = {"bind": bind, "host": session.host, "port": session.port}
                    self.stdout.write(_("Bound as %(bind)s to %(host)s:%(port)s.") % where)
                    backoff = 1.0
            except Broken as exc:
                logger.warning("SMPP receipts: %s; connecting again in %.0f s", exc, backoff)
                lost = {"error": exc, "seconds": backoff}
                self.stderr.write(
                    _("Connection lost: %(error)s; connecting again in %(seconds).0f s.") % lost
                )
                stop.wait(backoff)
                backoff = min(backoff * 2, max_backoff)
        session.unbind()
        counts = {"receipts": session.counts["receipts"], "garbage": session.counts["garbage"]}
        self.stdout.write(_("Stopped: %(receipts)d receipts, %(garbage)d unreadable PDUs.") % counts)
