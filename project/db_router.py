"""The database router of a deployment with a read replica (DATABASE_REPLICA_URL; registered only then).

Reads go to the replica only while core.replica marked the request as a public read of an anonymous client
who has not written recently, and not inside a transaction on the primary (whatever the transaction wrote is
not on the replica yet). Every write goes to the primary, and ends the request's replica reads. Migrations
run on the primary only: the replica is a streaming copy of it and refuses writes.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from core.replica import REPLICA_ALIAS, replica_reads_allowed, replica_reads_end

__all__ = ["ReplicaRouter"]

ALIASES = {DEFAULT_DB_ALIAS, REPLICA_ALIAS}


class ReplicaRouter:
    """Public reads to the replica under core.replica's mark; everything else to the primary."""

    def db_for_read(self, model, **hints):
        if replica_reads_allowed() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        replica_reads_end()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        if obj1._state.db in ALIASES and obj2._state.db in ALIASES:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
