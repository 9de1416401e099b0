"""The member's own page through the signed link: change channels, leave, download, erase; bad links."""

import json

import pytest
from django.core import signing
from django.db import connection
from django.urls import reverse

from access.models import AccessLog
from members.models import Member, Membership
from members.tokens import CONFIRM, MANAGE, token_make
from tests.factories import MemberFactory, MembershipFactory, login

from .helpers import JOIN, join_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(client, town, mailbox):
    """Anna joined BIN Alfa through the website, confirmed, and the coordinator approved her."""
    join_steps(client, {**JOIN, "landline": "02 363 00 00", "address": "Kerkstraat 7, 9990 Teststad"})
    client.get(mailbox.link("anna.peeters@example.be", "confirm"))
    membership = Membership.objects.get(member__email="anna.peeters@example.be")
    login(town.coord_a).post(reverse("members:decide", args=[membership.pk]), {"decision": "approve"})
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED
    return membership.member


def manage_path(mailbox, address="anna.peeters@example.be"):
    return mailbox.link(address, "manage")


def test_every_e_mail_to_the_member_carries_the_self_service_link(anna, mailbox):
    mails = mailbox.to("anna.peeters@example.be")
    assert len(mails) == 2  # confirm, welcome
    for mail in mails:
        assert "/members/manage/" in mailbox.body(mail)


def test_manage_page_shows_the_member_their_data(client, anna, mailbox):
    page = client.get(manage_path(mailbox))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Anna Peeters" in html and "Kerkstraat 7" in html and "BIN Alfa" in html
    assert "+32470123456" in html


def test_change_channels_language_and_quiet_hours(client, anna, mailbox):
    path = manage_path(mailbox)
    response = client.post(
        path,
        {
            "email": "anna.peeters@example.be",
            "mobile": "+32 475 11 22 33",
            "landline": "",
            "language": "fr",
            "quiet_hours_start": "22:00",
            "quiet_hours_end": "07:00",
        },
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.mobile == "+32475112233" and anna.landline == "" and anna.language == "fr"
    assert anna.quiet_hours_start.hour == 22 and anna.quiet_hours_end.hour == 7
    notice = mailbox.last("anna.peeters@example.be")
    assert "/members/manage/" in mailbox.body(notice)


def test_bad_preferences_change_nothing(client, anna, mailbox):
    response = client.post(
        manage_path(mailbox), {"email": "", "mobile": "0470", "landline": "", "language": "en"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be removed" in html and "not a valid phone number" in html
    anna.refresh_from_db()
    assert anna.email == "anna.peeters@example.be" and anna.mobile == "+32470123456"


def test_a_new_e_mail_address_counts_once_confirmed(client, anna, mailbox):
    client.post(
        manage_path(mailbox),
        {"email": "anna@new.example.be", "mobile": "0470 12 34 56", "landline": "", "language": "en"},
    )
    anna.refresh_from_db()
    assert anna.email == "anna.peeters@example.be" and anna.pending_email == "anna@new.example.be"
    confirm = mailbox.link("anna@new.example.be", "confirm")
    assert client.get(confirm).status_code == 200
    anna.refresh_from_db()
    assert anna.email == "anna@new.example.be" and anna.pending_email == ""
    # An old confirmation link, for the old address, no longer confirms anything.
    old = reverse(
        "members:confirm", args=[token_make(member=anna, purpose=CONFIRM, email="anna.peeters@example.be")]
    )
    assert client.get(old).status_code == 400


def test_leave_a_network(client, anna, mailbox):
    path = manage_path(mailbox)
    token = path.split("/")[-2]
    response = client.post(reverse("members:leave", args=[token, "bin-alfa"]))
    assert response.status_code == 302
    membership = anna.memberships.get()
    assert membership.status == Membership.Status.LEFT
    mail = mailbox.last("anna.peeters@example.be")
    assert "You left BIN Alfa" in mail["Subject"]
    assert "/members/manage/" in mailbox.body(mail)
    # Leaving twice, or a network one is not in: a message, nothing changes.
    again = client.post(reverse("members:leave", args=[token, "bin-beta"]), follow=True)
    assert "You are not a member of BIN Beta" in again.content.decode()
    # Joining again after leaving goes through the confirmation again.
    join_steps(client, {**JOIN, "address": "Kerkstraat 7, 9990 Teststad"})
    membership.refresh_from_db()
    assert membership.status == Membership.Status.UNCONFIRMED


def test_export_everything_stored_as_json(client, town, anna, mailbox):
    login(town.coord_a).get(reverse("members:network-members", args=["bin-alfa"]))
    token = manage_path(mailbox).split("/")[-2]
    response = client.get(reverse("members:export", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    m = data["member"]
    assert m["name"] == "Anna Peeters"
    assert m["mobile"] == "+32470123456" and m["landline"] == "+3223630000"
    assert m["email"] == "anna.peeters@example.be"
    assert m["address"] == "Kerkstraat 7, 9990 Teststad" and m["address_unverified"] is False
    assert m["consent"]["version"] == "2026-01"
    lon, lat = m["position"]["coordinates"]
    assert 2.3 < lon < 6.5 and 49.4 < lat < 51.6
    assert data["memberships"] == [
        {
            "network": "BIN Alfa",
            "network_slug": "bin-alfa",
            "status": "approved",
            "requested_at": data["memberships"][0]["requested_at"],
            "decided_at": data["memberships"][0]["decided_at"],
            "reason": "",
        }
    ]
    actions = [e["action"] for e in data["access_log"]]
    assert "approve" in actions
    assert "export" in actions  # the download itself is logged before it is read
    assert (
        any(e["reason"] == "approval queue" for e in data["access_log"]) is False
    )  # queue rows carry no member
    assert AccessLog.objects.filter(action="export", member_id=anna.pk, user=None).count() == 1


def _text_columns():
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public'
              AND data_type IN ('character varying', 'text', 'character', 'json', 'jsonb')
              AND table_name <> 'spatial_ref_sys'
            ORDER BY table_name, column_name
            """
        )
        return cur.fetchall()


def database_holding(value: str) -> list[str]:
    """Every table.column of the database where `value` occurs (case-insensitive), searched with SQL."""
    found = []
    with connection.cursor() as cur:
        for table, column in _text_columns():
            cur.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',
                [f"%{value}%"],
            )
            if cur.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def _reaction(member, text):
    """A delivered alert to `member` in the member's BIN, and an observation they sent back."""
    from alerts.models import Alert, Delivery, Reaction

    membership = member.memberships.select_related("network").first()
    network = membership.network
    alert = Alert.objects.create(
        police_zone=network.police_zone,
        category="suspicious_vehicle",
        urgency="urgent",
        message="Verdacht voertuig",
        location=member.point,
        perimeter=network.boundary,
        perimeter_kind="polygon",
        status="sent",
    )
    delivery = Delivery.objects.create(
        alert=alert, member=member, channel="sms", network_ids=[network.pk], status="sent"
    )
    return Reaction.objects.create(
        alert=alert, delivery=delivery, member=member, network_ids=[network.pk], kind="observation", text=text
    )


def test_erase_removes_every_trace_of_personal_data(client, town, anna, mailbox):
    # Put the member through as much as possible first: a second network, views and exports by the
    # coordinator, an admin edit, a self-service download.
    MembershipFactory(member=anna, network=town.binz)
    coordinator = login(town.coord_a)
    coordinator.get(reverse("members:network-members", args=["bin-alfa"]))
    coordinator.get(reverse("members:network-members-csv", args=["bin-alfa"]))
    coordinator.get(reverse("members:member-detail", args=[anna.pk]))
    admin = login(town.superuser)
    assert admin.get(reverse("admin:members_member_change", args=[anna.pk])).status_code == 200
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.log_actions(
        user_id=town.superuser.pk,
        queryset=[anna],
        action_flag=CHANGE,
        change_message="Changed mobile of Anna Peeters.",
        single_object=True,
    )
    token = manage_path(mailbox).split("/")[-2]
    client.get(reverse("members:export", args=[token]))
    # An observation she sent the police, in which she gave herself away (as people do).
    reaction = _reaction(
        anna,
        "Anna Peeters hier, Kerkstraat 7: een gele VW Polo, 1-ABC-123, om 14u05. Bel 0470/12 34 56 of "
        "mail anna.peeters@example.be",
    )

    personal = ["Anna Peeters", "anna.peeters@example.be", "+32470123456", "470123456", "Kerkstraat 7, 9990"]
    for value in personal:
        assert database_holding(value), f"the search should find {value!r} before the erasure"

    page = client.get(reverse("members:erase", args=[token]))
    assert page.status_code == 200
    not_confirmed = client.post(reverse("members:erase", args=[token]), {})
    assert not_confirmed.status_code == 302
    assert Member.objects.filter(pk=anna.pk).exists()

    member_id = anna.pk
    done = client.post(reverse("members:erase", args=[token]), {"confirm": "yes"})
    assert done.status_code == 200
    assert not Member.objects.filter(pk=member_id).exists()
    assert not Membership.objects.filter(member_id=member_id).exists()
    for value in personal:
        assert database_holding(value) == [], f"{value!r} is still in the database"
    # What she saw stays, for the police; who she is does not.
    reaction.refresh_from_db()
    assert reaction.member_id is None and reaction.kind == "observation"
    assert reaction.text == "[…] hier, […]: een gele VW Polo, 1-ABC-123, om 14u05. Bel […] of mail […]"
    for value in ["Anna", "Peeters", "Kerkstraat 7", "0470", "12 34 56", "example.be"]:
        assert value not in reaction.text
    # The access log keeps the bare id: who looked, when and why, not at whom.
    log = AccessLog.objects.filter(member_id=member_id)
    assert log.filter(action="erase").exists() and log.filter(action="view").exists()
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Member)
    ).get().object_repr == (f"erased member {member_id}")
    # The link died with the data.
    gone = client.get(reverse("members:manage", args=[token]))
    assert gone.status_code == 400
    assert "erased" in gone.content.decode()


def test_request_a_new_link_says_nothing_about_who_is_a_member(client, anna, mailbox):
    before = len(mailbox.messages)
    unknown = client.post(reverse("members:request-link"), {"email": "nobody@example.be"})
    known = client.post(reverse("members:request-link"), {"email": "ANNA.peeters@example.be"})
    assert unknown.status_code == known.status_code == 200

    def main(response):
        html = response.content.decode()
        return html[html.index("<main>") : html.index("</main>")]

    assert main(unknown) == main(known)
    assert len(mailbox.messages) == before + 1
    assert "/members/manage/" in mailbox.body(mailbox.last("anna.peeters@example.be"))


# --- bad links ----------------------------------------------------------------------------------------


@pytest.fixture
def bob(town):
    member = MemberFactory(name="Bob Claes", email="bob@example.be", email_confirmed_at=None)
    MembershipFactory(member=member, network=town.alfa, status=Membership.Status.UNCONFIRMED)
    return member


def _signed_long_ago(monkeypatch, member, purpose, days):
    import time

    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() - days * 86400)
    token = token_make(member=member, purpose=purpose)
    monkeypatch.setattr(signing.time, "time", real)
    return token


def test_expired_confirmation_link_is_refused_and_changes_nothing(client, bob, monkeypatch):
    token = _signed_long_ago(monkeypatch, bob, CONFIRM, days=8)
    response = client.get(reverse("members:confirm", args=[token]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "This link has expired" in html and "7 days" in html
    assert "Nothing was changed." in html
    bob.refresh_from_db()
    assert bob.email_confirmed_at is None
    assert bob.memberships.get().status == Membership.Status.UNCONFIRMED


def test_expired_self_service_link(client, bob, monkeypatch):
    token = _signed_long_ago(monkeypatch, bob, MANAGE, days=91)
    assert client.get(reverse("members:manage", args=[token])).status_code == 400
    assert client.get(reverse("members:export", args=[token])).status_code == 400
    assert client.post(reverse("members:erase", args=[token]), {"confirm": "yes"}).status_code == 400
    assert Member.objects.filter(pk=bob.pk).exists()


def test_link_lifetime_is_a_setting(client, bob, settings):
    settings.MEMBERS_MANAGE_MAX_AGE = -1
    token = token_make(member=bob, purpose=MANAGE)
    response = client.get(reverse("members:manage", args=[token]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-3] + ("abc" if not t.endswith("abc") else "xyz"),  # signature changed
        lambda t: (
            "eyJtIjoiMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAifQ" + t[t.index(":") :]
        ),  # payload swapped
        lambda t: "not-a-token",
        lambda t: signing.dumps({"m": "0" * 32}, salt="members.manage", key="someone-elses-secret"),
    ],
    ids=["signature", "payload", "garbage", "other-key"],
)
def test_forged_links_are_refused(client, bob, forge):
    token = forge(token_make(member=bob, purpose=MANAGE))
    for url in (
        reverse("members:manage", args=[token]),
        reverse("members:export", args=[token]),
        reverse("members:confirm", args=[token]),
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "This link is not valid" in response.content.decode()
    assert client.post(reverse("members:erase", args=[token]), {"confirm": "yes"}).status_code == 400
    bob.refresh_from_db()
    assert bob.email_confirmed_at is None


def test_a_link_only_serves_its_own_purpose(client, bob):
    manage = token_make(member=bob, purpose=MANAGE)
    confirm = token_make(member=bob, purpose=CONFIRM)
    assert client.get(reverse("members:confirm", args=[manage])).status_code == 400
    assert client.get(reverse("members:manage", args=[confirm])).status_code == 400
    bob.refresh_from_db()
    assert bob.email_confirmed_at is None


def test_link_pages_are_never_cached_and_send_no_referer(client, bob):
    token = token_make(member=bob, purpose=MANAGE)
    for url in (reverse("members:manage", args=[token]), reverse("members:export", args=[token])):
        response = client.get(url)
        assert response["Referrer-Policy"] == "same-origin"  # see members.views.public.link_page
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
