"""How long proposals for a new BIN are kept: a plain function the retention job calls
(project/retention.py).

A proposal holds its initiators' names, e-mail addresses and phone numbers, for the municipality to get
back to them. Past its retention period it goes, decided or not; the network it created (in whatever state
the municipality brought it to) stays.
"""

from datetime import datetime

from .models import NetworkProposal

__all__ = ["proposals_purge"]


def proposals_purge(*, before: datetime) -> int:
    """Delete the proposals made before `before`; how many went."""
    stale = NetworkProposal.objects.filter(created__lt=before)
    count = stale.count()
    stale.delete()  # with their rows in the street list's join table
    return count
