# Placeholder of helper "admin" (issue 15): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('areas', '0005_boundary_versions'),
    ]

    operations = []
