# Placeholder of helper "followups" (issue 14): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('alerts', '0006_delivery_receipts'),
    ]

    operations = []
