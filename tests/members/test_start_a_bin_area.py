"""Start a BIN, the drawing: the area lies in the chosen municipality, the municipality's BINs are on the
map, the GeoJSON is a hidden field (a text box under "Advanced"), and the last point can be undone."""

import json

import pytest
from django.urls import reverse

from members.models import NetworkProposal
from tests.factories import lonlat_square

from .test_start_a_bin import FORM

pytestmark = pytest.mark.django_db


def test_an_area_drawn_in_another_municipality_is_refused(client, town, mailbox):
    area = lonlat_square(0, 2500, 800)  # Teststad's Veldweg
    data = {**FORM, "area": json.dumps(area), "municipality": str(town.neighbour.pk)}
    response = client.post(reverse("members:network-start"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Only 0% of the drawn area lies in {town.neighbour}" in html
    assert 'href="#id_area_error"' in html and "<title>Error: " in html
    assert not NetworkProposal.objects.exists()


def test_an_area_spilling_a_little_over_the_border_is_accepted(client, town, mailbox):
    # Teststad ends at y = 4000: 50 m of 800 m (6 %) lie outside it.
    area = lonlat_square(-900, 3250, 800)
    data = {**FORM, "area": json.dumps(area), "municipality": str(town.muni.pk)}
    response = client.post(reverse("members:network-start"), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_an_area_mostly_outside_is_refused_with_the_share(client, town, mailbox):
    area = lonlat_square(-900, 3600, 800)  # 400 of 800 m outside: half
    data = {**FORM, "area": json.dumps(area), "municipality": str(town.muni.pk)}
    response = client.post(reverse("members:network-start"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Only 50% of the drawn area lies in" in html, html[
        html.find("error-summary") : html.find("error-summary") + 800
    ]


def test_the_geojson_is_hidden_with_a_text_box_under_advanced(client, town, mailbox):
    html = client.get(reverse("members:network-start")).content.decode()
    assert '<input type="hidden" name="area"' in html
    assert "(GeoJSON)" not in html
    assert "<details" in html and 'name="area_text"' in html
    assert 'id="draw-undo"' in html and "Undo last point" in html
    # GeoJSON pasted in the advanced box is a proposal like a drawn one.
    data = {**FORM, "area_text": json.dumps(lonlat_square(0, 2500, 800))}
    assert client.post(reverse("members:network-start"), data).status_code == 302
