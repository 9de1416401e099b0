"""Roles and the access log move here from the members app: the tables stay (renamed in 0002), only Django's
record of which app owns the models changes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("areas", "0001_initial"),
        ("members", "0003_member_alert_networks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AccessLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("action", models.CharField(max_length=40)),
                        ("member_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
                        ("network_id", models.BigIntegerField(blank=True, null=True)),
                        ("count", models.PositiveIntegerField(default=1, help_text="How many members the action touched.")),
                        ("reason", models.CharField(blank=True, max_length=300)),
                        ("user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "access log entry",
                        "verbose_name_plural": "access log",
                        "ordering": ["-at"],
                        "db_table": "members_accesslog",
                    },
                ),
                migrations.CreateModel(
                    name="Role",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("police", "police officer"), ("municipality", "municipality staff")], max_length=12, verbose_name="role")),
                        ("municipality", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="roles", to="areas.municipality")),
                        ("network", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="roles", to="areas.network")),
                        ("police_zone", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="roles", to="areas.policezone")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="bin_roles", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "role",
                        "verbose_name_plural": "roles",
                        "db_table": "members_role",
                        "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("kind", "police"), ("municipality__isnull", True), ("police_zone__isnull", False)), models.Q(("kind", "municipality"), ("municipality__isnull", False), ("police_zone__isnull", True)), _connector="OR"), name="role_has_its_scope")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
