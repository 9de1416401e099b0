"""Indexes on the normalised municipality names, for municipalities_matching() in the address lookup.

Without them every lookup that names a municipality computed bin_normalise() three times for each of the
~600 municipalities (a sequential scan; bin_normalise is a SQL function that cannot be inlined because it
wraps the STABLE unaccent()): 42 ms under load on the benchmark machine, 0.08 ms with these indexes
(EXPLAIN ANALYZE; scripts/bench_lookup.py). The function lives in this app (0002), hence the migration here.
"""

from django.db import migrations

NAMES = ("name_nl", "name_fr", "name_de")

CREATE = "\n".join(
    f"CREATE INDEX areas_municipality_norm_{name} ON areas_municipality (bin_normalise({name}));" for name in NAMES
)
DROP = "\n".join(f"DROP INDEX IF EXISTS areas_municipality_norm_{name};" for name in NAMES)


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial"), ("streets", "0002_street_search")]

    operations = [migrations.RunSQL(CREATE, DROP)]
