"""Who may use the alerts API (access.permissions): police officers, each for their own zone only."""

import pytest
from django.urls import reverse

from alerts.models import Alert, Delivery
from tests.alerts.helpers import alert_body
from tests.factories import UserFactory, circle, member_at

pytestmark = pytest.mark.django_db


def test_an_officer_cannot_preview_send_or_read_the_other_zones_alerts(town, api, send_alert):
    member_at(12500, 500, town.elders)
    other = send_alert(town.police_other, center=(12500, 500), radius_m=300)
    assert other.recipients == 1

    api.force_authenticate(town.police)
    body = alert_body(circle(12500, 500, 300), police_zone=town.other_zone.pk)
    assert api.post(reverse("api:alert-preview"), body, format="json").status_code == 403
    assert api.post(reverse("api:alert-list"), body, format="json").status_code == 403
    # Another zone's alert answers as a missing one does (404): its id tells nothing (issue 11, finding 10).
    for name in ("alert-detail", "alert-reactions", "alert-cap"):
        response = api.get(reverse(f"api:{name}", args=[other.pk]))
        assert response.status_code == 404, name
    for name in ("alert-send", "alert-update", "alert-cancel", "alert-feedback"):
        response = api.post(
            reverse(f"api:{name}", args=[other.pk]), {"message": "x", "outcome": "y"}, format="json"
        )
        assert response.status_code == 404, name
    assert [a["id"] for a in api.get(reverse("api:alert-list")).json()["results"]] == []
    stats = api.get(reverse("api:alert-stats"), {"police_zone": town.other_zone.number})
    assert stats.status_code == 403
    assert Alert.objects.count() == 1 and Delivery.objects.count() == 1


@pytest.mark.parametrize("who", ["anonymous", "resident", "coord_a", "municipality"])
def test_only_police_use_the_alert_api(town, api, who):
    if who != "anonymous":
        api.force_authenticate(UserFactory() if who == "resident" else getattr(town, who))
    for url in (reverse("api:alert-preview"), reverse("api:alert-list")):
        response = api.post(url, alert_body(circle(500, 500, 300)), format="json")
        assert response.status_code in (401, 403), url
