"""Tips belong to a police zone or to the national library; an alert keeps a copy of its tip; every preview
of an alert's reach is logged.

Existing tips: the seeded ones (and any without an author) become national, which only administrators edit;
a tip last written by an officer of exactly one police zone becomes that zone's. Existing alerts with a tip
get a copy of the tip as it reads now (what it read when they were sent is not known any more).
"""

import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def tips_to_zones_and_copies(apps, schema_editor):
    Tip = apps.get_model("alerts", "Tip")
    Alert = apps.get_model("alerts", "Alert")
    Role = apps.get_model("access", "Role")
    for tip in Tip.objects.exclude(updated_by=None):
        zones = set(
            Role.objects.filter(user_id=tip.updated_by_id, kind="police").values_list("police_zone_id", flat=True)
        )
        if len(zones) == 1:
            tip.police_zone_id = zones.pop()
            tip.save(update_fields=["police_zone"])
    for alert in Alert.objects.exclude(tip=None).select_related("tip"):
        alert.tip_title = alert.tip.title
        alert.tip_text_nl = alert.tip.text_nl
        alert.tip_text_fr = alert.tip.text_fr
        alert.tip_text_de = alert.tip.text_de
        alert.save(update_fields=["tip_title", "tip_text_nl", "tip_text_fr", "tip_text_de"])


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_tables_of_their_own"),
        ("alerts", "0004_delivery_without_db_constraints"),
        ("areas", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="tip_title",
            field=models.CharField(blank=True, max_length=200, verbose_name="tip"),
        ),
        migrations.AddField(
            model_name="alert",
            name="tip_text_nl",
            field=models.TextField(blank=True, verbose_name="tip (Dutch)"),
        ),
        migrations.AddField(
            model_name="alert",
            name="tip_text_fr",
            field=models.TextField(blank=True, verbose_name="tip (French)"),
        ),
        migrations.AddField(
            model_name="alert",
            name="tip_text_de",
            field=models.TextField(blank=True, verbose_name="tip (German)"),
        ),
        migrations.AddField(
            model_name="tip",
            name="police_zone",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: a national tip, which only administrators edit.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tips",
                to="areas.policezone",
                verbose_name="police zone",
            ),
        ),
        migrations.CreateModel(
            name="AlertPreviewLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("username", models.CharField(blank=True, max_length=150)),
                (
                    "perimeter",
                    django.contrib.gis.db.models.fields.MultiPolygonField(srid=settings.BIN_STORAGE_SRID),
                ),
                ("area_m2", models.FloatField(verbose_name="area (m²)")),
                (
                    "urgency",
                    models.CharField(
                        choices=[("urgent", "urgent (SMS)"), ("non_urgent", "non-urgent (e-mail)")], max_length=10
                    ),
                ),
                ("shown", models.JSONField(default=dict)),
                ("counted", models.BooleanField(default=True)),
                (
                    "police_zone",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="areas.policezone"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "alert preview log entry",
                "verbose_name_plural": "alert preview log",
                "ordering": ["-at"],
            },
        ),
        migrations.RunPython(tips_to_zones_and_copies, migrations.RunPython.noop),
    ]
