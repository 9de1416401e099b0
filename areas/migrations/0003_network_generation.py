"""areas_networkgeneration: a token that changes with every write to networks, municipalities and police
zones (statement-level triggers, areas/sql/network_generation.sql), so the web workers' in-process point
index (areas/point_index.py) knows when to rebuild. A table of the database's own, not a model: Django's
flush between tests must not empty it.
"""

from django.db import migrations

from core.sql import RunSQLFile

BACKWARD = """
DROP TRIGGER IF EXISTS areas_network_generation ON areas_network;
DROP TRIGGER IF EXISTS areas_municipality_generation ON areas_municipality;
DROP TRIGGER IF EXISTS areas_policezone_generation ON areas_policezone;
DROP FUNCTION IF EXISTS bin_network_generation_bump();
DROP TABLE IF EXISTS areas_networkgeneration;
"""


class Migration(migrations.Migration):
    dependencies = [("areas", "0002_network_display_shapes")]

    operations = [RunSQLFile("areas", "network_generation.sql", reverse_sql=BACKWARD)]
