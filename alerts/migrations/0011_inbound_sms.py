# Issue 16 (helper "phone"): the log of incoming SMS (two-way SMS: reactions and STOP).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0010_channels_voice_push"),
        ("members", "0008_phone_channels"),
    ]

    operations = [
        migrations.CreateModel(
            name="InboundSms",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "gateway_id",
                    models.CharField(max_length=100, unique=True, verbose_name="gateway message id"),
                ),
                ("from_number", models.CharField(blank=True, max_length=20, verbose_name="sender's number")),
                ("text", models.TextField(blank=True, verbose_name="text")),
                ("received", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="received")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("reaction", "reaction recorded"),
                            ("stop", "left SMS alerts"),
                            ("start", "back on SMS alerts"),
                            ("no_alert", "no recent alert to react to"),
                            ("unknown", "not understood"),
                            ("stranger", "not a member's number"),
                            ("throttled", "too many messages from this number"),
                        ],
                        max_length=10,
                        verbose_name="action",
                    ),
                ),
                (
                    "alert",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="alerts.alert",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="members.member",
                    ),
                ),
                (
                    "reaction",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="alerts.reaction",
                    ),
                ),
            ],
            options={
                "verbose_name": "incoming SMS",
                "verbose_name_plural": "incoming SMS",
                "ordering": ["-received"],
            },
        ),
    ]
