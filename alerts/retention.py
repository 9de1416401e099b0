"""How long the alerts app keeps what concerns members: plain functions the retention job calls
(project/retention.py), each deleting the rows older than a moment and returning how many went.

A delivery says which member received which alert, a reaction what a member reported: personal data, kept
for the evaluation of a period and not forever. The alert itself and its audit log (counts, no member)
stay; statistics of alerts older than the deliveries' retention show their recipients (`Alert.recipients`)
but no longer the deliveries per channel and BIN. The gateway's ids of a delivery's messages
(ProviderMessage, for delivery receipts) go with the delivery: a receipt that comes later finds nothing
and is counted as unknown.
"""

from datetime import datetime

from .models import AlertPreviewLog, Delivery, Reaction

__all__ = ["deliveries_purge", "preview_log_purge", "reactions_purge"]

# Rows per statement: an alert writes up to 100,000 deliveries and more, and one DELETE of millions of rows
# would hold its locks and its WAL for long.
BATCH = 5000


def deliveries_purge(*, before: datetime) -> int:
    """Delete the deliveries created before `before` (their reactions stay, unlinked; their gateway ids go
    with them); how many deliveries went."""
    count = 0
    while True:
        ids = list(
            Delivery.objects.filter(created__lt=before).order_by().values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return count
        Reaction.objects.filter(delivery_id__in=ids).update(delivery=None)
        # delete() cascades to ProviderMessage; its total would count those rows too.
        count += Delivery.objects.filter(pk__in=ids).delete()[1].get(Delivery._meta.label, 0)


def reactions_purge(*, before: datetime) -> int:
    """Delete the reactions received before `before`; how many went."""
    return Reaction.objects.filter(created_at__lt=before).delete()[0]


def preview_log_purge(*, before: datetime) -> int:
    """Delete the preview log entries (alerts.preview: who looked at the reach of which perimeter) written
    before `before`; how many went. No member data, but a record of an officer's work, kept like the
    access log."""
    return AlertPreviewLog.objects.filter(at__lt=before).delete()[0]
