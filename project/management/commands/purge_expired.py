"""Delete the personal data past its retention period (for deployments without a Celery broker)."""

from django.core.management.base import BaseCommand

from project.retention import retention_purge


class Command(BaseCommand):
    help = (
        "Delete what is past its retention period (BIN_RETENTION_*_DAYS): deliveries, reactions, the access "
        "log, proposals; and sign-ups never confirmed. Run it daily from cron when there is no broker."
    )

    def handle(self, *args, **options):
        for name, count in retention_purge().items():
            self.stdout.write(f"{name}: {'kept (no retention period)' if count is None else count}")
