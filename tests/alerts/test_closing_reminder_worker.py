"""The closing reminder for real: a Celery worker with its embedded beat (`celery worker -B`) against the
Redis broker runs alerts.tasks.closing_reminders_send every second and e-mails the officer over SMTP (an
aiosmtpd server on loopback), once per BIN_ALERT_CLOSING_REMINDER_MINUTES however many ticks pass."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from alerts.models import Alert
from alerts.services import alert_follow_up
from tests.factories import alert_sent, member_at

from .servers import SmtpSink
from .test_worker import ROOT, Worker, broker, worker_env  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class BeatWorker(Worker):
    """A worker of every queue with the beat scheduler inside it, its schedule file in a temporary folder."""

    def extra_args(self) -> list[str]:
        return ["-B", "-s", str(self.log.with_suffix(".beat"))]

    def start(self, concurrency=1):
        super().start(concurrency=concurrency)

    def ticks(self) -> int:
        """How many times the worker ran the reminder task so far."""
        text = self.log.read_text(errors="replace")
        return text.count("alerts.tasks.closing_reminders_send[") // 2  # received, then succeeded


def wait_for(condition, timeout=60, what="", worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s\n{worker.tail() if worker else ''}")


def test_beat_reminds_the_sender_once_per_interval(town, worker_env, broker, tmp_path):  # noqa: F811
    member_at(420, 500, town.alfa)
    open_alert = alert_sent(town.police, radius_m=300)
    closed_alert = alert_sent(town.police, radius_m=300)
    fresh_alert = alert_sent(town.police, radius_m=300)
    long_ago = timezone.now() - timedelta(minutes=45)
    Alert.objects.filter(pk__in=[open_alert.pk, closed_alert.pk]).update(sent_at=long_ago)
    alert_follow_up(
        original=closed_alert,
        user=town.police,
        msg_type="feedback",
        message="Dank",
        outcome="Gevat",
        outcome_category="caught",
    )
    with SmtpSink() as smtp:
        worker_env.update(
            DJANGO_SETTINGS_MODULE="tests.alerts.smtp_settings",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
            BIN_ALERT_CLOSING_REMINDER_MINUTES="30",
            BIN_ALERT_CLOSING_REMINDER_CHECK_SECONDS="1",
        )
        worker = BeatWorker(worker_env, tmp_path / "worker.log")
        worker.start()
        try:
            wait_for(lambda: len(smtp.messages) >= 1, what="the reminder", worker=worker)
            # Several more ticks: still one e-mail.
            ticks = worker.ticks()
            wait_for(lambda: worker.ticks() >= ticks + 4, what="four more beat ticks", worker=worker)
        finally:
            worker.stop()
    (reminder,) = smtp.messages
    assert reminder["To"] == town.police.email
    # In the site's language (the test settings': Dutch), as a sender without a language setting gets it.
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Alert %(id)s has no closing message yet") % {"id": open_alert.pk}
    assert reminder["Subject"] == subject
    body = reminder.get_payload(decode=True).decode()
    assert f"/maps/alerts/{open_alert.pk}/" in body and "45 minuten geleden" in body
    open_alert.refresh_from_db()
    assert open_alert.closing_reminders == 1 and open_alert.closing_reminded_at is not None
    assert Alert.objects.get(pk=fresh_alert.pk).closing_reminders == 0
    assert Alert.objects.get(pk=closed_alert.pk).closing_reminders == 0
