"""The site on the home screen, in Chromium: the manifest is linked and loads, the service worker registers
for the whole site, and the member's page with "Notifications on this phone" fits a 390 px phone without a
serious accessibility violation, in every language. (Subscribing itself needs the browser vendor's push
service, which a test without internet cannot reach; tests/alerts/test_push*.py cover it from the server.)"""

import pytest
from django.urls import reverse
from django.utils import translation

from alerts.management.commands.vapid_keys import vapid_key_pair
from members.tokens import MANAGE, token_make
from tests.factories import member_at

from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

JS_WORKER = """async () => {
    const reg = await navigator.serviceWorker.ready;
    return {scope: reg.scope, script: reg.active ? reg.active.scriptURL : null};
}"""
JS_MANIFEST = """async () => {
    const link = document.querySelector('link[rel=manifest]');
    const response = await fetch(link.href);
    return {type: response.headers.get('content-type'), data: await response.json()};
}"""


@pytest.mark.parametrize("language", ["nl", "fr", "de", "en"])
def test_the_members_page_installs_the_site_and_offers_notifications(
    town, page, live_server, settings, language
):
    settings.BIN_VAPID_PUBLIC_KEY = vapid_key_pair()[0]
    member = member_at(500, 500, town.alfa, language=language)
    with translation.override(language):
        url = reverse("members:manage", args=[token_make(member=member, purpose=MANAGE)])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + url)
    assert page.locator("html").get_attribute("lang") == language
    card = page.locator("#push-card")
    assert card.is_visible() and card.locator("[data-push-on]").is_visible()

    manifest = page.evaluate(JS_MANIFEST)
    assert manifest["type"] == "application/manifest+json"
    assert manifest["data"]["lang"] == language and manifest["data"]["scope"] == "/"
    worker = page.evaluate(JS_WORKER)
    assert worker == {"scope": live_server.url + "/", "script": live_server.url + "/sw.js"}

    assert no_sideways_scroll(page)
    assert axe_serious(page) == []
