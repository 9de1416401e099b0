"""The pages of relay networks (alerts.relay) in Chromium at 390 x 844 (a phone), in Dutch and French: the
coordinator's page of a waiting message and of a forwarded one with a reaction, their list of waiting
messages, and the police's alert page with the per-network relay status. No sideways scroll, no serious
or critical axe violation."""

import pytest
from django.urls import reverse
from django.utils import translation

from alerts.messages import reaction_token
from alerts.models import AlertRelay
from alerts.relay import relay_forward
from tests.factories import alert_sent, login, member_at
from tests.maps.conftest import browser, log_in, page  # noqa: F401 (fixtures)

from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _check(tab, live_server, language, name, args, selector):
    with translation.override(language):
        tab.goto(live_server.url + reverse(name, args=args))
    tab.wait_for_selector(selector)
    assert tab.get_attribute("html", "lang") == language
    assert no_sideways_scroll(tab), (language, name)
    assert axe_serious(tab) == [], (language, name)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_relay_pages_on_a_phone(live_server, page, town, language):  # noqa: F811
    town.alfa.relay_via_coordinator = True
    town.alfa.save(update_fields=["relay_via_coordinator"])
    member = member_at(400, 500, town.alfa, mobile="")
    member_at(1500, 500, town.beta)
    waiting = alert_sent(town.police, center=(1000, 500), radius_m=800, message="Inbraak; let op.")
    forwarded = alert_sent(town.police, center=(1000, 500), radius_m=800, message="Fietsdiefstal.")
    relay = AlertRelay.objects.get(alert=forwarded)
    relay_forward(relay_id=relay.pk, user=town.coord_a, text="Fietsdiefstal aan het station.", note="Anna")
    delivery = forwarded.deliveries.get(member=member)
    login(town.coord_b).post(
        reverse("alerts:react", args=[reaction_token(delivery.pk)]),
        {"kind": "observation", "text": "Een man"},
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, town.coord_a)
    _check(page, live_server, language, "alerts:relay", [waiting.relays.get().pk], "[data-relay-form]")
    _check(page, live_server, language, "alerts:relay", [relay.pk], "[data-relay-reactions]")
    _check(page, live_server, language, "alerts:relays", [], "[data-relay-list]")
    page.context.clear_cookies()
    log_in(page, live_server, town.police)
    _check(page, live_server, language, "maps:alert", [forwarded.pk], "[data-relays]")
