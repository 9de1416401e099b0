# Helper "streetlists" (issue 15): the street lists of networks.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('areas', '0004_street_lists'),
        ('streets', '0006_osm_street_keys'),
    ]

    operations = [
        migrations.CreateModel(
            name='NetworkStreetRange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first', models.PositiveIntegerField(blank=True, null=True, verbose_name='from')),
                ('last', models.PositiveIntegerField(blank=True, null=True, verbose_name='to')),
                ('parity', models.CharField(choices=[('odd', 'odd'), ('even', 'even'), ('all', 'all')], default='all', max_length=4, verbose_name='side')),
                ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='street_ranges', to='areas.network', verbose_name='network')),
                ('street', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='network_ranges', to='streets.street', verbose_name='street')),
            ],
            options={
                'verbose_name': 'street range of a network',
                'verbose_name_plural': 'street ranges of networks',
                'ordering': ['network', 'street', 'parity', 'first'],
            },
        ),
    ]
