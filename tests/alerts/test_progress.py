"""How far an alert's deliveries are (alerts.selectors.alert_progress) and its API, against the database;
the live progress bar on the alert's page is tests/maps/test_progress_browser.py's."""

import pytest
from django.urls import reverse

from alerts.models import Delivery
from alerts.outbox import deliveries_process
from alerts.receipts import receipt_record
from alerts.selectors import alert_progress
from alerts.services import alert_follow_up
from tests.factories import alert_sent, member_at, police_officer

from .test_receipts import GATEWAY, parts_backend  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def counts(**kwargs):
    base = dict.fromkeys(("queued", "sending", "sent", "delivered", "failed", "skipped"), 0)
    return {**base, **kwargs, "total": sum(kwargs.values())}


@pytest.fixture
def alert(town, parts_backend):  # noqa: F811
    """Five members around the Kerkstraat: three SMS in BIN Alfa (one of them in the BIN-Z too), one
    e-mail (no mobile) in Alfa, one SMS in BIN Beta; the deliveries still queued."""
    member_at(400, 500, town.alfa)
    member_at(420, 500, town.alfa)
    member_at(900, 300, town.alfa, town.binz)
    member_at(440, 500, town.alfa, mobile="")
    member_at(1100, 500, town.beta)
    return alert_sent(town.police, center=(700, 500), radius_m=600)


def deliveries(alert, channel="sms"):
    return list(alert.deliveries.filter(channel=channel).order_by("pk").values_list("pk", flat=True))


def test_progress_per_channel_and_per_bin(town, alert):
    got = alert_progress(alert=alert)
    assert got["totals"] == counts(queued=5) and not got["done"]
    sms, email = deliveries(alert), deliveries(alert, "email")
    deliveries_process(sms + email)
    first, second, third, fourth = sms
    receipt_record(gateway=GATEWAY, provider_id=f"{first}-1", status="delivered")
    receipt_record(gateway=GATEWAY, provider_id=f"{second}-1", status="expired")
    Delivery.objects.filter(pk=third).update(status="failed")
    Delivery.objects.filter(pk=fourth).update(status="skipped")

    got = alert_progress(alert=alert)
    assert got["alert"] == alert.pk and got["done"] and got["all_done"]
    assert got["totals"] == counts(sent=1, delivered=1, failed=2, skipped=1)
    channels = {
        c["channel"]: {k: v for k, v in c.items() if k not in ("channel", "label")} for c in got["channels"]
    }
    assert channels == {"email": counts(sent=1), "sms": counts(delivered=1, failed=2, skipped=1)}
    assert [c["label"] for c in got["channels"]] == ["e-mail", "SMS"]
    # The e-mail has no receipt to wait for; none of the SMS is still out.
    assert got["receipts_pending"] == 0
    networks = {n["slug"]: n for n in got["networks"]}
    assert set(networks) == {"bin-alfa", "bin-beta", "bin-z-markt"}
    # Alfa: all four of its members; the member of Alfa and the BIN-Z counts in both BINs, once in total.
    assert [networks[s]["total"] for s in ("bin-alfa", "bin-beta", "bin-z-markt")] == [4, 1, 1]
    assert sum(n["total"] for n in got["networks"]) == 6 and got["totals"]["total"] == 5
    assert networks["bin-alfa"]["name"] == "BIN Alfa"


def test_a_sent_sms_waits_for_its_receipt(town, alert):
    deliveries_process(deliveries(alert) + deliveries(alert, "email"))
    got = alert_progress(alert=alert)
    assert got["done"] and got["receipts_pending"] == 4 and got["totals"]["sent"] == 5
    for pk in deliveries(alert):
        receipt_record(gateway=GATEWAY, provider_id=f"{pk}-1", status="delivered")
    got = alert_progress(alert=alert)
    assert got["receipts_pending"] == 0 and got["totals"] == counts(sent=1, delivered=4)


def test_one_statement_whatever_the_size(town, alert, django_assert_num_queries):
    deliveries_process(deliveries(alert))
    with django_assert_num_queries(1):
        alert_progress(alert=alert)


def test_follow_ups_have_their_own_progress(town, alert):
    deliveries_process(deliveries(alert) + deliveries(alert, "email"))
    update = alert_follow_up(original=alert, user=town.police, msg_type="update", message="De dader is weg.")
    got = alert_progress(alert=alert)
    assert got["done"] and not got["all_done"]
    (follow_up,) = got["follow_ups"]
    assert follow_up["id"] == update.pk and follow_up["msg_type"] == "update"
    assert follow_up["totals"] == counts(queued=5) and not follow_up["done"]
    # The follow-up's own progress: no follow-ups, and its deliveries only.
    own = alert_progress(alert=update)
    assert own["follow_ups"] == [] and own["totals"] == counts(queued=5)


def test_an_alert_without_deliveries_is_done(town):
    draft = alert_sent(town.police, radius_m=100, center=(5000, 5000))
    got = alert_progress(alert=draft)
    assert got["totals"]["total"] == 0 and got["done"] and got["channels"] == [] and got["networks"] == []


def test_the_api_answers_the_zones_police_only(town, alert, api):
    url = reverse("api:alert-progress", args=[alert.pk])
    assert api.get(url).status_code in (401, 403)
    api.force_authenticate(town.police)
    body = api.get(url).json()
    assert body["totals"] == counts(queued=5) and body["done"] is False
    # Another zone's officer: 404, as for an alert that does not exist.
    api.force_authenticate(town.police_other)
    assert api.get(url).status_code == 404
    api.force_authenticate(police_officer(town.zone))
    assert api.get(reverse("api:alert-progress", args=[alert.pk + 1000])).status_code == 404
    api.force_authenticate(town.municipality)
    assert api.get(url).status_code == 403
    api.force_authenticate(town.superuser)
    assert api.get(url).status_code == 200


def test_the_alert_page_shows_the_progress_with_its_text_equivalent(town, alert, client):
    """The page as the server renders it (the live redraw is the browser test's): a progress bar per
    channel with its value, maximum and text, the BIN table, the script with the CSP nonce and no markup
    built from data; in Dutch, the site's default language."""
    deliveries_process(deliveries(alert) + deliveries(alert, "email"))
    client.force_login(town.police)
    response = client.get(reverse("maps:alert", args=[alert.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and 'lang="nl"' in html
    assert html.count('role="progressbar"') == 2
    assert (
        'aria-labelledby="progress-label-sms" aria-valuemin="0" aria-valuemax="4" aria-valuenow="4"' in html
    )
    assert 'data-progress-url="' + reverse("api:alert-progress", args=[alert.pk]) + '"' in html
    assert 'data-finished="false"' in html  # four SMS wait for their receipts
    assert html.count('<tr data-network-slug="') == 3
    nonce = response.context["request"].csp_nonce
    assert html.count(f'<script nonce="{nonce}">') == 2 and "innerHTML" not in html
