# Placeholder of helper "addresses" (issue 16): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('members', '0006_exercise_opt_in'),
    ]

    operations = []
