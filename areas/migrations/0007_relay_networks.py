# Helper "relay" (issue 17): a network whose alerts go through its coordinators.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('areas', '0006_admin_spare'),
    ]

    operations = [
        migrations.AddField(
            model_name='network',
            name='relay_via_coordinator',
            field=models.BooleanField(default=False, verbose_name='messages go through the coordinator'),
        ),
    ]
