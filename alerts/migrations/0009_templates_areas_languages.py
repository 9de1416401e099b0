# Helper "content" (issue 14): messages in several languages, message templates and saved areas.
import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0008_approval_exercise"),
        ("areas", "0002_network_display_shapes"),
        ("streets", "0006_osm_street_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="language",
            field=models.CharField(
                choices=[("nl", "Dutch"), ("fr", "French"), ("de", "German"), ("en", "English")],
                default="nl",
                max_length=2,
                verbose_name="language of the message",
            ),
        ),
        migrations.AddField(
            model_name="alert",
            name="translations",
            field=models.JSONField(blank=True, default=dict, verbose_name="translations of the message"),
        ),
        migrations.CreateModel(
            name="MessageTemplate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                (
                    "category",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("burglary", "burglary"),
                            ("suspicious_person", "suspicious person"),
                            ("suspicious_vehicle", "suspicious vehicle"),
                            ("theft", "theft"),
                            ("fire", "fire"),
                            ("co_poisoning", "CO poisoning"),
                            ("missing_person", "missing person"),
                            ("other", "other"),
                        ],
                        max_length=20,
                        verbose_name="category",
                    ),
                ),
                (
                    "urgency",
                    models.CharField(
                        blank=True,
                        choices=[("urgent", "urgent (SMS)"), ("non_urgent", "non-urgent (e-mail)")],
                        max_length=10,
                        verbose_name="urgency",
                    ),
                ),
                ("text_nl", models.TextField(blank=True, verbose_name="text (Dutch)")),
                ("text_fr", models.TextField(blank=True, verbose_name="text (French)")),
                ("text_de", models.TextField(blank=True, verbose_name="text (German)")),
                ("text_en", models.TextField(blank=True, verbose_name="text (English)")),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("updated", models.DateTimeField(auto_now=True)),
                (
                    "police_zone",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="message_templates",
                        to="areas.policezone",
                        verbose_name="police zone",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "message template",
                "verbose_name_plural": "message templates",
                "ordering": ["police_zone", "name"],
                "constraints": [
                    models.UniqueConstraint(fields=("police_zone", "name"), name="one_template_name_per_zone")
                ],
            },
        ),
        migrations.CreateModel(
            name="SavedArea",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                ("description", models.CharField(blank=True, max_length=300, verbose_name="description")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("drawn", "drawn"),
                            ("network", "a network's area"),
                            ("street", "a street's addresses"),
                        ],
                        default="drawn",
                        max_length=8,
                        verbose_name="made from",
                    ),
                ),
                ("margin_m", models.FloatField(blank=True, null=True, verbose_name="margin (m)")),
                (
                    "geometry",
                    django.contrib.gis.db.models.fields.MultiPolygonField(
                        srid=settings.BIN_STORAGE_SRID, verbose_name="area"
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("updated", models.DateTimeField(auto_now=True)),
                (
                    "network",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="areas.network",
                        verbose_name="network",
                    ),
                ),
                (
                    "police_zone",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_areas",
                        to="areas.policezone",
                        verbose_name="police zone",
                    ),
                ),
                (
                    "street",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="streets.street",
                        verbose_name="street",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "saved area",
                "verbose_name_plural": "saved areas",
                "ordering": ["police_zone", "name"],
                "constraints": [
                    models.UniqueConstraint(fields=("police_zone", "name"), name="one_area_name_per_zone")
                ],
            },
        ),
    ]
