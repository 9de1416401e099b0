# Placeholder of helper "push" (issue 16): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('members', '0008_phone_channels'),
    ]

    operations = []
