"""The member's "My addresses" page (members/views/addresses.py) in Chromium at 390 px: look an address
up, add it with its BIN, the list after it; nothing scrolls sideways and axe-core finds nothing serious,
in English, Dutch, French and German."""

import pytest
from django.urls import reverse
from django.utils import translation

from members.models import MemberAddress
from members.tokens import MANAGE, token_make
from tests.factories import member_at

from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
def test_add_an_address_at_390_px(live_server, page, town, language):
    member = member_at(400, 520, town.alfa, address_text="Kerkstraat 7, 9990 Teststad")
    with translation.override(language):
        path = reverse("members:addresses", args=[token_make(member=member, purpose=MANAGE)])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{path}?address=Molenstraat+3,+9990+Teststad")
    assert page.get_attribute("html", "lang") == language
    assert page.locator(f'input[name=networks][value="{town.beta.slug}"]').is_checked()
    assert no_sideways_scroll(page)
    assert axe_serious(page) == []
    page.select_option("select[name=label]", "parents")
    page.fill("input[name=label_text]", "<b>Mama</b>")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_selector("[data-address]")
    address = MemberAddress.objects.get(member=member)
    card = page.locator(f'[data-address="{address.pk}"]')
    assert "<b>Mama</b>" in card.inner_text()  # text, never markup
    assert no_sideways_scroll(page)
    assert axe_serious(page) == []
