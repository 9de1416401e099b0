"""Alerts and a member's further addresses (members.reach): any address inside the perimeter reaches the
member, once per alert however many are inside, through the channels chosen for that address."""

import pytest

from alerts.backends import sms as sms_backends
from alerts.models import Delivery
from alerts.outbox import deliveries_process
from alerts.perimeter import perimeter_from_circle
from alerts.recipients import recipients_preview, recipients_resolve
from members.models import MemberAddress
from members.services import member_address_remove
from tests.factories import alert_sent, lambert, lonlat, member_at

pytestmark = pytest.mark.django_db

VELDWEG = (100, 3000)  # in no BIN, 2 km north of Alfa: outside every perimeter below


def further(member, x, y, **kwargs):
    return MemberAddress.objects.create(
        member=member, address_text=f"further {x} {y}", point=lambert(x, y), **kwargs
    )


def reached(town, *, x=500, y=500, r=300, urgent=True):
    perimeter = perimeter_from_circle(lonlat(x, y), r).geom
    return recipients_resolve(police_zone_id=town.zone.pk, perimeter=perimeter, urgent=urgent)


def sent_to(alert) -> list[str]:
    ids = list(alert.deliveries.values_list("pk", flat=True))
    deliveries_process(ids)
    return sorted(m.to for m in sms_backends.outbox)


def test_two_addresses_inside_one_sms(town):
    member = member_at(500, 500, town.alfa)
    further(member, 600, 520)
    further(member, 450, 480)
    assert [(r.member_id, r.channel) for r in reached(town)] == [(member.pk, Delivery.Channel.SMS)]
    alert = alert_sent(town.police, radius_m=300)
    assert alert.deliveries.count() == 1
    assert sent_to(alert) == [member.mobile]


def test_own_address_inside_further_one_outside(town):
    member = member_at(500, 500, town.alfa)
    further(member, *VELDWEG)
    assert [r.member_id for r in reached(town)] == [member.pk]


def test_only_a_further_address_inside(town):
    member = member_at(*VELDWEG, town.alfa)
    address = further(member, 520, 500)
    other = member_at(*VELDWEG, town.alfa)  # nothing inside
    rows = reached(town)
    assert [(r.member_id, r.network_ids) for r in rows] == [(member.pk, (town.alfa.pk,))]
    alert = alert_sent(town.police, radius_m=300)
    assert sent_to(alert) == [member.mobile]
    assert other.mobile not in sent_to(alert)
    # Removed: alerts for that place no longer reach them.
    member_address_remove(member=member, address_id=address.pk)
    assert reached(town) == []


def test_channels_of_the_further_address(town):
    member = member_at(*VELDWEG, town.alfa)
    address = further(member, 500, 500, sms=False)
    assert [r.channel for r in reached(town)] == [Delivery.Channel.EMAIL]  # urgent, but no SMS for it
    address.email = False
    address.voice = False
    address.save()
    assert [r.channel for r in reached(town)] == [None]  # reached, nothing to send it by
    preview = recipients_preview(
        police_zone_id=town.zone.pk, perimeter=perimeter_from_circle(lonlat(500, 500), 300).geom, urgent=True
    )
    assert (preview.total, preview.no_contact) == (0, 1)


def test_own_address_inside_keeps_all_channels(town):
    member = member_at(500, 500, town.alfa)
    further(member, 520, 500, sms=False, email=False, voice=False)
    assert [r.channel for r in reached(town)] == [Delivery.Channel.SMS]


def test_a_member_of_another_zone_only_is_not_reached_through_a_further_address(town):
    member = member_at(12500, 500, town.elders)
    further(member, 500, 500)
    assert reached(town) == []


def test_not_approved_is_not_reached(town):
    member = member_at(*VELDWEG, town.alfa, status="pending")
    further(member, 500, 500)
    assert reached(town) == []


def test_density_counts_each_member_once_at_their_own_address(town):
    from alerts.recipients import reach_density

    for i in range(3):
        member = member_at(500 + i, 500, town.alfa)
        further(member, 1500, 500)
    grid = reach_density(police_zone_id=town.zone.pk)
    assert grid.shown + grid.hidden == 3
