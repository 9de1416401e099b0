"""Web Push end to end: a member subscribes through their signed link, an officer sends an alert, a real
Celery worker (tests/alerts/test_worker.py's fixtures, Redis broker) sends the SMS through the file backend
and the push to a push service on loopback, which verifies the VAPID signature and decrypts the payload with
the browser's private key (tests/alerts/push_service.py)."""

import pytest

from alerts.management.commands.vapid_keys import vapid_key_pair
from members.models import PushSubscription
from tests.factories import alert_sent, member_at

from .push_service import PushService
from .test_push import subscribe
from .test_worker import broker, sms_lines, wait_done, worker, worker_env  # noqa: F401 - fixtures

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_alert_reaches_the_phone_by_push_through_the_worker(town, worker, worker_env, settings):  # noqa: F811
    public, private = vapid_key_pair()
    settings.BIN_PUSH_ALLOW_LOOPBACK = True  # this process takes the subscription
    worker.env.update(BIN_VAPID_PUBLIC_KEY=public, BIN_VAPID_PRIVATE_KEY=private)
    with PushService(public) as service:
        dutch = member_at(500, 500, town.alfa)
        german = member_at(510, 500, town.alfa, language="de")
        stale = member_at(520, 500, town.alfa)
        for member, name in ((dutch, "nl-phone"), (german, "de-phone"), (stale, "stale")):
            assert subscribe(member, service.subscribe(name)).status_code == 201
        service.answers["stale"] = [410]
        worker.start()
        alert = alert_sent(town.police, radius_m=400, urgency="urgent", message="Inbraak in de Kerkstraat.")
        assert alert.recipients == 3
        wait_done(alert, worker)

        by_name = {r["name"]: r for r in service.received}
        assert set(by_name) == {"nl-phone", "de-phone", "stale"}
        assert [r["error"] for r in service.received] == ["", "", ""]
        assert by_name["nl-phone"]["payload"]["body"] == "Inbraak in de Kerkstraat."
        assert by_name["de-phone"]["payload"]["lang"] == "de"
        assert by_name["nl-phone"]["headers"]["urgency"] == "high"
        statuses = dict(alert.deliveries.filter(channel="push").values_list("member_id", "status"))
        assert statuses == {dutch.pk: "sent", german.pk: "sent", stale.pk: "failed"}
        assert set(alert.deliveries.filter(channel="sms").values_list("status", flat=True)) == {"sent"}
        assert len(sms_lines(worker_env)) == 3  # the push came in addition to the SMS
        assert not PushSubscription.objects.filter(member=stale).exists()  # 410: removed
