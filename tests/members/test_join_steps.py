"""The join pages one step at a time: what each asks, Back, the error summary, the prefill from the lookup
answer page, and the privacy notice from the deployment's settings."""

import re
from urllib.parse import urlencode

import pytest
from django.core.checks.registry import registry
from django.urls import reverse

from members.models import Member
from streets.models import Address

from .helpers import JOIN, join_steps

pytestmark = pytest.mark.django_db


def address_step(client, address: str, **extra):
    return client.get(reverse("members:join") + "?" + urlencode({"address": address, **extra}))


def at_details(client, address="Kerkstraat 5, 9990 Teststad", networks=("bin-alfa",)):
    assert address_step(client, address).status_code == 302
    response = client.post(reverse("members:join-network"), {"networks": list(networks)})
    assert response.status_code == 302 and response["Location"] == reverse("members:join-details")
    return client.get(reverse("members:join-details"))


def test_a_resident_is_asked_no_business_fields(client, town):
    html = at_details(client).content.decode()
    assert 'name="name"' in html and 'name="email"' in html
    assert 'name="business_name"' not in html and 'name="business_type"' not in html
    assert "Step 3 of 4" in html


def test_choosing_the_bin_z_asks_for_the_business(client, town, mailbox):
    html = at_details(client, "Marktplein 2, 9990 Teststad", ["bin-z-markt"]).content.decode()
    assert 'name="business_name"' in html and 'name="business_type"' in html
    assert 'value="business"' in html
    assert "Sign up as a resident" not in html  # a BIN-Z takes businesses only


def test_a_business_may_join_a_bin_through_the_switch(client, town):
    at_details(client)
    html = client.get(reverse("members:join-details") + "?kind=business").content.decode()
    assert 'name="business_name"' in html
    html = client.get(reverse("members:join-details") + "?kind=resident").content.decode()
    assert 'name="business_name"' not in html


def test_back_keeps_what_was_entered(client, town):
    at_details(client)
    details = {k: v for k, v in JOIN.items() if k not in ("address", "networks", "consent")}
    assert client.post(reverse("members:join-details"), details).status_code == 302
    consent = client.get(reverse("members:join-consent")).content.decode()
    assert "Anna Peeters" in consent and "anna.peeters@example.be" in consent
    back = client.get(reverse("members:join-details")).content.decode()
    assert 'value="Anna Peeters"' in back and 'value="anna.peeters@example.be"' in back
    bins = client.get(reverse("members:join-network")).content.decode()
    assert re.search(r'value="bin-alfa" id="id_networks_\d"\s*checked', bins)
    address = client.get(reverse("members:join")).content.decode()
    assert 'value="Kerkstraat 5, 9990 Teststad"' in address


def test_no_personal_data_in_the_urls(client, town, mailbox):
    at_details(client)
    details = {k: v for k, v in JOIN.items() if k not in ("address", "networks", "consent")}
    response = client.post(reverse("members:join-details"), details)
    assert "anna" not in response["Location"].lower()
    response = client.post(reverse("members:join-consent"), {"consent": "on"})
    assert response["Location"] == reverse("members:join-sent")


def test_a_later_step_without_the_earlier_ones_goes_back_to_the_start(client, town):
    for name in ("members:join-network", "members:join-details", "members:join-consent"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("members:join")


def test_errors_are_summarised_with_links_and_the_title_says_error(client, town):
    at_details(client)
    response = client.post(
        reverse("members:join-details"),
        {"kind": "resident", "name": "", "email": "anna@", "mobile": "hello", "language": "en"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title.startswith("Error: ")
    summary = html[html.index('id="error-summary"') :]
    assert 'tabindex="-1"' in html and "error-summary" in html and ".focus()" in html
    for field in ("name", "email", "mobile"):
        assert f'href="#id_{field}"' in summary
        assert re.search(rf'id="id_{field}"[^>]*aria-invalid="true"', html) or re.search(
            rf'aria-invalid="true"[^>]*id="id_{field}"', html
        ), field
        assert f'aria-describedby="id_{field}_error' in html
        assert f'id="id_{field}_error"' in html
    assert "is not a phone number" in html and "Give your name" in html


def test_address_errors_link_to_the_address_box(client, town):
    response = address_step(client, "Nergensstraat 4, 9990 Teststad")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'href="#address"' in html and "could not find" in html
    assert 'aria-describedby="address_error"' in html


def test_consent_missing_is_an_error_on_the_consent_page(client, town, mailbox):
    join_steps(client, {**JOIN, "consent": ""})
    response = client.post(reverse("members:join-consent"), {})
    assert response.status_code == 400
    assert 'href="#id_consent"' in response.content.decode()
    assert Member.objects.count() == 0


def test_the_answer_page_link_skips_to_the_bin_step(client, town):
    """The lookup answer page links to ?address=…&address_id=…: a match goes straight to step 2."""
    address = Address.objects.get(street__name_nl="Kerkstraat", house_number="5", postcode="9990")
    response = address_step(client, "Kerkstraat 5, 9990 Teststad", address_id=address.pk)
    assert response.status_code == 302 and response["Location"] == reverse("members:join-network")
    assert "BIN Alfa" in client.get(response["Location"]).content.decode()


def test_an_address_that_does_not_match_stays_on_step_1(client, town):
    response = address_step(client, "Kerkstraat, 9990 Teststad", address_id="999999")
    assert response.status_code == 400
    assert "Add your house number" in response.content.decode()


def test_the_check_page_repeats_the_e_mail_address(client, town, mailbox):
    response = join_steps(client, {**JOIN, "email": "anna.p@example.be"})
    assert response["Location"] == reverse("members:join-sent")
    html = client.get(response["Location"]).content.decode()
    assert "<strong>anna.p@example.be</strong>" in html


def test_privacy_notice_names_the_controller_and_the_real_periods(client, town, settings, mailbox):
    settings.BIN_PRIVACY_CONTROLLER = "Gemeente <Teststad>"
    settings.BIN_PRIVACY_CONTACT_EMAIL = "privacy@teststad.example.be"
    settings.BIN_DPO_EMAIL = "dpo@teststad.example.be"
    settings.BIN_RETENTION_DELIVERIES_DAYS = 123
    settings.BIN_RETENTION_ACCESS_LOG_DAYS = 456
    settings.MEMBERS_CONFIRM_MAX_AGE = 5 * 86400
    at_details(client)
    details = {k: v for k, v in JOIN.items() if k not in ("address", "networks", "consent")}
    client.post(reverse("members:join-details"), details)
    html = client.get(reverse("members:join-consent")).content.decode()
    assert "Gemeente &lt;Teststad&gt;" in html  # escaped
    assert "privacy@teststad.example.be" in html and "dpo@teststad.example.be" in html
    assert "after 5 days" in html and "after 123 days" in html and "kept 456 days" in html
    for words in ("legal basis", "coordinators of your BIN", "police", "Data Protection Authority", "erase"):
        assert words in html, words


def test_privacy_notice_unconfigured_says_so_and_the_deployment_check_warns(client, town, settings, capsys):
    settings.BIN_PRIVACY_CONTROLLER = ""
    settings.BIN_DPO_EMAIL = ""
    from members.checks import privacy_checks

    settings.BIN_DEPLOYMENT_CHECKS = False
    assert privacy_checks(None) == []
    settings.BIN_DEPLOYMENT_CHECKS = True
    (warning,) = privacy_checks(None)
    assert warning.id == "members.W001" and "BIN_PRIVACY_CONTROLLER" in warning.msg
    assert "BIN_DPO_EMAIL" in warning.msg
    assert privacy_checks in registry.registered_checks  # `manage.py check` runs it
