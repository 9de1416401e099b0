# Helper "relay" (issue 17): alerts that go through a network's coordinator (alerts.relay).
import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('alerts', '0011_inbound_sms'),
        ('areas', '0007_relay_networks'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='alertevent',
            name='action',
            field=models.CharField(choices=[('created', 'created'), ('edited', 'edited'), ('submitted', 'submitted for approval'), ('approved', 'approved'), ('returned', 'returned for changes'), ('sent', 'sent'), ('relay_wait', 'sent to the coordinator'), ('forwarded', 'forwarded by the coordinator'), ('declined', 'declined by the coordinator'), ('reactions', 'reactions forwarded by the coordinator')], max_length=12, verbose_name='what'),
        ),
        migrations.CreateModel(
            name='AlertRelay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('waiting', 'waiting for the coordinator'), ('forwarded', 'forwarded'), ('declined', 'declined'), ('nocoord', 'no coordinator: sent directly')], default='waiting', max_length=9)),
                ('reach', models.PositiveIntegerField(default=0)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decided_by_name', models.CharField(blank=True, max_length=150)),
                ('taken_over', models.BooleanField(default=False)),
                ('edited', models.BooleanField(default=False)),
                ('text', models.TextField(blank=True)),
                ('note', models.TextField(blank=True)),
                ('decline_reason', models.TextField(blank=True)),
                ('forwarded_count', models.PositiveIntegerField(default=0)),
                ('reminded_at', models.DateTimeField(blank=True, null=True)),
                ('reactions_forwarded', django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), blank=True, default=list, size=None)),
                ('addressed_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('alert', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='relays', to='alerts.alert')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('network', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='areas.network')),
            ],
            options={
                'verbose_name': 'relayed alert',
                'verbose_name_plural': 'relayed alerts',
            },
        ),
        # Nullable, no default: PostgreSQL adds the column without rewriting the outbox.
        migrations.AddField(
            model_name='delivery',
            name='relay',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='alerts.alertrelay'),
        ),
        migrations.AddConstraint(
            model_name='alertrelay',
            constraint=models.UniqueConstraint(fields=('alert', 'network'), name='one_relay_per_network'),
        ),
    ]
