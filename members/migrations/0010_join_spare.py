# Placeholder of helper "join" (issue 16): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('members', '0009_push_subscriptions'),
    ]

    operations = []
