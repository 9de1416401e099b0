# Placeholder of helper "content" (issue 14): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('alerts', '0008_approval_exercise'),
    ]

    operations = []
