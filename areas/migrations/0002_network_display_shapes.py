"""areas_networkdisplayshape: every network's boundary simplified for the maps, kept by the database.

A police-zone map of 200 detailed BINs took 2.5-7 s to build, most of it ST_SimplifyPreserveTopology on
400,000 vertices per request. The table holds each network simplified once per display tolerance of the
maps; statement-level triggers on areas_network (areas/sql/display_shapes.sql) rewrite a network's rows when
it is inserted or its boundary changes, so every writer (service, admin, importers, raw SQL) keeps them
current. The foreign key is the database's own, ON DELETE CASCADE, so that a raw DELETE removes them too.
"""

from django.db import migrations, models

from core.sql import RunSQLFile

AFTER = """
ALTER TABLE areas_networkdisplayshape ADD CONSTRAINT areas_networkdisplayshape_network_fk
    FOREIGN KEY (network_id) REFERENCES areas_network (id) ON DELETE CASCADE;
SELECT bin_network_display_shapes_refresh(ARRAY(SELECT id FROM areas_network));
"""

BACKWARD = """
DROP TRIGGER IF EXISTS areas_network_display_insert ON areas_network;
DROP TRIGGER IF EXISTS areas_network_display_update ON areas_network;
DROP FUNCTION IF EXISTS bin_network_boundary_changed();
DROP FUNCTION IF EXISTS bin_network_display_shapes_refresh(bigint[]);
DROP FUNCTION IF EXISTS bin_display_tolerances();
"""


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="NetworkDisplayShape",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tolerance_m", models.FloatField()),
                ("decimals", models.PositiveSmallIntegerField()),
                ("geojson", models.TextField()),
                (
                    "network",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.DO_NOTHING,
                        related_name="display_shapes",
                        to="areas.network",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("network", "tolerance_m", "decimals"), name="areas_display_shape_unique"
                    )
                ],
            },
        ),
        RunSQLFile("areas", "display_shapes.sql", reverse_sql=BACKWARD, after=AFTER),
    ]
