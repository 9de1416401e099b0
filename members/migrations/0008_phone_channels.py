# Placeholder of helper "phone" (issue 16): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('members', '0007_member_addresses'),
    ]

    operations = []
