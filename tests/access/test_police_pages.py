"""Who opens the police's map pages (access.permissions): the alert map, the evaluation, an alert's page."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

PAGES = {
    "alert-map": lambda ctx: reverse("maps:police-alert", args=[5999]),
    "evaluation": lambda ctx: reverse("maps:evaluation", args=[5999]),
    "alert": lambda ctx: reverse("maps:alert", args=[ctx["alert"].pk]),
}


@pytest.fixture
def pages(town, density, send_alert):
    """An alert of PZ Testzone (5999), to BIN Alfa's members."""
    return {"alert": send_alert(town.police, center=(500, 700), radius_m=400)}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_anonymous_visitors_are_sent_to_the_login_page(client, pages, page):
    url = PAGES[page](pages)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:login") + "?next=")
    assert url in response["Location"].replace("%2F", "/")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("police", {"alert-map": 200, "evaluation": 200, "alert": 200}),
        ("police_other", {"alert-map": 403, "evaluation": 403, "alert": 404}),
        ("municipality", {"alert-map": 403, "evaluation": 200, "alert": 404}),
        ("municipality_other", {"alert-map": 403, "evaluation": 403, "alert": 404}),
        ("staff", {"alert-map": 403, "evaluation": 403, "alert": 404}),
        ("superuser", {"alert-map": 200, "evaluation": 200, "alert": 200}),
    ],
)
def test_who_opens_the_police_pages(client, town, pages, who, expected):
    # Staff status alone grants nothing; the town's people are police of the zone (5999) and of the other,
    # staff of Teststad (in the zone) and of Anderdorp (not), and an administrator. An alert page of another
    # zone answers as a missing alert does (404: its id tells nothing; issue 11, finding 10).
    user = UserFactory(is_staff=True) if who == "staff" else getattr(town, who)
    client.force_login(user)
    got = {page: client.get(url(pages), **EN).status_code for page, url in PAGES.items()}
    assert got == expected
