"""E-mail at volume: one SMTP session per connection slot and batch, messages back to back, several
connections in flight, a refused recipient fails only its own delivery. Against a real aiosmtpd server on
loopback that counts its sessions."""

import asyncio
import logging
import threading
import time
from collections import Counter
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from alerts.backends import Accepted, OutgoingMessage, PermanentSendError, RetryableSendError
from alerts.backends.email import DjangoEmailBackend, delivery_id_from_headers
from alerts.models import Delivery, ProviderMessage
from alerts.outbox import deliveries_process
from tests.factories import alert_sent, member_at

from .servers import free_port


class CountingSink:
    """An aiosmtpd server that keeps every message with the session (connection) it came over.

    Recipients starting with "refused" get 550, "later" 451; `delay` seconds are spent on each DATA (a
    server that takes its time), and the most DATA commands in flight at once are counted."""

    def __init__(self, delay=0.0):
        self.messages: list = []
        self.sessions: Counter = Counter()
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address.startswith("refused"):
                    return "550 5.1.1 No such user here"
                if address.startswith("later"):
                    return "451 4.7.1 Greylisted, try again later"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    sink.in_flight += 1
                    sink.max_in_flight = max(sink.max_in_flight, sink.in_flight)
                if sink.delay:
                    await asyncio.sleep(sink.delay)
                with sink.lock:
                    sink.in_flight -= 1
                    sink.messages.append(message_from_bytes(envelope.content))
                    sink.sessions[session.peer] += 1
                return "250 OK"

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.delay = delay
        self.port = free_port()
        self.handler = Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def restart(self):
        """Stop the server (its open sessions die with it) and start a new one on the same port."""
        self.controller.stop()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@pytest.fixture
def smtp_settings(settings):
    def use(sink, concurrency):
        settings.BIN_ALERT_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.BIN_EMAIL_CONCURRENCY = concurrency

    return use


def messages(n, start=1, to="lid{}@example.be"):
    return [
        OutgoingMessage(key=str(i), to=to.format(i), text=f"Bericht {i}", subject="Inbraak")
        for i in range(start, start + n)
    ]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_batch_goes_over_one_session_per_connection(smtp_settings, concurrency):
    with CountingSink() as sink:
        smtp_settings(sink, concurrency)
        backend = DjangoEmailBackend()
        backend.open()
        try:
            first = backend.send_messages(messages(200))
            second = backend.send_messages(messages(200, start=201))
        finally:
            backend.close()
    assert all(isinstance(v, Accepted) for v in [*first.values(), *second.values()])
    assert first["7"].provider_ids == ["7"]
    # Two batches in one task: the connections stay open between them, one session per slot in all.
    assert len(sink.sessions) == concurrency
    assert sorted(sink.sessions.values()) == [400 // concurrency] * concurrency
    ids = Counter(delivery_id_from_headers(m) for m in sink.messages)
    assert set(ids) == set(range(1, 401)) and set(ids.values()) == {1}


def test_several_connections_are_in_flight_at_once(smtp_settings):
    timings = {}
    for concurrency in (1, 4):
        with CountingSink(delay=0.02) as sink:
            smtp_settings(sink, concurrency)
            backend = DjangoEmailBackend()
            t = time.perf_counter()
            try:
                result = backend.send_messages(messages(80))
            finally:
                backend.close()
            timings[concurrency] = time.perf_counter() - t
        assert len(result) == 80 and all(isinstance(v, Accepted) for v in result.values())
        assert sink.max_in_flight == concurrency
    print(f"80 mails, 20 ms per DATA: 1 connection {timings[1]:.2f} s, 4 connections {timings[4]:.2f} s")
    # 80 x 20 ms = 1.6 s of server time alone on one connection; four overlap it.
    assert timings[4] < timings[1] / 2


def test_a_refused_recipient_fails_only_its_own_message(smtp_settings):
    with CountingSink() as sink:
        smtp_settings(sink, 2)
        batch = [*messages(5), *messages(1, start=6, to="refused{}@example.be")]
        batch += [*messages(1, start=7, to="later{}@example.be"), *messages(5, start=8)]
        backend = DjangoEmailBackend()
        try:
            result = backend.send_messages(batch)
        finally:
            backend.close()
    assert isinstance(result["6"], PermanentSendError) and "550" in str(result["6"])
    assert isinstance(result["7"], RetryableSendError) and "451" in str(result["7"])
    others = {k: v for k, v in result.items() if k not in ("6", "7")}
    assert len(others) == 10 and all(isinstance(v, Accepted) for v in others.values())
    assert len(sink.messages) == 10 and len(sink.sessions) == 2


def test_a_server_that_is_gone_means_retry_not_failure(smtp_settings):
    sink = CountingSink()
    smtp_settings(sink, 2)  # nothing listens on that port
    backend = DjangoEmailBackend()
    try:
        result = backend.send_messages(messages(10))
    finally:
        backend.close()
    assert len(result) == 10 and all(isinstance(v, RetryableSendError) for v in result.values())


def test_the_server_restarting_mid_task_costs_one_retry_per_connection(smtp_settings):
    with CountingSink() as sink:
        smtp_settings(sink, 1)
        backend = DjangoEmailBackend()
        try:
            assert all(isinstance(v, Accepted) for v in backend.send_messages(messages(3)).values())
            sink.restart()  # the open connection dies with the server
            result = backend.send_messages(messages(3, start=4))
        finally:
            backend.close()
    # The first message finds the dead connection and is retried later; the others go over a new one.
    assert isinstance(result["4"], RetryableSendError)
    assert isinstance(result["5"], Accepted) and isinstance(result["6"], Accepted)
    assert len(sink.sessions) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_outbox_keeps_the_mail_ids_and_fails_the_refused_address(town, smtp_settings):
    ok = [member_at(100 + i * 10, 100, town.alfa, mobile="", email=f"lid{i}@example.be") for i in range(6)]
    refused = member_at(300, 100, town.alfa, mobile="", email="refused@example.be")
    with CountingSink() as sink:
        smtp_settings(sink, 3)
        # In-process (eager) sending: the outbox is worked off as alert_send's transaction commits.
        alert = alert_sent(town.police, radius_m=1500, urgency="non_urgent")
        deliveries = {d.member_id: d for d in alert.deliveries.all()}
        assert {d.channel for d in deliveries.values()} == {"email"}
        # A second run finds nothing left to send.
        assert deliveries_process([d.pk for d in deliveries.values()]).sent == 0
    bad = Delivery.objects.get(pk=deliveries[refused.pk].pk)
    assert bad.status == "failed" and "550" in bad.last_error
    sent_ids = {deliveries[m.pk].pk for m in ok}
    assert set(Delivery.objects.filter(pk__in=sent_ids).values_list("status", flat=True)) == {"sent"}
    kept = set(ProviderMessage.objects.filter(gateway="email").values_list("provider_id", "delivery_id"))
    assert kept == {(str(i), i) for i in sent_ids}
    assert {delivery_id_from_headers(m) for m in sink.messages} == sent_ids
