"""A member's further addresses through the signed link: add one (lookup, then the BIN covering it), choose
its channels, remove it; at most five addresses in all; what coordinators, the download and erasure see."""

import json

import pytest
from django.urls import reverse

from members.models import MAX_ADDRESSES, Member, MemberAddress, Membership
from members.services import member_address_add, member_erase
from members.tokens import MANAGE, token_make
from tests.factories import login, member_at

pytestmark = pytest.mark.django_db

MOLENSTRAAT = "Molenstraat 3, 9990 Teststad"  # in BIN Beta only


@pytest.fixture
def anna(town):
    """A confirmed member of BIN Alfa, at Kerkstraat 7."""
    return member_at(400, 520, town.alfa, name="Anna Peeters", address_text="Kerkstraat 7, 9990 Teststad")


def page(member):
    return reverse("members:addresses", args=[token_make(member=member, purpose=MANAGE)])


def add(client, member, address=MOLENSTRAAT, networks=("bin-beta",), **extra):
    data = {"address": address, "networks": list(networks), "label": "parents", "sms": "on", "email": "on"}
    return client.post(page(member), {**data, **extra})


def test_lookup_offers_the_bin_covering_the_address(client, anna, town):
    html = client.get(page(anna), {"address": MOLENSTRAAT}).content.decode()
    assert f'value="{town.beta.slug}"' in html and "Molenstraat 3" in html
    assert "Kerkstraat 7" in html  # their own address, listed first


def test_add_asks_to_join_that_bin(client, anna, town, mailbox):
    response = add(client, anna, networks=[town.beta.slug], label_text="Mum & Dad")
    assert response.status_code == 302
    address = anna.addresses.get()
    assert (address.label, address.label_text, address.address_id is not None) == (
        "parents",
        "Mum & Dad",
        True,
    )
    assert (address.sms, address.email, address.voice) == (True, True, False)
    membership = Membership.objects.get(member=anna, network=town.beta)
    # The signed link proved the e-mail address again: the request goes to the coordinator at once.
    assert (membership.status, membership.member_address) == (Membership.Status.PENDING, address)
    assert mailbox.to(town.coord_b.email)
    html = client.get(response.url).content.decode()
    assert "Mum &amp; Dad" in html and "BIN Beta" in html


def test_a_bin_they_are_in_already_needs_no_second_request(client, anna, town):
    add(client, anna, address="Kerkstraat 3, 9990 Teststad", networks=[town.alfa.slug])
    assert anna.addresses.count() == 1
    assert Membership.objects.get(member=anna, network=town.alfa).member_address is None


def test_a_bin_that_does_not_cover_the_address_is_refused(client, anna, town):
    response = add(client, anna, networks=[town.gamma.slug])
    assert response.status_code == 400
    assert "does not cover this address" in response.content.decode()
    assert not anna.addresses.exists()


def test_five_addresses_at_most(client, anna, town):
    for n in range(1, MAX_ADDRESSES):
        add(client, anna, address=f"Molenstraat {n}, 9990 Teststad")
    assert anna.addresses.count() == MAX_ADDRESSES - 1  # and their own: five
    html = client.get(page(anna)).content.decode()
    assert "remove one to add another" in html and "Add an address" not in html
    response = add(client, anna, address="Molenstraat 9, 9990 Teststad")
    assert response.status_code == 400
    assert "You have 5 addresses already, the most we keep: remove one first." in response.content.decode()
    assert anna.addresses.count() == MAX_ADDRESSES - 1


def test_channels_and_removal(client, anna, town, mailbox):
    add(client, anna, networks=[town.beta.slug])
    address = anna.addresses.get()
    path = reverse("members:address-channels", args=[token_make(member=anna, purpose=MANAGE), address.pk])
    assert client.post(path, {"email": "on"}).status_code == 302
    address.refresh_from_db()
    assert (address.sms, address.email, address.voice) == (False, True, False)
    remove = reverse("members:address-remove", args=[token_make(member=anna, purpose=MANAGE), address.pk])
    assert client.post(remove).status_code == 302
    assert not anna.addresses.exists()
    # Its membership is left (the member is told) and goes with it: Beta sees nothing of them any more.
    assert not Membership.objects.filter(member=anna, network=town.beta).exists()
    assert "BIN Beta" in mailbox.body(mailbox.last(anna.email))
    assert "The address was removed." in client.get(page(anna)).content.decode()
    assert Membership.objects.get(member=anna, network=town.alfa).status == Membership.Status.APPROVED


def test_someone_elses_address_cannot_be_changed(client, anna, town):
    other = member_at(450, 520, town.alfa)
    theirs = MemberAddress.objects.create(member=other, address_text="x", point=other.point)
    token = token_make(member=anna, purpose=MANAGE)
    client.post(reverse("members:address-channels", args=[token, theirs.pk]), {})
    client.post(reverse("members:address-remove", args=[token, theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.sms and theirs.email


def test_coordinators_see_only_the_addresses_of_their_networks(anna, town):
    member_address_add(member=anna, address_text=MOLENSTRAAT, network_slugs=[town.beta.slug], label="shop")
    # The request waiting for Beta's coordinator shows the shop, not the home.
    queue = login(town.coord_b).get(reverse("members:pending")).content.decode()
    assert "Molenstraat 3" in queue and "Kerkstraat 7" not in queue
    Membership.objects.filter(network=town.beta).update(status=Membership.Status.APPROVED)
    detail = reverse("members:member-detail", args=[anna.pk])
    beta = login(town.coord_b).get(detail).content.decode()
    assert "Molenstraat 3" in beta and "Kerkstraat 7" not in beta
    alfa = login(town.coord_a).get(detail).content.decode()
    assert "Kerkstraat 7" in alfa and "Molenstraat 3" not in alfa
    admin = login(town.superuser).get(detail).content.decode()
    assert "Kerkstraat 7" in admin and "Molenstraat 3" in admin
    # Beta's member list and CSV show the shop, not the home.
    csv = login(town.coord_b).get(reverse("members:network-members-csv", args=[town.beta.slug]))
    text = csv.content.decode("utf-8-sig")
    assert "Molenstraat 3" in text and "Kerkstraat 7" not in text
    anna.refresh_from_db()
    assert anna.address_text == "Kerkstraat 7, 9990 Teststad"  # the copy shown was never saved


def test_download_holds_every_address(client, anna, town):
    member_address_add(member=anna, address_text=MOLENSTRAAT, network_slugs=[town.beta.slug], label="shop")
    response = client.get(reverse("members:export", args=[token_make(member=anna, purpose=MANAGE)]))
    data = json.loads(response.content)
    [shop] = data["addresses"]
    assert (shop["label"], shop["networks"], shop["channels"]["sms"]) == ("shop", [town.beta.slug], True)
    assert "Molenstraat 3" in shop["address"]


def test_erasure_removes_every_address(anna, town):
    member_address_add(member=anna, address_text=MOLENSTRAAT, network_slugs=[], label="other")
    member_erase(member=anna)
    assert not MemberAddress.objects.exists() and not Member.objects.exists()


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_the_page_in_other_languages(anna, language):
    from django.test import Client
    from django.utils import translation

    with translation.override(language):
        path = page(anna)
    response = Client(headers={"accept-language": language}).get(path, {"address": MOLENSTRAAT})
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
