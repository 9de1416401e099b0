"""The services directly: phone numbers, the coordinator's registration by phone, double submissions at
once, purge of unconfirmed sign-ups, e-mails in the member's language."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from access.models import AccessLog
from members.models import Member, Membership
from members.phones import phone_normalise
from members.services import member_join, members_purge_unconfirmed
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

BASE = {
    "address_text": "Kerkstraat 5, 9990 Teststad",
    "network_slugs": ["bin-alfa"],
    "name": "Service Sam",
    "consent_version": "2026-01",
    "language": "en",
}


@pytest.mark.parametrize(
    "raw, mobile, expected",
    [
        ("0470 12 34 56", True, "+32470123456"),
        ("0470/12.34.56", True, "+32470123456"),
        ("+32 (0)470 12 34 56", True, "+32470123456"),
        ("0032470123456", True, "+32470123456"),
        ("+31 6 12345678", True, "+31612345678"),
        ("02 363 00 00", False, "+3223630000"),
        ("0470 12 34 56", False, "+32470123456"),  # a mobile takes voice calls too
        ("", True, ""),
    ],
)
def test_phone_numbers_are_stored_in_e164(raw, mobile, expected):
    assert phone_normalise(raw=raw, mobile=mobile) == expected


@pytest.mark.parametrize(
    "raw, mobile, code",
    [
        ("0470 12 34", True, "invalid_phone"),
        ("call me", True, "invalid_phone"),
        ("02 363 00 00", True, "not_mobile"),
        ("+32 470 12 34 56 78 90", False, "invalid_phone"),
    ],
)
def test_bad_phone_numbers_say_why(raw, mobile, code):
    with pytest.raises(ValidationError) as exc:
        phone_normalise(raw=raw, mobile=mobile)
    assert exc.value.code == code


def test_coordinator_registers_a_resident_without_e_mail(town, mailbox):
    result = member_join(**BASE, mobile="0470 11 11 11", registered_by=town.coord_a)
    member = result.member
    assert member.email == "" and member.registered_by == town.coord_a
    membership = member.memberships.get()
    assert membership.status == Membership.Status.APPROVED and membership.decided_by == town.coord_a
    assert AccessLog.objects.filter(action="register", member_id=member.pk, user=town.coord_a).exists()
    assert not mailbox.messages
    # The same phone number again: the same member.
    again = member_join(**BASE, mobile="+32470111111", registered_by=town.coord_a)
    assert again.member.pk == member.pk and Member.objects.count() == 1


def test_coordinator_registration_needs_a_channel_and_their_own_bin(town, mailbox):
    with pytest.raises(ValidationError) as exc:
        member_join(**BASE, registered_by=town.coord_a)
    assert "at least one way to reach" in " ".join(exc.value.message_dict["mobile"])
    with pytest.raises(PermissionDenied):
        member_join(**BASE, mobile="0470 11 11 11", registered_by=town.coord_b)
    assert not Member.objects.exists()


def test_registered_member_with_e_mail_gets_the_self_service_link(town, mailbox):
    member_join(**BASE, email="sam@example.be", registered_by=town.coord_a)
    body = mailbox.body(mailbox.last("sam@example.be"))
    assert "/members/manage/" in body and "BIN Alfa" in body


# Empties the database after it (the two threads need committed rows): restores the migrations' rows first
# (serialized_rollback), as every such test here does (tests/maps/test_browser.py says why).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_identical_submissions_at_the_same_moment_make_one_member(town, mailbox):
    errors = []
    barrier = threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            member_join(**BASE, email="race@example.be")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Member.objects.filter(email__iexact="race@example.be").count() == 1
    assert Membership.objects.count() == 1
    assert len(mailbox.to("race@example.be")) == 2


def test_unconfirmed_sign_ups_are_erased_after_the_link_expired(town, mailbox):
    from datetime import timedelta

    from django.utils import timezone

    stale = MemberFactory(email_confirmed_at=None)
    Member.objects.filter(pk=stale.pk).update(created=timezone.now() - timedelta(days=8))
    fresh = MemberFactory(email_confirmed_at=None)
    confirmed = MemberFactory()
    Member.objects.filter(pk=confirmed.pk).update(created=timezone.now() - timedelta(days=80))
    assert members_purge_unconfirmed() == 1
    assert set(Member.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    assert AccessLog.objects.filter(member_id=stale.pk, action="erase").exists()


def test_the_purge_is_a_task_that_beat_runs(town, settings):
    from datetime import timedelta

    from django.utils import timezone

    from members.tasks import purge_unconfirmed
    from project.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["members-purge-unconfirmed"]
    assert entry["task"] == purge_unconfirmed.name and entry["task"] in app.tasks
    stale = MemberFactory(email_confirmed_at=None)
    Member.objects.filter(pk=stale.pk).update(created=timezone.now() - timedelta(days=8))
    assert purge_unconfirmed.apply().get() == 1
    assert not Member.objects.filter(pk=stale.pk).exists()


def test_e_mails_follow_the_member_language(town, mailbox, settings):
    settings.LANGUAGES = [("nl", "Nederlands"), ("fr", "Français"), ("en", "English")]
    member_join(**{**BASE, "language": "fr"}, email="francoise@example.be")
    mail = mailbox.last("francoise@example.be")
    # The link and the structure are there whatever the catalogue holds; the language is the member's.
    assert "/members/confirm/" in mailbox.body(mail)
    from django.utils import translation

    with translation.override("fr"):
        from django.utils.translation import gettext

        expected = gettext("Confirm your sign-up for the neighbourhood information network")
    # A long non-ASCII subject is sent as folded encoded words; the parser may keep the fold's space.
    assert mail["Subject"].strip() == expected
