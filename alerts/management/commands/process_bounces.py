"""Record the bounces (RFC 3464 delivery-status reports) in a maildir or mbox as undeliverable deliveries."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from alerts.bounces import bounces_process


class Command(BaseCommand):
    help = (
        "Read the bounces of alert e-mail from a maildir or mbox (the mailbox of BIN_ALERT_FROM_EMAIL): each "
        "permanent failure (5.x.x) makes its delivery undeliverable with the server's diagnostic; delays "
        "(4.x.x) and mails that are not bounces are counted and skipped. Safe to run again on the same "
        "mailbox."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="a maildir (with cur/, new/, tmp/), an mbox file or one message file"
        )

    def handle(self, *args, path, **options):
        try:
            report = bounces_process(path)
        except (OSError, ValueError) as exc:  # no such file, not a maildir
            raise CommandError(
                _("Cannot read the mailbox %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from exc
        self.stdout.write(
            _(
                "%(mails)d mails: %(recorded)d deliveries undeliverable, %(duplicate)d already recorded, "
                "%(unknown)d unknown, %(ignored)d delays ignored, %(garbage)d not bounces (skipped)"
            )
            % vars(report)
        )
        for reason in report.reasons:
            self.stdout.write(f"  - {reason}")
