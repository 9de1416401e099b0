"""The members' signed links: bound to the e-mail address they were sent to, cancelled by "sign out
everywhere" and by a change of address, and short enough for an e-mail (members/tokens.py)."""

import pytest
from django.core import signing
from django.urls import reverse

from members.models import Member
from members.services import member_links_revoke, member_update_preferences
from members.tokens import CONFIRM, INVITE, MANAGE, LinkError, email_digest, token_make, token_read
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(town):
    return MembershipFactory(network=town.alfa, member__email="lid@example.be", member__language="en").member


@pytest.mark.parametrize("purpose", [MANAGE, CONFIRM, INVITE])
def test_links_stay_short_enough_for_an_e_mail(member, purpose):
    token = token_make(member=member, purpose=purpose, network_id=123456)
    assert len(token) < 160
    assert len(reverse("members:invitation", args=[token])) < 200


def test_a_self_service_link_made_before_link_versions_is_refused(member):
    legacy = signing.dumps({"m": member.public_id.hex}, salt=MANAGE, compress=True)
    with pytest.raises(LinkError) as exc:
        token_read(token=legacy, purpose=MANAGE)
    assert exc.value.expired


def test_a_confirmation_link_made_before_link_versions_still_confirms(member):
    legacy = signing.dumps({"m": member.public_id.hex, "e": email_digest(member.email)}, salt=CONFIRM)
    assert token_read(token=legacy, purpose=CONFIRM)[0] == member


def test_sign_out_everywhere_cancels_a_pending_change_of_address(client, member, mailbox):
    member_update_preferences(
        member=member, mobile=member.mobile, email="nieuw@example.be", landline="", language="en"
    )
    confirm = mailbox.link("nieuw@example.be", "confirm")
    member_links_revoke(member=Member.objects.get(pk=member.pk))
    member.refresh_from_db()
    assert member.pending_email == "" and member.link_version == 1
    refused = client.get(confirm)
    assert refused.status_code == 400 and "cancelled" in refused.content.decode()
    assert Member.objects.get(pk=member.pk).email == "lid@example.be"
    # The new link e-mailed after signing out works.
    assert "signed out everywhere" in mailbox.body(mailbox.last("lid@example.be"))
    assert client.get(mailbox.link("lid@example.be", "manage")).status_code == 200


def test_a_change_of_address_cancels_every_link_sent_before(client, member, mailbox):
    before = token_make(member=member, purpose=MANAGE)
    member_update_preferences(
        member=member, mobile=member.mobile, email="nieuw@example.be", landline="", language="en"
    )
    client.get(mailbox.link("nieuw@example.be", "confirm"))
    member.refresh_from_db()
    assert member.email == "nieuw@example.be" and member.link_version == 1
    # Even back at the first address, the old links stay dead: their version is gone.
    Member.objects.filter(pk=member.pk).update(email="lid@example.be")
    assert client.get(reverse("members:manage", args=[before])).status_code == 400


def test_the_sign_out_page_needs_a_post(client, member):
    url = reverse("members:sign-out", args=[token_make(member=member, purpose=MANAGE)])
    assert client.get(url).status_code == 405
    assert Member.objects.get(pk=member.pk).link_version == 0
