# Intentionally empty: the admin helper of issue 15 needed no model change (kept so the chain stays stable).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('areas', '0005_boundary_versions'),
    ]

    operations = []
