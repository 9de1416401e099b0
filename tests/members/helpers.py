"""Helpers of the membership tests: log a user in, the join form a resident fills in."""

from django.test import Client


def login(user) -> Client:
    c = Client(headers={"accept-language": "en"})
    # From the database: UserFactory sets the password after saving, and the session checks its hash.
    c.force_login(type(user).objects.get(pk=user.pk))
    return c


JOIN = {
    "address": "Kerkstraat 5, 9990 Teststad",
    "networks": ["bin-alfa"],
    "kind": "resident",
    "name": "Anna Peeters",
    "email": "anna.peeters@example.be",
    "mobile": "0470 12 34 56",
    "landline": "",
    "language": "en",
    "consent": "on",
}
