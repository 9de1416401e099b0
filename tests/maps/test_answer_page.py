"""The resident's answer page (maps.views.lookup, maps.answer) and the home page's links, through the test
client on the town of tests/town.py: the village of a postcode, join carrying the address, no join for a
suspended BIN, the nearest BINs and whom to call for an address in no BIN, hints for poor input."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from areas.models import Network
from maps.answer import distance_text
from streets.models import Address
from streets.postal import postal_names_replace

from ..factories import StreetFactory, addresses

pytestmark = pytest.mark.django_db


def answer(client, q: str, **extra):
    return client.get(reverse("maps:lookup"), {"q": q}, **extra)


def test_a_village_postcode_says_which_municipality_it_is_part_of(client, town):
    dorp = StreetFactory(municipality=town.muni, name_nl="Dorpsweg", postcode="9992")
    addresses(dorp, {"4": (300, 700)})
    postal_names_replace({"9992": ["Dorpje"], "9990": ["Teststad"]})
    html = answer(client, "Dorpsweg 4, 9992 Dorpje").content.decode()
    assert "Dorpje, part of Teststad" in html
    assert "BIN Alfa" in html
    # A postcode named after the municipality itself needs no such sentence.
    html = answer(client, "Kerkstraat 5, 9990 Teststad").content.decode()
    assert "part of" not in html


def test_join_carries_the_address_and_its_register_id(client, town):
    r = answer(client, "Kerkstraat 5, 9990 Teststad")
    html = r.content.decode()
    assert 'data-match="exact"' in html
    address = Address.objects.get(street=town.kerkstraat, house_number="5")
    join = reverse("members:network-join", args=["bin-alfa"])
    hrefs = [a for a in html.split('href="')[1:] if a.startswith(join)]
    assert len(hrefs) == 1
    query = parse_qs(urlsplit(hrefs[0].split('"')[0].replace("&amp;", "&")).query)
    assert query == {"address": ["Kerkstraat 5, 9990 Teststad"], "address_id": [str(address.pk)]}


def test_a_suspended_bin_offers_no_join(client, town):
    Network.objects.filter(pk=town.beta.pk).update(status=Network.Status.SUSPENDED)
    html = answer(client, "Molenstraat 3, 9990 Teststad").content.decode()
    assert "BIN Beta" in html
    assert reverse("members:network-join", args=["bin-beta"]) not in html
    assert "data-not-joinable" in html
    html = answer(client, "Kerkstraat 5, 9990 Teststad").content.decode()
    assert reverse("members:network-join", args=["bin-alfa"]) in html


@override_settings(
    BIN_PUBLIC_CONTACTS={
        "police_zones": {"5999": {"phone": "050 12 34 56", "email": "info@pz-testzone.example.be"}},
        "municipalities": {"99001": {"name": "Stadhuis Teststad", "url": "https://teststad.example.be"}},
    }
)
def test_an_address_in_no_bin_shows_the_nearest_bins_contacts_and_start_here(client, town):
    html = answer(client, "Veldweg 1, 9990 Teststad").content.decode()
    assert "No BIN covers this address." in html
    nearest = html.split("data-nearest>")[1].split("</ul>")[0]
    # Veldweg 1 (100, 3000): Alfa's top edge 2000 m south, Beta's corner (1000, 1000) 2193 m; Gamma 5.3 km
    # and the unpublished BIN Verborgen are left out.
    assert "BIN Alfa — <span data-distance>2.0 km</span>" in nearest
    assert "BIN Beta — <span data-distance>2.2 km</span>" in nearest
    assert nearest.index("BIN Alfa") < nearest.index("BIN Beta")
    assert "Gamma" not in nearest and "Verborgen" not in nearest
    contacts = html.split("data-contacts>")[1].split("</ul>")[0]
    assert "PZ Testzone" in contacts and 'href="tel:050123456"' in contacts
    assert "mailto:info@pz-testzone.example.be" in contacts
    assert "Stadhuis Teststad" in contacts and "https://teststad.example.be" in contacts
    assert reverse("maps:police-zone", args=[5999]) in contacts
    address = Address.objects.get(street=town.veldweg, house_number="1")
    start = (
        reverse("members:network-start") + f"?address=Veldweg+1%2C+9990+Teststad&amp;address_id={address.pk}"
    )
    assert start in html
    assert "112" in html and "101" in html


def test_without_configured_contacts_the_names_and_map_pages_are_given(client, town):
    html = answer(client, "Veldweg 3, 9990 Teststad").content.decode()
    contacts = html.split("data-contacts>")[1].split("</ul>")[0]
    assert "PZ Testzone" in contacts and "Teststad" in contacts
    assert reverse("maps:municipality", args=["99001"]) in contacts
    assert "tel:" not in contacts


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ("!!!", "Type a street name and house number, then the postcode or municipality."),
        ("12345", "“12345” is not a Belgian postcode: a postcode has four digits"),
        ("Qwxzstraat 4, 9990 Teststad", "We know no street “Qwxzstraat”."),
        ("Kerkxqzw 4, 9990 Teststad", "Check the spelling, or pick one of these streets."),
        ("Kerkstraat, 9990 Teststad", "Add your house number"),
        ("Molenstraat 3", "Add the postcode or municipality"),
    ],
)
def test_poor_input_gets_a_hint(client, town, query, hint):
    html = answer(client, query).content.decode()
    hints = html.split("data-hints>")[1].split("</ul>")[0]
    assert hint in hints


def test_a_misspelt_street_suggests_streets_that_answer(client, town):
    html = answer(client, "Kerkxqzw 4, 9990 Teststad").content.decode()
    suggestions = html.split("data-suggestions>")[1].split("</ul>")[0]
    assert "?q=Kerkstraat%2C%209990%20Teststad" in suggestions
    assert 'data-match="street"' in answer(client, "Kerkstraat, 9990 Teststad").content.decode()


def test_a_postcode_alone_says_to_add_a_street(client, town):
    html = answer(client, "9990").content.decode()
    assert "Add a street." in html
    assert 'data-match="postcode"' in html


def test_the_map_is_inline_and_titled(client, town):
    html = answer(client, "Kerkstraat 5, 9990 Teststad").content.decode()
    assert '<div class="map" role="region" aria-label="Map of Kerkstraat 5, 9990 Teststad"' in html
    assert "<iframe" not in html and "Make this Notebook Trusted" not in html


@pytest.mark.parametrize(
    ("language", "metres", "text"),
    [("en", 1234, "1.2 km"), ("nl", 1234, "1,2 km"), ("fr", 1234, "1,2 km"), ("en", 346, "350 m")],
)
def test_distances_are_written_as_the_language_writes_them(language, metres, text):
    with translation.override(language):
        assert distance_text(metres) == text


def test_the_home_page_links_to_everything_a_resident_may_want(client, town):
    html = client.get(reverse("maps:lookup")).content.decode()
    nav = html.split("data-home-links>")[1].split("</nav>")[0]
    names = ["members:join", "members:network-start", "members:request-link", "maps:municipalities"]
    for name in [*names, "access:login"]:
        url = reverse(name)
        assert f'href="{url}"' in nav, name
        assert client.get(url).status_code == 200, name


def test_the_maps_list_names_the_municipalities_with_a_bin(client, town):
    html = client.get(reverse("maps:municipalities")).content.decode()
    listed = html.split("data-municipalities>")[1].split("</ul>")[0]
    for nis in ("99001", "99002", "99003"):
        assert reverse("maps:municipality", args=[nis]) in listed
    assert "(3 networks)" in listed  # Teststad: Alfa, Beta, the BIN-Z; not the hidden or dissolved ones
    html = client.get(reverse("maps:municipalities"), {"q": "autrevillage"}).content.decode()
    listed = html.split("data-municipalities>")[1].split("</ul>")[0]
    assert reverse("maps:municipality", args=["99002"]) in listed
    assert reverse("maps:municipality", args=["99001"]) not in listed
