# Placeholder of helper "streetlists" (issue 15): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('areas', '0003_network_generation'),
    ]

    operations = []
