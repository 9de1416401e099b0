"""The console's saved areas, templates, languages and neighbouring BINs in Chromium (real clicks and keys):
an officer picks a saved area (it comes onto the map and the preview counts it), a template (its
placeholders filled, the Dutch and French versions in place), adds a neighbouring BIN (the reach grows),
confirms and sends; each member gets their language. axe-core on the composer with these parts, and at
390 px nothing scrolls sideways. The browser and page fixtures are tests/maps/conftest.py's."""

import json

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.urls import reverse

from alerts.backends import sms as sms_backends
from alerts.content import area_save, template_save
from alerts.models import Alert, Delivery, SavedArea
from tests.factories import lonlat_square, member_at

from .page_checks import axe_serious
from .test_browser import ARTIFACTS, shot
from .test_browser_police import WAIT_MS, is_preview

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NL = "Inbraak in de {street} om {time}: {description}"
FR = "Cambriolage {street} à {time} : {description}"


@pytest.fixture
def prepared(town):
    """A saved area around Kerkstraat 1-13 in BIN Alfa, a template in Dutch and French, six members of Alfa
    inside the area (three Dutch, three French) and six of Beta next to it."""
    area = area_save(user=town.police, name="School Kerkstraat", geometry=lonlat_square(100, 350, 500))
    template = template_save(
        user=town.police,
        data={"name": "Inbraak", "category": "burglary", "urgency": "urgent", "text_nl": NL, "text_fr": FR},
    )
    dutch = [member_at(200 + 40 * i, 500, town.alfa, language="nl") for i in range(3)]
    french = [member_at(400 + 40 * i, 500, town.alfa, language="fr") for i in range(3)]
    beta = [member_at(1500 + 20 * i, 500, town.beta, language="nl") for i in range(6)]
    # Another zone's area and template: not offered.
    area_save(user=town.police_other, name="Andere school", network_id=town.elders.pk)
    template_save(user=town.police_other, data={"name": "Ander sjabloon", "text_nl": "x"})
    return {"area": area, "template": template, "dutch": dutch, "french": french, "beta": beta}


def open_console(page, live_server, user):
    from .conftest import log_in

    log_in(page, live_server, user)
    page.goto(live_server.url + reverse("maps:police-alert", args=[5999]))
    page.wait_for_selector("[data-alert-content][data-content-ready]", state="attached", timeout=WAIT_MS)


def test_area_template_languages_and_neighbours_picked_in_the_console(live_server, page, town, prepared):
    open_console(page, live_server, town.police)
    area_select = page.locator("[data-content-area]")
    options = area_select.locator("option").all_inner_texts()
    assert "School Kerkstraat" in options and "Andere school" not in options
    assert "Ander sjabloon" not in page.locator("[data-content-template]").inner_text()
    # The pickers come first in the composer, the languages under the message.
    order = page.evaluate(
        """() => [...document.querySelectorAll('[data-alert-composer] [data-content-pickers],'
             + '[data-alert-composer] [data-field=message], [data-alert-composer] [data-content-languages],'
             + '[data-alert-composer] [data-alert-preview], [data-alert-composer] [data-content-escalation]')]
             .map(e => e.getAttribute('data-field')
                  || [...e.attributes].find(a => a.name.startsWith('data-')).name)"""
    )
    assert order == [
        "data-content-pickers",
        "message",
        "data-content-languages",
        "data-alert-preview",
        "data-content-escalation",
    ]

    # The saved area, picked with the keyboard: it becomes the perimeter and the preview counts it.
    area_select.focus()
    with page.expect_response(is_preview, timeout=WAIT_MS) as answer:
        page.keyboard.press("ArrowDown")
    sent = answer.value.request.post_data_json
    picked = GEOSGeometry(json.dumps(sent["perimeter"]), srid=4326).transform(31370, clone=True)
    stored = SavedArea.objects.get(name="School Kerkstraat").geometry
    # The area as saved (its corners rounded to 7 decimals of a degree, about a centimetre, on the way).
    assert picked.sym_difference(stored).area < 0.0002 * stored.area
    page.wait_for_selector("[data-alert-preview][data-state='ready'][data-recipients]", timeout=WAIT_MS)
    assert page.get_attribute("[data-alert-preview]", "data-recipients") == "6"
    assert "School Kerkstraat" in page.inner_text("[data-content-area-status]")
    page.wait_for_selector("path.leaflet-interactive", state="attached")

    # The template: its placeholders asked for, the street and time filled in, the description typed.
    page.locator("[data-content-template]").select_option(label="Inbraak")
    page.wait_for_selector("[data-placeholder='description']:not([hidden])")
    assert page.locator("[data-placeholder='place']").is_hidden()  # the template does not use it
    assert page.input_value("[data-placeholder-input='time']")  # now, HH:MM
    page.fill("[data-placeholder-input='street']", "Kerkstraat 7")
    page.fill("[data-placeholder-input='time']", "14:05")
    page.click("[data-placeholder-input='description']")
    page.keyboard.type("man in blauwe jas")
    page.click("[data-content-template-use]")
    message = page.input_value("[data-field='message']")
    assert message == "Inbraak in de Kerkstraat 7 om 14:05: man in blauwe jas"
    french = page.input_value("textarea[data-translation='fr']")
    assert french == "Cambriolage Kerkstraat 7 à 14:05 : man in blauwe jas"
    page.fill("textarea[data-translation='fr']", "Cambriolage Kerkstraat 7 à 14:05 : homme en veste bleue")
    assert page.input_value("[data-field='category']") == "burglary"
    assert page.input_value("[data-content-main-language]") == "nl"
    # French is written: its "add" button is gone; German can still be added.
    assert page.locator("[data-content-add-language='fr']").is_hidden()
    assert page.locator("[data-content-add-language='de']").is_visible()

    # The neighbouring BINs: Beta touches Alfa; adding it grows the perimeter and the reach.
    page.click("[data-content-neighbours]")
    beta = page.locator("[data-neighbour-slug='bin-beta']")
    beta.wait_for(timeout=WAIT_MS)
    assert beta.get_attribute("data-count") == "6"
    assert "BIN Beta — 6 members" in beta.inner_text()
    with page.expect_response(
        lambda r: is_preview(r) and r.request.post_data_json.get("add_networks") == [town.beta.pk],
        timeout=WAIT_MS,
    ) as answer:
        beta.locator("input[type=checkbox]").click()
    assert answer.value.request.post_data_json["translations"]["fr"].startswith("Cambriolage")
    page.wait_for_function(
        "() => document.querySelector('[data-alert-preview]').getAttribute('data-recipients') === '12'",
        timeout=WAIT_MS,
    )
    shot(page, "maps-police-alert-content")
    page.locator("[data-alert-composer]").screenshot(
        path=str(ARTIFACTS / "maps-police-alert-content-panel.png")
    )
    violations = axe_serious(page, "[data-alert-composer]")
    assert violations == [], violations

    # Send, confirm: the alert carries both languages and the added BIN.
    page.wait_for_function("() => !document.querySelector('[data-alert-send]').disabled", timeout=WAIT_MS)
    page.click("[data-alert-send]")
    dialog = page.locator("dialog[data-alert-confirm]")
    dialog.wait_for(state="visible")
    # The confirmation shows each language's final text: the French members' SMS is the French version.
    dialog.locator("[data-confirm-language='fr'] summary").click()
    assert "homme en veste bleue" in dialog.locator("[data-confirm-sms='fr']").inner_text()
    assert "Inbraak in de Kerkstraat 7" in dialog.locator("[data-confirm-sms='nl']").text_content()
    dialog.locator("[data-confirm-send]").click()
    page.wait_for_url("**/maps/alerts/*/", timeout=WAIT_MS)
    alert = Alert.objects.get()
    assert alert.language == "nl"
    assert alert.translations == {"fr": "Cambriolage Kerkstraat 7 à 14:05 : homme en veste bleue"}
    assert alert.recipients == 12
    assert alert.perimeter.contains(town.beta.boundary.point_on_surface)
    assert set(Delivery.objects.filter(alert=alert).values_list("status", flat=True)) == {"sent"}
    texts = {m.to: m.text for m in sms_backends.outbox}
    for member in prepared["dutch"] + prepared["beta"]:
        assert "Inbraak in de Kerkstraat 7" in texts[member.mobile]
    for member in prepared["french"]:
        assert "homme en veste bleue" in texts[member.mobile] and "Inbraak" not in texts[member.mobile]


def test_save_the_perimeter_and_the_message_for_next_time(live_server, page, town, prepared):
    open_console(page, live_server, town.police)
    page.locator("[data-content-area]").select_option(label="School Kerkstraat")
    page.wait_for_selector("[data-alert-preview][data-state='ready']", timeout=WAIT_MS)
    page.fill("[data-field='message']", "Verdacht voertuig in de {street}")
    # The message's language starts as the page's (English here); the officer says it is Dutch.
    assert page.input_value("[data-content-main-language]") == "en"
    page.locator("[data-content-main-language]").select_option("nl")
    page.click("[data-content-save-template]")
    assert "Give a name first" in page.inner_text("[data-content-save-status]")
    page.fill("[data-content-save-name]", "Voertuig")
    page.click("[data-content-save-template]")
    page.wait_for_function(
        "() => document.querySelector('[data-content-save-status]').textContent.includes('Voertuig')",
        timeout=WAIT_MS,
    )
    assert town.zone.message_templates.get(name="Voertuig").text_nl == "Verdacht voertuig in de {street}"
    # A bad placeholder is refused, with the API's message.
    page.fill("[data-field='message']", "Verdacht voertuig in de {straat}")
    page.fill("[data-content-save-name]", "Fout")
    page.click("[data-content-save-template]")
    page.wait_for_function(
        "() => document.querySelector('[data-content-save-status]').textContent.includes('{straat}')",
        timeout=WAIT_MS,
    )
    assert "Unknown placeholder {straat}" in page.inner_text("[data-content-save-status]")
    page.fill("[data-content-save-name]", "Kopie school")
    page.click("[data-content-save-area]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-content-area] option')]"
        ".some(o => o.textContent === 'Kopie school')",
        timeout=WAIT_MS,
    )
    copy = SavedArea.objects.get(name="Kopie school")
    assert copy.geometry.sym_difference(prepared["area"].geometry).area < 0.0002 * copy.geometry.area

    # At 390 px the console's parts fit: nothing scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_the_zones_page_of_templates_and_areas(live_server, page, town, prepared):
    from .conftest import log_in

    log_in(page, live_server, town.police)
    page.goto(live_server.url + reverse("maps:police-alert", args=[5999]))
    page.wait_for_selector("[data-alert-content][data-content-ready]", state="attached", timeout=WAIT_MS)
    page.click("[data-content-manage]")
    page.wait_for_selector("[data-content-templates]")
    assert page.locator("[data-template-name='Inbraak']").count() == 1
    assert page.locator("[data-area-name='School Kerkstraat']").count() == 1
    assert "Andere school" not in page.inner_text("body")
    violations = axe_serious(page)
    assert violations == [], violations
    # A template with a bad placeholder: the form says which, and keeps what was typed.
    page.fill("#template-form [name=name]", "Voertuig")
    page.fill("#template-form [name=text_nl]", "Verdacht voertuig in de {strat}")
    page.click("#template-form button[type=submit]")
    page.wait_for_selector("#template-form .errorlist")
    assert "Unknown placeholder {strat}" in page.inner_text("#template-form")
    page.fill("#template-form [name=text_nl]", "Verdacht voertuig in de {street}")
    page.click("#template-form button[type=submit]")
    page.wait_for_selector("[data-template-name='Voertuig']")
    # An area from a street, typed as the autocomplete writes it.
    page.check("#area-form input[name=source][value=street]")
    page.fill("#area-form [name=name]", "Molenstraat")
    page.fill("#area-form [name=street]", "Molenstraat, 9990 Teststad")
    page.click("#area-form button[type=submit]")
    page.wait_for_selector("[data-area-name='Molenstraat']")
    shot(page, "alerts-content-page")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
