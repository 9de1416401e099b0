"""Who is acting, for the grant log the database writes (access.GrantLog, access/sql/grant_log.sql).

The triggers see only the rows that change; `acting_as` tells them who changes them and through what, in
two settings of the current transaction. The admin runs every change inside it, and so do access.services.
"""

from contextlib import contextmanager

from django.db import connection, transaction

__all__ = ["acting_as"]

_READ = "SELECT current_setting('bin.actor_id', true), current_setting('bin.via', true)"
_SET = "SELECT set_config('bin.actor_id', %s, true), set_config('bin.via', %s, true)"


@contextmanager
def acting_as(actor, *, via: str):
    """Inside (one transaction, opened here if none is), the grant log names `actor` (a user; None or an
    anonymous user: nobody with an account, e.g. a management command) and `via` as who made each change."""
    actor_id = str(actor.pk) if actor is not None and actor.is_authenticated else ""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_READ)
            previous = [value or "" for value in cursor.fetchone()]
            cursor.execute(_SET, [actor_id, via[:60]])
        yield
        # Reached only when the block succeeded; after an error the savepoint's rollback undoes the settings.
        with connection.cursor() as cursor:
            cursor.execute(_SET, previous)
