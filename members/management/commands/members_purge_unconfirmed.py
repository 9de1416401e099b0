"""Erase sign-ups whose e-mail address was never confirmed while the confirmation link was valid."""

from django.core.management.base import BaseCommand

from members.services import members_purge_unconfirmed


class Command(BaseCommand):
    help = "Erase members who never confirmed their e-mail address within the link's lifetime. Run daily."

    def handle(self, *args, **options):
        count = members_purge_unconfirmed()
        self.stdout.write(f"{count} unconfirmed sign-ups erased.")
