"""E-mail the senders of urgent alerts still without a closing message (alerts.reminders)."""

from django.core.management.base import BaseCommand

from alerts.tasks import closing_reminders_send


class Command(BaseCommand):
    help = (
        "Remind the senders of urgent alerts that have no closing message BIN_ALERT_CLOSING_REMINDER_MINUTES "
        "after they went out, each once per interval. Celery beat runs this every minute; without a broker "
        "run it from cron."
    )

    def handle(self, *args, **options):
        n = closing_reminders_send()
        self.stdout.write(f"{n} reminders e-mailed")
