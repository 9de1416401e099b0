# Helper "streetlists" (issue 15): a network's area may be derived from its street list.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('areas', '0003_network_generation'),
    ]

    operations = [
        migrations.AddField(
            model_name='network',
            name='boundary_source',
            field=models.CharField(choices=[('drawn', 'drawn'), ('street_list', 'street list')], default='drawn', max_length=16, verbose_name='source of the area'),
        ),
    ]
