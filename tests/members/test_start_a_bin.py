"""Start a BIN: a drawn area or a list of streets becomes a proposed, unpublished network; the municipality
and the police of the zone are told by e-mail and see it on their page."""

import json

import pytest
from django.contrib.gis.geos import Polygon
from django.urls import reverse

from areas.models import Network
from members.models import NetworkProposal
from tests.factories import login, lonlat_square

pytestmark = pytest.mark.django_db


FORM = {
    "name": "BIN Veld",
    "kind": "BIN",
    "municipality": "",
    "streets": "",
    "street_ids": "",
    "area": "",
    "initiator_type": "resident",
    "initiator_name": "Vera Veld",
    "organisation": "",
    "initiator_email": "vera@example.be",
    "initiator_phone": "0470 55 66 77",
}


def test_propose_a_drawn_area(client, town, mailbox):
    area = lonlat_square(0, 2500, 800)  # around the Veldweg, outside every BIN
    response = client.post(reverse("members:network-start"), {**FORM, "area": json.dumps(area)})
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = NetworkProposal.objects.get()
    network = proposal.network
    assert network.status == Network.Status.PROPOSED and not network.published
    assert network.municipality == town.muni and network.police_zone == town.zone
    assert network.slug == "bin-veld"
    assert abs(network.boundary.area - 640_000) < 100  # 800 m by 800 m, back in Lambert 72
    assert proposal.initiators == [
        {"name": "Vera Veld", "email": "vera@example.be", "phone": "+32470556677", "organisation": ""}
    ]
    # The municipality and the police of the zone are told; the other zone's police is not.
    for user in (town.municipality, town.police):
        mail = mailbox.last(user.email)
        assert "BIN Veld" in mail["Subject"]
        assert "vera@example.be" not in mailbox.body(mail)  # contacts are on their page, not in e-mail
    assert not mailbox.to(town.police_other.email)
    assert "BIN Veld" in mailbox.last("vera@example.be")["Subject"]
    # They see it on their page, with the initiators' contacts; nobody else does.
    page = login(town.municipality).get(reverse("members:dashboard")).content.decode()
    assert "BIN Veld" in page and "vera@example.be" in page
    assert "vera@example.be" in login(town.police).get(reverse("members:dashboard")).content.decode()
    assert "BIN Veld" not in login(town.police_other).get(reverse("members:dashboard")).content.decode()
    assert "BIN Veld" not in login(town.coord_a).get(reverse("members:dashboard")).content.decode()
    # Not published: the public lookup does not offer it.
    assert (
        "BIN Veld" not in client.get(reverse("maps:lookup") + "?q=Veldweg+3,+9990+Teststad").content.decode()
    )


def test_propose_from_a_list_of_street_names_without_javascript(client, town, mailbox):
    data = {**FORM, "municipality": str(town.muni.pk), "streets": "Veldweg\n"}
    response = client.post(reverse("members:network-start"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal = NetworkProposal.objects.get()
    assert list(proposal.streets.all()) == [town.veldweg]
    boundary = proposal.network.boundary
    for address in town.veldweg.addresses.all():
        assert boundary.contains(address.point)
    # 30 m around the points: the area reaches no further than ~30 m beyond the end points
    assert boundary.extent[0] > town.veldweg.addresses.order_by("number").first().point.x - 35


def test_streets_crossing_an_existing_bin_leave_its_part_out(client, town, mailbox):
    # Kerkstraat lies in Alfa and Beta; together with the Veldweg, only the Veldweg part is proposed.
    data = {**FORM, "municipality": str(town.muni.pk), "streets": "Veldweg\nKerkstraat"}
    response = client.post(reverse("members:network-start"), data)
    assert response.status_code == 302
    network = NetworkProposal.objects.get().network
    assert not network.boundary.intersects(town.kerkstraat.addresses.first().point)
    assert network.boundary.intersection(town.alfa.boundary).area < 1
    assert "BIN Alfa" in network.description


def test_streets_all_inside_existing_bins_are_refused(client, town, mailbox):
    data = {**FORM, "municipality": str(town.muni.pk), "streets": "Kerkstraat"}
    response = client.post(reverse("members:network-start"), data)
    assert response.status_code == 400
    # The Kerkstraat runs through BIN Alfa and BIN Beta (the BIN-Z over their border holds no part of it).
    assert "These streets already lie in BIN Alfa, BIN Beta." in response.content.decode()
    assert not NetworkProposal.objects.exists() and not Network.objects.filter(name="BIN Veld").exists()
    assert not mailbox.messages


@pytest.mark.parametrize(
    "change, message",
    [
        ({"area": json.dumps(lonlat_square(500, 500, 800))}, "overlaps the residential BIN “BIN Alfa”"),
        ({"area": "{not json"}, "not a GeoJSON polygon"),
        ({"area": json.dumps({"type": "Point", "coordinates": [4.2, 50.7]})}, "Expected a polygon"),
        (
            {
                "area": json.dumps(
                    {
                        "type": "Polygon",
                        "coordinates": [
                            [[4.2, 50.7], [4.21, 50.71], [4.21, 50.7], [4.2, 50.71], [4.2, 50.7]]
                        ],
                    }
                )
            },
            "not valid",
        ),
        (
            {
                "area": json.dumps(
                    {
                        "type": "Polygon",
                        "coordinates": [[[50.7, 4.2], [50.71, 4.2], [50.71, 4.21], [50.7, 4.2]]],
                    }
                )
            },
            "look swapped",
        ),
        (
            {
                "area": json.dumps(
                    {"type": "Polygon", "coordinates": [[[10, 60], [11, 60], [11, 61], [10, 60]]]}
                )
            },
            "outside the service area",
        ),
        ({}, "Draw the area on the map or list its streets"),
        ({"streets": "Nergensstraat", "municipality": "MUNI"}, "Streets not found: Nergensstraat"),
        ({"streets": "Veldweg"}, "Choose the municipality of the streets"),
        (
            {"initiator_email": "", "initiator_phone": "", "area": "AREA"},
            "give an e-mail address or a phone number",
        ),
        ({"initiator_phone": "12", "area": "AREA"}, "not a valid phone number"),
        ({"initiator_email": "vera@", "area": "AREA"}, "not a valid e-mail address"),
    ],
)
def test_bad_proposals_get_a_clear_message_and_change_nothing(client, town, mailbox, change, message):
    change = dict(change)
    if change.get("municipality") == "MUNI":
        change["municipality"] = str(town.muni.pk)
    if change.get("area") == "AREA":
        change["area"] = json.dumps(lonlat_square(0, 2500, 800))
    networks = Network.objects.count()
    response = client.post(reverse("members:network-start"), {**FORM, **change})
    assert response.status_code == 400
    assert message in response.content.decode(), response.content.decode()[:4000]
    assert Network.objects.count() == networks and not NetworkProposal.objects.exists()
    assert not mailbox.messages


def test_propose_through_the_api_with_street_ids_and_with_an_area(client, town, mailbox):
    url = reverse("api:network-propose")
    by_streets = client.post(
        url,
        {
            "name": "BIN Veldweg",
            "initiator_type": "association",
            "initiators": [{"name": "Buurtcomité", "email": "comite@example.be"}],
            "street_ids": [town.veldweg.pk],
        },
        content_type="application/json",
    )
    assert by_streets.status_code == 201, by_streets.content
    assert by_streets.json()["status"] == "proposed" and by_streets.json()["municipality"] == "99001"
    overlapping = client.post(
        url,
        {
            "name": "BIN Te Groot",
            "initiator_type": "municipality",
            "initiators": [{"name": "Preventiedienst", "phone": "02 363 00 00"}],
            "area": lonlat_square(-200, -200, 600),
        },
        content_type="application/json",
    )
    assert overlapping.status_code == 400
    assert "BIN Alfa" in json.dumps(overlapping.json())
    bin_z = client.post(
        url,
        {
            "name": "BIN-Z Markt Oost",
            "kind": "BIN-Z",
            "initiator_type": "association",
            "initiators": [{"name": "Handelaars", "email": "handel@example.be"}],
            "area": lonlat_square(-200, -200, 600),
        },
        content_type="application/json",
    )
    # A BIN-Z may overlap residential BINs.
    assert bin_z.status_code == 201, bin_z.content
    assert NetworkProposal.objects.count() == 2


def test_drawn_area_in_lambert_is_accepted_too(client, town, mailbox):
    # A GeoJSON with a named CRS (the older convention) in the storage CRS: transformed at the edge.
    square = Polygon.from_bbox((145000, 162500, 145800, 163300))
    square.srid = 31370
    area = json.loads(square.json)
    area["crs"] = {"type": "name", "properties": {"name": "EPSG:31370"}}
    response = client.post(reverse("members:network-start"), {**FORM, "area": json.dumps(area)})
    assert response.status_code == 302, response.content.decode()[:2000]
