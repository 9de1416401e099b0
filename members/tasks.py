"""Celery tasks of the membership: erase sign-ups that were never confirmed (beat runs it every hour)."""

from celery import shared_task

from .services import members_purge_unconfirmed

__all__ = ["purge_unconfirmed"]


@shared_task(ignore_result=True)
def purge_unconfirmed() -> int:
    """Erase the sign-ups whose confirmation link expired unused; returns how many."""
    return members_purge_unconfirmed()
