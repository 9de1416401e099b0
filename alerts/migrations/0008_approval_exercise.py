# Placeholder of helper "approval" (issue 14): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('alerts', '0007_followups'),
    ]

    operations = []
