"""Who an alert reaches (alerts.recipients): exactly the approved members inside the perimeter, in a network
of the zone, once; and the police's view of them, member density per square, without individuals."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from alerts.models import Alert, Delivery
from alerts.perimeter import perimeter_from_circle
from alerts.recipients import reach_density, recipients_preview, recipients_resolve
from members.models import Membership
from tests.factories import X0, Y0, circle, lonlat, member_at, polygon

from .helpers import alert_body

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def perimeter(x, y, r):
    return perimeter_from_circle(lonlat(x, y), r).geom


def test_members_inside_only(town):
    inside = member_at(500, 500, town.alfa)
    # 300 m circle around (500, 500): (500, 805) is 5 m outside, (500, 795) 5 m inside.
    just_outside = member_at(500, 805, town.alfa)
    just_inside = member_at(500, 795, town.alfa)
    found = {
        r.member_id
        for r in recipients_resolve(
            police_zone_id=town.zone.pk, perimeter=perimeter(500, 500, 300), urgent=True
        )
    }
    assert found == {inside.pk, just_inside.pk}
    assert just_outside.pk not in found


def test_member_of_two_networks_gets_one_message(town):
    both = member_at(950, 500, town.alfa, town.binz)
    rows = recipients_resolve(police_zone_id=town.zone.pk, perimeter=perimeter(1000, 500, 300), urgent=True)
    assert [(r.member_id, sorted(r.network_ids)) for r in rows] == [
        (both.pk, sorted([town.alfa.pk, town.binz.pk]))
    ]


def test_membership_rules(town):
    approved = member_at(400, 400, town.alfa)
    member_at(410, 400, town.alfa, status=Membership.Status.PENDING)
    member_at(420, 400, town.alfa, status=Membership.Status.UNCONFIRMED)
    member_at(430, 400, town.alfa, status=Membership.Status.LEFT)
    member_at(440, 400, town.alfa, status=Membership.Status.REJECTED)
    member_at(450, 400)  # inside, but a member of no network
    # Inside the perimeter, but only a member of a BIN of the other zone.
    member_at(460, 400, town.elders)
    rows = recipients_resolve(police_zone_id=town.zone.pk, perimeter=perimeter(400, 400, 200), urgent=True)
    assert [r.member_id for r in rows] == [approved.pk]


def test_dissolved_network_is_not_alerted(town):
    member_at(400, 400, town.alfa)
    town.alfa.status = "dissolved"
    town.alfa.save()
    assert (
        recipients_resolve(police_zone_id=town.zone.pk, perimeter=perimeter(400, 400, 200), urgent=True) == []
    )


def test_channel_by_urgency_with_fallback(town):
    both = member_at(400, 400, town.alfa)
    sms_only = member_at(410, 400, town.alfa, email="")
    email_only = member_at(420, 400, town.alfa, mobile="")
    none = member_at(430, 400, town.alfa, mobile="", email="")
    geom = perimeter(400, 400, 200)
    urgent = {
        r.member_id: r.channel
        for r in recipients_resolve(police_zone_id=town.zone.pk, perimeter=geom, urgent=True)
    }
    assert urgent == {both.pk: "sms", sms_only.pk: "sms", email_only.pk: "email", none.pk: None}
    calm = {
        r.member_id: r.channel
        for r in recipients_resolve(police_zone_id=town.zone.pk, perimeter=geom, urgent=False)
    }
    assert calm == {both.pk: "email", sms_only.pk: "sms", email_only.pk: "email", none.pk: None}


@pytest.mark.parametrize(
    ("start", "end", "now", "expected"),
    [
        (time(22), time(7), datetime(2026, 3, 10, 23, 30), datetime(2026, 3, 11, 7, 0)),  # over midnight
        (time(22), time(7), datetime(2026, 3, 11, 6, 59), datetime(2026, 3, 11, 7, 0)),
        (time(22), time(7), datetime(2026, 3, 11, 7, 0), None),  # the end is not quiet any more
        (time(22), time(7), datetime(2026, 3, 11, 12, 0), None),
        (time(13), time(15), datetime(2026, 3, 11, 14, 0), datetime(2026, 3, 11, 15, 0)),  # a siesta
        (time(13), time(15), datetime(2026, 3, 11, 16, 0), None),
        (
            time(23),
            time(7),
            datetime(2026, 3, 28, 23, 30),
            datetime(2026, 3, 29, 7, 0),
        ),  # DST starts that night
    ],
)
def test_quiet_hours_defer_non_urgent_only(town, start, end, now, expected):
    member_at(400, 400, town.alfa, quiet_hours_start=start, quiet_hours_end=end)
    now = now.replace(tzinfo=BRUSSELS)
    geom = perimeter(400, 400, 200)
    (calm,) = recipients_resolve(police_zone_id=town.zone.pk, perimeter=geom, urgent=False, now=now)
    assert calm.not_before == (expected.replace(tzinfo=BRUSSELS) if expected else None)
    (urgent,) = recipients_resolve(police_zone_id=town.zone.pk, perimeter=geom, urgent=True, now=now)
    assert urgent.not_before is None


def test_preview_counts_per_network_and_channel(town):
    member_at(500, 500, town.alfa)
    member_at(950, 500, town.alfa, town.binz)  # counted in both BINs, once in the total
    member_at(1500, 500, town.beta, mobile="")
    member_at(1600, 500, town.beta, mobile="", email="")
    preview = recipients_preview(
        police_zone_id=town.zone.pk, perimeter=perimeter(1000, 500, 900), urgent=True
    )
    assert preview.total == 3
    assert preview.channels == {"sms": 2, "email": 1}
    assert preview.no_contact == 1
    assert {n["slug"]: (n["total"], n["sms"], n["email"]) for n in preview.networks} == {
        "bin-alfa": (2, 2, 0),
        "bin-beta": (1, 0, 1),
        "bin-z-markt": (1, 1, 0),
    }


def test_preview_matches_send(town, api, django_capture_on_commit_callbacks, settings):
    settings.BIN_PREVIEW_MIN_COUNT = 1  # exact counts (the threshold: tests/security/test_alerts.py)
    for i in range(12):
        member_at(
            100 + 70 * i,
            300 + 40 * i,
            town.alfa if i % 2 else town.beta,
            mobile="" if i % 3 == 0 else f"+32470000{i:03d}",
        )
    api.force_authenticate(town.police)
    body = alert_body(circle(600, 500, 700))
    preview = api.post(reverse("api:alert-preview"), body, format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(reverse("api:alert-list"), body, format="json")
    assert sent.status_code == 201, sent.json()
    alert = Alert.objects.get(pk=sent.json()["id"])
    assert alert.recipients == preview["recipients"] > 0
    channels = {c: alert.deliveries.filter(channel=c).count() for c in ("sms", "email")}
    assert channels == preview["channels"]
    assert alert.deliveries.filter(status=Delivery.Status.SENT).count() == preview["recipients"]


def test_preview_has_no_personal_data(town, api):
    member = member_at(500, 500, town.alfa, name="Jan Peeters")
    api.force_authenticate(town.police)
    response = api.post(reverse("api:alert-preview"), alert_body(circle(500, 500, 300)), format="json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Jan Peeters" not in text and member.mobile not in text and member.email not in text
    assert response.json()["recipients"] == "<5"  # and no count below 5 either


def test_clipping_to_the_zone_warns(town, api):
    inside = member_at(9900, 500, town.alfa)  # a1 is far away, but membership is what counts
    api.force_authenticate(town.police)
    # A 1 km circle centred on the zone border (x = 10000): half of it lies in the other zone.
    response = api.post(reverse("api:alert-preview"), alert_body(circle(10000, 500, 1000)), format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert 0.49 < body["clipped_fraction"] < 0.51
    (warning,) = body["warnings"]
    assert "PZ Testzone" in warning and "50.0 %" in warning and "cut off" in warning
    assert body["recipients"] == "<5"
    assert inside.pk


def test_polygon_perimeter(town, api, settings):
    settings.BIN_PREVIEW_MIN_COUNT = 1
    member_at(500, 500, town.alfa)
    member_at(1500, 500, town.beta)
    api.force_authenticate(town.police)
    body = alert_body(polygon((0, 0), (1000, 0), (1000, 1000), (0, 1000)))
    response = api.post(reverse("api:alert-preview"), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["recipients"] == 1
    assert response.json()["warnings"] == []


def alert_networks(member) -> list[int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT alert_network_ids FROM members_member WHERE id = %s", [member.pk])
        return cur.fetchone()[0]


def test_the_members_alert_networks_follow_every_change_of_their_memberships(town):
    from members.models import Member

    member = member_at(500, 500, status=Membership.Status.PENDING)
    pending = Membership.objects.create(member=member, network=town.alfa, status=Membership.Status.PENDING)
    assert alert_networks(member) == []
    stale = Member.objects.get(pk=member.pk)

    Membership.objects.filter(pk=pending.pk).update(status=Membership.Status.APPROVED)
    assert alert_networks(member) == [town.alfa.pk]
    # A Member saved from an instance read before the approval does not undo it: Django has no such field.
    stale.name = "Nieuwe naam"
    stale.save()
    assert alert_networks(member) == [town.alfa.pk]

    Membership.objects.create(member=member, network=town.binz, status=Membership.Status.APPROVED)
    assert alert_networks(member) == sorted([town.alfa.pk, town.binz.pk])
    found = recipients_resolve(police_zone_id=town.zone.pk, perimeter=perimeter(500, 500, 100), urgent=True)
    assert [(r.member_id, sorted(r.network_ids)) for r in found] == [
        (member.pk, sorted([town.alfa.pk, town.binz.pk]))
    ]

    pending.status = Membership.Status.LEFT
    pending.save()
    assert alert_networks(member) == [town.binz.pk]
    Membership.objects.filter(member=member).delete()
    assert alert_networks(member) == []
    assert (
        recipients_resolve(police_zone_id=town.zone.pk, perimeter=perimeter(500, 500, 100), urgent=True) == []
    )


def test_one_statement_changing_many_memberships_updates_every_member(town):
    members = [member_at(300 + n, 300, town.alfa, status=Membership.Status.PENDING) for n in range(30)]
    Membership.objects.filter(network=town.alfa).update(status=Membership.Status.APPROVED)
    assert {tuple(alert_networks(m)) for m in members} == {(town.alfa.pk,)}
    found = recipients_resolve(police_zone_id=town.zone.pk, perimeter=perimeter(300, 300, 200), urgent=True)
    assert {r.member_id for r in found} == {m.pk for m in members}
    # A network suspended after the approvals is left out at send time; its members' rows say nothing of it.
    town.alfa.status = "suspended"
    town.alfa.save(update_fields=["status"])
    assert (
        recipients_resolve(police_zone_id=town.zone.pk, perimeter=perimeter(300, 300, 200), urgent=True) == []
    )


# --- member density --------------------------------------------------------------------------------


def test_density_counts_reachable_members_per_cell_and_hides_small_cells(town, density):
    grid = reach_density(police_zone_id=town.zone.pk)
    assert [c["properties"] for c in grid.cells] == [{"count": 4}]
    assert grid.hidden == 3  # two in BIN Beta's cell, one in BIN Gamma's; not the pending or other zone's
    assert grid.shown == 4
    # The cell is the 250 m square centred on (250, 500), whatever the members' own positions.
    (ring,) = grid.cells[0]["geometry"]["coordinates"]
    corners = set()
    for lon, lat in ring:
        corner = Point(lon, lat, srid=4326).transform(31370, clone=True)
        corners.add((round(corner.x - X0), round(corner.y - Y0)))
    assert corners == {(125, 375), (375, 375), (375, 625), (125, 625)}


def test_density_threshold_and_cell_size_are_parameters(town, density):
    grid = reach_density(police_zone_id=town.zone.pk, min_count=2)
    assert sorted(c["properties"]["count"] for c in grid.cells) == [2, 4]
    assert grid.hidden == 1
    coarse = reach_density(police_zone_id=town.zone.pk, cell_m=10_000, min_count=3)
    assert [c["properties"]["count"] for c in coarse.cells] == [7]
