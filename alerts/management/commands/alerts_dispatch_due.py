"""Enqueue (or, without a broker, send) the deliveries that are due but were never picked up."""

from django.core.management.base import BaseCommand

from alerts.tasks import dispatch_due


class Command(BaseCommand):
    help = (
        "Send deliveries that are due: deferred for quiet hours, left behind by a broker outage or a dead "
        "worker. Celery beat runs this every minute; without a broker run it from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=120, help="seconds a delivery has waited")

    def handle(self, *args, older_than, **options):
        n = dispatch_due(older_than_seconds=older_than)
        self.stdout.write(f"{n} deliveries enqueued")
