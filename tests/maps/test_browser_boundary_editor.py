"""The admin's boundary editor in Chromium with no network beyond loopback (issue 15): municipality staff
log in to the admin with their password, drag a vertex of their network, save, and only that vertex moves;
nothing is requested from another host, no script error ("ol is not defined" was the old widget's); the
page fits a 390 px phone and has no serious axe violation, in nl and fr. The browser and page fixtures are
tests/maps/conftest.py's (every request to another host is refused there, and recorded)."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.contrib.gis.geos import Point
from django.urls import reverse

from tests.factories import X0, Y0

from .page_checks import axe_serious, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EDITOR = '.bin-boundary-editor[data-ready="1"]'
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.fixture
def no_tiles(settings):
    # No background at all (no tile server configured): the editor still works.
    settings.BIN_TILE_PROXY = False
    settings.BIN_TILE_URL = ""


@pytest.fixture
def console_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    return errors


@pytest.fixture
def local_tiles(settings):
    # Tiles through the site's own proxy, which fetches nothing upstream here: the editor works without.
    settings.BIN_TILE_PROXY = True
    settings.BIN_TILE_PROXY_FETCH = False


def external(requests: list[str]) -> list[str]:
    return [
        u
        for u in requests
        if urlparse(u).scheme not in ("data", "about", "blob")
        and urlparse(u).hostname not in ("localhost", "127.0.0.1")
    ]


def admin_login(page, live_server, username: str, password: str = "pw") -> None:
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def vertex_on_screen(page, x: float, y: float) -> tuple[float, float]:
    """The page coordinates of the storage point (X0 + x, Y0 + y) on the editor's map."""
    p = Point(X0 + x, Y0 + y, srid=31370).transform(4326, clone=True)
    return page.evaluate(
        """([lat, lon]) => {
            const root = document.querySelector('.bin-boundary-editor');
            const map = root.binEditor.map;
            const pt = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + pt.x, box.top + pt.y];
        }""",
        [p.y, p.x],
    )


def drag(page, x: float, y: float, to_x: float, to_y: float) -> None:
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move((x + to_x) / 2, (y + to_y) / 2, steps=4)
    page.mouse.move(to_x, to_y, steps=4)
    page.mouse.up()


def test_municipality_staff_drag_a_vertex_offline_and_only_it_moves(
    page, live_server, town, no_tiles, console_errors
):
    admin_login(page, live_server, "gemeente-teststad")
    page.goto(live_server.url + reverse("admin:areas_network_change", args=[town.alfa.pk]))
    page.wait_for_selector(EDITOR)
    legend = page.inner_text(".bin-boundary-legend")
    assert "BIN Beta" in legend and "Teststad" in legend
    before = town.alfa.boundary.coords[0][0]

    # The north-west corner (0, 1000), dragged 40 px to the south-east, into the network.
    page.locator(".bin-boundary-map").scroll_into_view_if_needed()
    x, y = vertex_on_screen(page, 0, 1000)
    drag(page, x, y, x + 40, y + 40)
    shot(page, "admin-boundary-editor-dragged")
    page.wait_for_selector('.bin-boundary-editor[data-edited="1"]')
    page.click("input[name=_save]")
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/admin/areas/network"))

    town.alfa.refresh_from_db()
    after = town.alfa.boundary.coords[0][0]
    assert len(after) == len(before) == 5
    moved = [i for i in range(4) if after[i] != before[i]]
    assert moved == [3], (before, after)
    dx, dy = after[3][0] - before[3][0], after[3][1] - before[3][1]
    assert 30 < dx < 300 and -300 < dy < -30  # east and south, by the map's scale (about 3 m a pixel)
    assert after[4] == after[0]
    assert external(page.requests) == [], external(page.requests)
    assert console_errors == []


def test_a_vertex_dropped_near_a_neighbours_vertex_lies_exactly_on_it(page, live_server, town, local_tiles):
    admin_login(page, live_server, "root")
    page.goto(live_server.url + reverse("admin:areas_network_change", args=[town.alfa.pk]))
    page.wait_for_selector(EDITOR)
    page.locator(".bin-boundary-map").scroll_into_view_if_needed()
    # Alfa's north-west corner, dropped 4 px off the BIN-Z's corner (790, 620): it snaps there on the
    # map, and the server puts it exactly on the BIN-Z's stored vertex.
    x, y = vertex_on_screen(page, 0, 1000)
    to_x, to_y = vertex_on_screen(page, 790, 620)
    drag(page, x, y, to_x + 4, to_y - 3)
    shot(page, "admin-boundary-editor-snapped")
    page.wait_for_selector('.bin-boundary-editor[data-edited="1"]')
    page.click("input[name=_save]")
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/admin/areas/network"))
    town.alfa.refresh_from_db()
    corners = town.alfa.boundary.coords[0][0]
    assert corners[3] == (X0 + 790, Y0 + 620)
    assert corners[:3] == ((X0, Y0), (X0 + 1000, Y0), (X0 + 1000, Y0 + 1000))
    assert external(page.requests) == []


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_editor_page_on_a_phone_in_both_languages(page, live_server, town, local_tiles, language):
    admin_login(page, live_server, "root")
    # The language the site's switcher (/i18n/setlang/) leaves in its cookie: the admin follows it too.
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("admin:areas_network_change", args=[town.alfa.pk]))
    page.wait_for_selector(EDITOR)
    assert page.get_attribute("html", "lang") == language
    # The editor's own tools speak it too (Leaflet-Geoman's translations), their names for screen readers.
    tools = page.eval_on_selector_all(
        "a.leaflet-buttons-control-button", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert {"nl": "Teken een vlak", "fr": "Dessiner des polygones"}[language] in tools
    assert no_sideways_scroll(page)
    assert axe_serious(page, ".bin-boundary-editor") == []
    assert external(page.requests) == []
    shot(page, f"admin-boundary-editor-390-{language}")


@pytest.mark.parametrize(
    "model, key",
    [("areas_municipality", "muni"), ("areas_policezone", "zone"), ("streets_address", "address")],
)
def test_the_editor_starts_for_every_geometry_kind(page, live_server, town, no_tiles, model, key):
    # Multipolygons with their context, and a point (an address): the same editor, no script error.
    obj = town.kerkstraat.addresses.first() if key == "address" else getattr(town, key)
    admin_login(page, live_server, "root")
    page.goto(live_server.url + reverse(f"admin:{model}_change", args=[obj.pk]))
    page.wait_for_selector(EDITOR)
    assert (
        page.evaluate(
            "() => document.querySelector('.bin-boundary-editor').binEditor.edited.getLayers().length"
        )
        == 1
    )
    assert external(page.requests) == []
