"""Roles and the access log now belong to the access app (access/migrations/0001): Django forgets them
here; the tables are left as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_member_alert_networks"),
        ("access", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Role"), migrations.DeleteModel(name="AccessLog")],
            database_operations=[],
        ),
    ]
