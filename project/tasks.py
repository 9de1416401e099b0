"""Celery tasks that span apps: the retention job (beat runs it daily; project/retention.py)."""

from celery import shared_task

from .retention import retention_purge

__all__ = ["purge_expired"]


@shared_task(ignore_result=True)
def purge_expired() -> dict:
    """Delete the personal data past its retention period; how many rows of each kind went."""
    return retention_purge()
