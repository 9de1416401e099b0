"""The Dutch profile (BIN_COUNTRY=NL): storage CRS, languages, numbers and words shown to residents, the
municipality code, and the lookup of Dutch addresses. Run by the second pass of `scripts/dev.sh test`."""

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.urls import reverse

from alerts.reactions import reaction_link_gone_message
from core.country import profile, validate_municipality_code
from tests.country import netherlands_only
from tests.factories import SRID, lambert

pytestmark = netherlands_only


def lookup(client, address):
    return client.get(reverse("api:lookup"), {"address": address}, HTTP_ACCEPT_LANGUAGE="en")


def test_settings_follow_the_country():
    assert profile().code == "NL"
    assert settings.BIN_STORAGE_SRID == SRID == 28992
    assert settings.BIN_SERVICE_BBOX == (3.2, 50.7, 7.3, 53.6)
    assert [code for code, _name in settings.LANGUAGES] == ["nl", "en"]
    # The test village lies in the Netherlands (near Amersfoort), not in Belgium.
    p = lambert(0, 0).transform(4326, clone=True)
    assert 5.3 < p.x < 5.5 and 52.1 < p.y < 52.2


def test_municipality_code_is_the_cbs_code():
    validate_municipality_code("GM0363")
    for wrong in ("23027", "GM363", "gm0363", "GM03631"):
        with pytest.raises(ValidationError):
            validate_municipality_code(wrong)


def test_residents_are_told_0900_8844_and_112(client, village):
    html = client.get(
        reverse("maps:lookup"), {"q": "Dorpsstraat 12a, 1234 AB Ons Dorp"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    page = html.content.decode()
    assert "<strong>112</strong>" in page and "<strong>0900-8844</strong>" in page
    assert "<strong>101</strong>" not in page
    assert "0900-8844" in reaction_link_gone_message() and "101" not in reaction_link_gone_message()
    assert str(profile().term("police_contact")) == "community police officer"


def test_the_two_forms_of_the_issue(client, village):
    top = lookup(client, "Dorpsstraat 12a, 1234 AB Ons Dorp").json()["results"][0]
    assert (top["match"], top["house_number"], top["box"]) == ("exact", "12a", "")
    assert [n["slug"] for n in top["networks"]] == ["buurtpreventie-dorp"]
    assert top["networks"][0]["municipality"]["nis_code"] == "GM9901"
    lon, lat = top["point"]["coordinates"]
    assert Point(lon, lat, srid=4326).transform(SRID, clone=True).distance(lambert(450, 500)) < 0.5

    top = lookup(client, "dorpsstr 12-II 1234ab").json()["results"][0]
    assert (top["match"], top["house_number"], top["box"]) == ("exact", "12", "II")
    assert top["label"] == "Dorpsstraat 12-II, 1234AB Ons Dorp"
    assert (
        Point(*top["point"]["coordinates"], srid=4326).transform(SRID, clone=True).distance(lambert(410, 500))
        < 0.5
    )


def test_the_postcode_chooses_between_two_dorpsstraten(client, village):
    top = lookup(client, "Dorpsstraat 12, 5678 CD").json()["results"][0]
    assert top["house_number"] == "12" and top["networks"] == []
    top = lookup(client, "Dorpsstraat 12, 1234AB").json()["results"][0]
    assert [n["slug"] for n in top["networks"]] == ["buurtpreventie-dorp"]


def test_missing_numbers_and_an_address_in_no_network(client, village):
    top = lookup(client, "Dorpsstraat 13, Ons Dorp").json()["results"][0]
    assert top["match"] == "street"  # no odd numbers at all: the street
    top = lookup(client, "Dorpsstraat 16, Ons Dorp").json()["results"][0]
    assert (top["match"], top["house_number"]) == ("nearest_same_side", "14")
    top = lookup(client, "Stationsweg 3, 1234 AC Ons Dorp").json()["results"][0]
    assert top["match"] == "exact" and top["networks"] == []
