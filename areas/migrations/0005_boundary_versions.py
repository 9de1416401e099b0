"""areas_networkboundaryversion: every boundary a network has had, with who, when and why (areas/versions.py).

Triggers on areas_network (areas/sql/boundary_versions.sql) add the rows, whoever writes. The networks
stored before this migration get one version each, valid since their creation, from the source
"migration": their earlier boundaries, if any, were not kept.
"""

import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.sql import RunSQLFile

AFTER = """
INSERT INTO areas_networkboundaryversion (network_id, boundary, valid_from, valid_to, reason, source)
SELECT id, boundary, created, NULL, '', 'migration' FROM areas_network WHERE boundary IS NOT NULL;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS areas_network_version_insert ON areas_network;
DROP TRIGGER IF EXISTS areas_network_version_update ON areas_network;
DROP TRIGGER IF EXISTS areas_network_version_delete ON areas_network;
DROP FUNCTION IF EXISTS bin_network_boundary_versioned();
DROP FUNCTION IF EXISTS bin_boundary_version_add(bigint[], timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0004_street_lists"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NetworkBoundaryVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "boundary",
                    django.contrib.gis.db.models.fields.MultiPolygonField(
                        srid=settings.BIN_STORAGE_SRID, verbose_name="boundary"
                    ),
                ),
                ("valid_from", models.DateTimeField(verbose_name="valid from")),
                ("valid_to", models.DateTimeField(blank=True, null=True, verbose_name="valid until")),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("admin", "admin"),
                            ("import", "import"),
                            ("street_list", "street list"),
                            ("api", "API"),
                            ("proposal", "online proposal"),
                            ("sql", "SQL"),
                            ("migration", "before versions were kept"),
                        ],
                        default="sql",
                        max_length=16,
                        verbose_name="source",
                    ),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="changed by",
                    ),
                ),
                (
                    "network",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="boundary_versions",
                        to="areas.network",
                        verbose_name="network",
                    ),
                ),
            ],
            options={
                "verbose_name": "boundary version",
                "verbose_name_plural": "boundary versions",
                "ordering": ["network_id", "valid_from", "id"],
                "indexes": [
                    models.Index(fields=["network", "valid_from"], name="areas_boundary_version_net")
                ],
            },
        ),
        RunSQLFile("areas", "boundary_versions.sql", reverse_sql=BACKWARD, after=AFTER),
    ]
