"""The site on the home screen: the web app manifest and the service worker, at the root, with the headers
browsers require, linked from every page."""

import json
import struct

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_manifest_is_served_as_a_manifest_in_the_language_asked_for():
    response = Client().get(reverse("pwa:manifest"), {"lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Neighbourhood information networks" and data["short_name"] == "BIN"
    assert (data["lang"], data["scope"], data["display"], data["theme_color"]) == (
        "en",
        "/",
        "standalone",
        "#1f4e79",
    )
    assert data["start_url"].startswith("/") and data["id"] == "/"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    fr = json.loads(Client().get(reverse("pwa:manifest"), {"lang": "fr"}).content)
    assert fr["lang"] == "fr"
    # An unknown language falls back to the request's, never to the parameter.
    assert json.loads(Client().get(reverse("pwa:manifest"), {"lang": "<x>"}).content)["lang"] != "<x>"


@pytest.mark.parametrize("size", [192, 512])
def test_the_icons_are_pngs_of_their_size(size):
    path = finders.find(f"core/pwa/icon-{size}.png")
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (size, size)


def test_the_service_worker_is_served_from_the_root_and_never_cached():
    url = reverse("pwa:service-worker")
    assert url == "/sw.js"  # a worker controls only the paths under its own URL: the root, every page
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    text = response.content.decode()
    assert 'addEventListener("push"' in text and 'addEventListener("notificationclick"' in text
    assert "core/pwa/icon-192" in text


def test_every_page_links_the_manifest_and_registers_the_worker():
    page = Client(headers={"accept-language": "en"}).get(reverse("maps:lookup")).content.decode()
    assert f'<link rel="manifest" href="{reverse("pwa:manifest")}?lang=' in page
    assert 'data-sw="/sw.js"' in page and "core/pwa/register" in page
    assert '<meta name="theme-color" content="#1f4e79">' in page
