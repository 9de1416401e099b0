# Placeholder of helper "versions" (issue 15): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('areas', '0004_street_lists'),
    ]

    operations = []
