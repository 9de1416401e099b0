"""The SMPP backend through the outbox, against the SMSC simulator on a loopback port.

Every test sends real SMPP over TCP to alerts.gateway_simulator.smpp and checks what the simulator
recorded: the text that arrived, its encoding and parts, how many were in flight, what was sent twice.
"""

import logging
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.backends.smpp_receipts import ReceiptError, receipt_parse
from alerts.backends.smpp_session import sessions_close
from alerts.backends.smpp_text import gsm7_encode, text_parts
from alerts.gateway_simulator.smpp import SmscSimulator
from alerts.messages import MessageCache
from alerts.models import Delivery, ProviderMessage
from alerts.outbox import deliveries_process
from alerts.sms_length import GSM7_BASIC, GSM7_EXTENSION, sms_length
from tests.factories import alert_sent, member_at

pytestmark = pytest.mark.django_db

LONG_DUTCH = (
    "Vannacht is er ingebroken in drie woningen aan de Kerkstraat en de Molenstraat. De daders kwamen "
    "binnen via de achterdeur en namen juwelen, laptops en geld mee. Een buurtbewoner zag rond half drie "
    "twee mannen in donkere kledij met een witte bestelwagen wegrijden richting de Marktplein. Sluit "
    "ramen en deuren, laat buitenverlichting branden en meld verdachte voertuigen aan de politie."
)


def configure(settings, smsc, **extra):
    settings.BIN_SMS_BACKEND = "alerts.backends.smpp.SmppBackend"
    settings.BIN_SMPP_HOST = "127.0.0.1"
    settings.BIN_SMPP_PORT = smsc.port
    settings.BIN_SMPP_SYSTEM_ID = "bin"
    settings.BIN_SMPP_PASSWORD = "secret"
    settings.BIN_SMPP_SOURCE_ADDR = "BIN"
    settings.BIN_SMPP_BIND = "transceiver"
    settings.BIN_SMPP_WINDOW = 10
    settings.BIN_SMPP_TIMEOUT = 2.0
    settings.BIN_SMPP_ENQUIRE_LINK_SECONDS = 30.0
    settings.BIN_DELIVERY_MAX_ATTEMPTS = 3
    for name, value in extra.items():
        setattr(settings, f"BIN_SMPP_{name.upper()}", value)


@pytest.fixture(autouse=True)
def no_session_left():
    """Each test's SMPP sessions end with it, also when it fails half-way."""
    yield
    sessions_close()


@pytest.fixture
def smsc(settings):
    with SmscSimulator(latency_ms=30, receipts=False, seed=3) as sim:
        configure(settings, sim)
        yield sim
        sessions_close()  # unbind while the simulator still listens


def members(town, n, start=0):
    return [member_at(300 + 5 * i, 500, town.alfa, mobile=f"+3247100{start + i:04d}") for i in range(n)]


def send(town, message="Inbraak in de Kerkstraat; let op."):
    alert = alert_sent(town.police, radius_m=400, message=message)
    ids = list(alert.deliveries.order_by("pk").values_list("pk", flat=True))
    return alert, ids


def expected_texts(alert) -> dict[str, str]:
    cache = MessageCache()
    return {
        d.member.mobile.lstrip("+"): cache.sms(alert, d.member.language, d.pk)
        for d in alert.deliveries.select_related("member")
    }


def test_messages_arrive_with_their_text_through_one_session_and_a_full_window(town, smsc):
    members(town, 30)
    alert, ids = send(town)
    result = deliveries_process(ids)
    assert result.sent == 30
    assert smsc.texts() == {to: [text] for to, text in expected_texts(alert).items()}
    assert smsc.stats()["max_in_flight"] == 10  # BIN_SMPP_WINDOW: the window was used, and kept to
    # The SMSC's ids are kept for the receipts: one per message here.
    ids_sent = {m.message_id for m in smsc.submitted()}
    assert (
        set(ProviderMessage.objects.filter(gateway="smpp").values_list("provider_id", flat=True)) == ids_sent
    )
    # A second batch goes over the same bound session.
    _alert2, ids2 = send(town, message="Tweede bericht.")
    assert deliveries_process(ids2).sent == 30
    stats = smsc.stats()
    assert (stats["connections"], stats["binds"]) == (1, 1)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_long_dutch_message_goes_as_concatenated_gsm7_parts(town, smsc):
    [member] = members(town, 1)
    alert, ids = send(town, message=LONG_DUTCH)
    assert deliveries_process(ids).sent == 1
    expected = expected_texts(alert)[member.mobile.lstrip("+")]
    parts = smsc.submitted()
    assert len(parts) == sms_length(expected).segments > 2
    assert {p.data_coding for p in parts} == {0}  # GSM-7
    assert sorted(p.concat[2] for p in parts) == list(range(1, len(parts) + 1))
    assert {p.concat[:2] for p in parts} == {(parts[0].concat[0], len(parts))}
    assert smsc.texts()[member.mobile.lstrip("+")] == [expected]
    # One id per part, all leading back to the delivery.
    assert ProviderMessage.objects.filter(delivery_id=ids[0]).count() == len(parts)


@pytest.mark.parametrize(
    ("extra", "coding"),
    [(" Beloning: 50 €.", 0), (" Meld het aan Łukasz.", 8), (" Let op 🚨", 8), (" [dringend] {a|b} ~^\\", 0)],
)
def test_gsm7_or_ucs2_per_text(town, smsc, extra, coding):
    [member] = members(town, 1)
    alert, ids = send(town, message="Verdachte auto gezien." + extra)
    assert deliveries_process(ids).sent == 1
    expected = expected_texts(alert)[member.mobile.lstrip("+")]
    parts = smsc.submitted()
    assert {p.data_coding for p in parts} == {coding}  # 0 GSM-7, 8 UCS-2
    assert len(parts) == sms_length(expected).segments
    assert smsc.texts()[member.mobile.lstrip("+")] == [expected]


def test_enquire_link_is_sent_when_idle(town, smsc, settings):
    settings.BIN_SMPP_ENQUIRE_LINK_SECONDS = 0.2
    members(town, 1)
    _alert, ids = send(town)
    deliveries_process(ids)
    time.sleep(1.5)
    stats = smsc.stats()
    assert stats["enquire_links"] >= 2
    assert stats["connections"] == 1  # the same session, kept alive


def test_connection_dropped_mid_window(town, settings):
    """Acknowledged messages are never sent again; those in flight are sent once more; all are sent."""
    with SmscSimulator(latency_ms=50, receipts=False, seed=5) as smsc:
        configure(settings, smsc)
        members(town, 40)
        _alert, ids = send(town)
        smsc.drop_at_submit(25)
        result = deliveries_process(ids)
        sessions_close()
    assert result.sent == 40
    by_number: dict[str, list] = {}
    for m in smsc.submitted():
        by_number.setdefault(m.destination, []).append(m)
    assert len(by_number) == 40
    resent = 0
    for submits in by_number.values():
        assert sum(m.acked for m in submits) == 1  # accepted exactly once
        assert submits[-1].acked and not any(m.acked for m in submits[:-1])  # nothing after the ack
        assert len(submits) <= 2  # in flight at the drop: sent once more, no more than that
        resent += len(submits) - 1
    assert 1 <= resent <= 10  # at most a window's worth was in flight
    assert smsc.stats()["connections"] == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_dropped_twice_is_retryable(town, settings):
    with SmscSimulator(latency_ms=200, receipts=False) as smsc:
        configure(settings, smsc, window=5)
        members(town, 3)
        _alert, ids = send(town)
        smsc.drop_at_submit(3)
        smsc.refuse_binds(10)  # the second connection cannot bind
        result = deliveries_process(ids)
        sessions_close()
    assert result.sent == 0 and sum(len(v) for v in result.retry.values()) == 3
    reasons = set(Delivery.objects.values_list("last_error", flat=True))
    assert len(reasons) == 1 and "ESME_RBINDFAIL" in reasons.pop()


def test_error_statuses(town, smsc):
    throttled, invalid, busy, _fine = members(town, 4)
    type(invalid).objects.filter(pk=invalid.pk).update(mobile="0470 12 34 56")  # not E.164
    smsc.script(throttled.mobile.lstrip("+"), [0x58])  # ESME_RTHROTTLED once
    smsc.script(busy.mobile.lstrip("+"), [0x08])  # ESME_RSYSERR once
    alert, ids = send(town)
    by_member = {d.member_id: d for d in alert.deliveries.all()}
    result = deliveries_process(ids)
    assert result.sent == 1 and result.failed == 1
    assert result.retry[5.0] == [by_member[throttled.pk].pk]  # after the throttling's retry_after
    failed = Delivery.objects.get(pk=by_member[invalid.pk].pk)
    assert failed.status == "failed" and "ESME_RINVDSTADR" in failed.last_error
    waiting = Delivery.objects.get(pk=by_member[throttled.pk].pk)
    assert waiting.status == "queued" and "ESME_RTHROTTLED" in waiting.last_error
    assert timedelta(seconds=4) < waiting.not_before - timezone.now() <= timedelta(seconds=5)
    assert "ESME_RSYSERR" in Delivery.objects.get(pk=by_member[busy.pk].pk).last_error
    Delivery.objects.filter(status="queued").update(not_before=timezone.now() - timedelta(seconds=1))
    assert deliveries_process(ids).sent == 2  # the throttled and the busy one, the second time
    assert [m.status for m in smsc.submitted() if m.destination == throttled.mobile.lstrip("+")] == [0x58, 0]


def test_garbage_from_the_smsc_is_logged_and_the_rest_goes_on(town, smsc, caplog):
    members(town, 6)
    _alert, ids = send(town)
    deliveries_process(ids[:2])  # bound now
    smsc.send_raw(bytes.fromhex("00000014 00000777 00000000 00000009") + b"junk")  # unknown command id
    with caplog.at_level(logging.WARNING, logger="alerts.backends.smpp_session"):
        assert deliveries_process(ids[2:4]).sent == 2
        time.sleep(0.2)
        assert smsc.stats()["generic_nacks_received"] == 1  # answered generic_nack
        smsc.send_raw(b"\x00\x00\x00\x03")  # a command_length that cannot be: the stream lost its framing
        assert deliveries_process(ids[4:]).sent == 2
    assert "unknown command id 0x00000777" in caplog.text
    assert "framing lost" in caplog.text
    assert len(smsc.texts()) == 6 and smsc.stats()["connections"] == 2


def test_text_parts_agree_with_sms_length():
    assert all(gsm7_encode(c) for c in GSM7_BASIC | GSM7_EXTENSION)  # one alphabet with sms_length
    for text in ("a" * 160, "a" * 161, "€" * 80, "a" * 152 + "€", "ł" * 70, "ł" * 71, "🚨" * 35, "🚨" * 36):
        parts = text_parts(text)
        assert len(parts) == sms_length(text).segments, text[:5]
        single, multi = (160, 159) if sms_length(text).encoding == "GSM-7" else (140, 140)
        assert all(len(p.short_message) <= (single if len(parts) == 1 else multi) for p in parts)
    # An escape pair is never split: 152 letters and a € make 154 septets, two parts, the € whole in the 2nd.
    first, second = text_parts("a" * 159 + "€")
    assert first.short_message[6:] == b"a" * 153 and second.short_message[6:] == b"a" * 6 + b"\x1be"


def test_receipt_texts():
    text = (
        "id:0a1b sub:001 dlvrd:001 submit date:2612061030 done date:2612061031 stat:DELIVRD err:000 text:Hoi"
    )
    parsed = receipt_parse(text)
    assert (parsed.provider_id, parsed.stat, parsed.err) == ("0a1b", "DELIVRD", "000")
    assert parsed.done.isoformat() == "2026-12-06T10:31:00"
    assert receipt_parse("stat:UNDELIV err:001", receipted_id="77").provider_id == "77"
    assert receipt_parse("id:1 done date:2613451299 stat:DELIVRD").done is None  # no such date: now
    for bad in ("", "hello", "id:12 sub:001", "stat:DELIVRD"):
        with pytest.raises(ReceiptError):
            receipt_parse(bad)


# --- delivery receipts: committed rows (the receipts come in on other threads and processes) ----------

RECEIPT_STATS = {"DELIVRD": "delivered", "UNDELIV": "undeliverable", "EXPIRED": "expired"}


def receipt_town(town, smsc):
    """Three members whose receipts say DELIVRD, UNDELIV and EXPIRED, and one long message (3 parts)."""
    people = members(town, 3)
    for member, stat in zip(people, RECEIPT_STATS, strict=True):
        smsc.receipt_stat(member.mobile.lstrip("+"), stat)
    alert, ids = send(town, message=LONG_DUTCH)
    return {d.member_id: d.pk for d in alert.deliveries.all()}, people, ids


def wait_for(predicate, seconds=8.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def statuses(by_member, people):
    rows = dict(Delivery.objects.filter(pk__in=by_member.values()).values_list("pk", "status"))
    return [rows[by_member[m.pk]] for m in people]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_receipts_over_the_transceiver_session(town, settings):
    with SmscSimulator(latency_ms=10, receipt_delay_ms=0, seed=9) as smsc:
        configure(settings, smsc)
        by_member, people, ids = receipt_town(town, smsc)
        deliveries_process(ids)
        expected = list(RECEIPT_STATS.values())
        assert wait_for(lambda: statuses(by_member, people) == expected), statuses(by_member, people)
        parts = len(smsc.submitted())
        assert wait_for(lambda: smsc.stats()["receipts_acked"] == parts)  # every part's receipt answered
        sessions_close()
    undeliverable = Delivery.objects.get(pk=by_member[people[1].pk])
    assert "stat:UNDELIV" in undeliverable.last_error and undeliverable.receipt_at is not None
    assert set(ProviderMessage.objects.values_list("status", flat=True)) == set(expected)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_receipts_through_the_smpp_receipts_command(town, settings, tmp_path):
    """Workers bound as transmitters; `manage.py smpp_receipts` takes the receipts, survives a dropped
    connection and junk receipts, and stops cleanly on SIGTERM."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    with SmscSimulator(latency_ms=10, receipt_delay_ms=0, seed=11) as smsc:
        configure(settings, smsc, bind="transmitter")
        by_member, people, ids = receipt_town(town, smsc)
        deliveries_process(ids)
        sessions_close()
        assert smsc.stats()["receipts_sent"] == 0  # no receiver bound: the SMSC keeps them
        unbinds = smsc.stats()["unbinds"]  # the workers' session said goodbye
        smsc.send_receipt_text("id:nosuchid sub:001 dlvrd:001 stat:DELIVRD err:000 text:x")  # unknown id
        smsc.send_receipt_text("this is no receipt at all")  # unparseable
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "project.settings.test",
            "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "BIN_SMPP_HOST": "127.0.0.1",
            "BIN_SMPP_PORT": str(smsc.port),
            "BIN_SMPP_SYSTEM_ID": "bin",
            "BIN_SMPP_PASSWORD": "secret",
            "BIN_SMPP_ENQUIRE_LINK_SECONDS": "0.3",
            "PYTHONUNBUFFERED": "1",
        }
        root = Path(__file__).resolve().parents[2]
        log = open(tmp_path / "receipts.log", "w+")  # noqa: SIM115 - read below
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "smpp_receipts", "--max-backoff", "1"],
            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            expected = list(RECEIPT_STATS.values())
            assert wait_for(lambda: statuses(by_member, people) == expected, 20), statuses(by_member, people)
            parts = len(smsc.submitted())
            assert wait_for(lambda: smsc.stats()["receipts_acked"] == parts + 2)  # the junk answered too
            assert wait_for(lambda: smsc.stats()["enquire_links"] >= 1)
            binds = smsc.stats()["binds"]  # the workers' transmitter and this receiver
            smsc.drop_connections()
            assert wait_for(lambda: smsc.stats()["binds"] == binds + 1)  # bound again after the drop
            assert wait_for(lambda: smsc.stats()["bound"] == 1)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
        assert smsc.stats()["unbinds"] == unbinds + 1  # the command's clean goodbye
    log.seek(0)
    output = log.read()
    assert "Traceback" not in output  # exit code 0 and the unbind above: it stopped cleanly
    assert "this is no receipt" in output or "no id in the receipt text" in output


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_receipt_that_overtakes_its_id_is_refused_for_now_and_recorded_when_it_comes_again(town, settings):
    """Another worker's receipt can reach this session before that worker has written the message's id:
    answered "try later" (ESME_RX_T_APPN), the SMSC sends it again, and then it finds its delivery."""
    from datetime import UTC, datetime

    from alerts.gateway_simulator.smpp_pdu import receipt_text

    with SmscSimulator(latency_ms=5, receipts=False) as smsc:
        configure(settings, smsc, enquire_link_seconds=0.5)
        members(town, 1)
        _alert, ids = send(town)
        deliveries_process(ids)
        [row] = ProviderMessage.objects.filter(delivery_id=ids[0])
        ProviderMessage.objects.filter(pk=row.pk).delete()  # not written yet, as far as receipts can tell
        smsc.send_receipt_text(receipt_text(row.provider_id, "DELIVRD", datetime.now(UTC), "x"))
        assert wait_for(lambda: smsc.stats()["receipts_refused"] >= 1)
        assert Delivery.objects.get(pk=ids[0]).status == "sent"
        ProviderMessage.objects.create(gateway="smpp", provider_id=row.provider_id, delivery_id=ids[0])
        assert wait_for(lambda: Delivery.objects.get(pk=ids[0]).status == "delivered")
        assert smsc.stats()["receipts_acked"] == 1
        sessions_close()
