# Placeholder of helper "streetlists" (issue 15): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('areas', '0004_street_lists'),
        ('streets', '0006_osm_street_keys'),
    ]

    operations = []
