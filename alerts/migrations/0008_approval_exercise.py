# Four-eyes approval per police zone and exercise mode (helper "approval", issue 14): the zone's policy, the
# alert's approval and exercise fields, its append-only history and the trigger that keeps it so
# (alerts/sql/alert_event_immutable.sql).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.sql import RunSQLFile

BACKWARD = """
DROP TRIGGER IF EXISTS bin_alert_event_immutable ON alerts_alertevent;
DROP FUNCTION IF EXISTS bin_alert_event_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [
        ('alerts', '0007_followups'),
        ('areas', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='alert',
            name='approved_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='approved'),
        ),
        migrations.AddField(
            model_name='alert',
            name='approved_by',
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name='+',
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name='alert',
            name='exercise',
            field=models.BooleanField(default=False, verbose_name='exercise'),
        ),
        migrations.AlterField(
            model_name='alert',
            name='status',
            field=models.CharField(
                choices=[
                    ('draft', 'draft'),
                    ('pending', 'pending approval'),
                    ('returned', 'returned for changes'),
                    ('sent', 'sent'),
                    ('cancelled', 'cancelled'),
                ],
                default='draft',
                max_length=10,
                verbose_name='status',
            ),
        ),
        migrations.CreateModel(
            name='ZoneAlertPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                (
                    'four_eyes',
                    models.BooleanField(
                        default=False,
                        help_text=(
                            'An alert goes out only once another police officer of the zone has approved it; '
                            'its author cannot approve it.'
                        ),
                        verbose_name='four-eyes approval',
                    ),
                ),
                ('updated', models.DateTimeField(auto_now=True)),
                (
                    'police_zone',
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name='alert_policy',
                        to='areas.policezone',
                        verbose_name='police zone',
                    ),
                ),
            ],
            options={
                'verbose_name': 'alert policy of a police zone',
                'verbose_name_plural': 'alert policies of police zones',
            },
        ),
        migrations.CreateModel(
            name='AlertEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='when')),
                ('user_id', models.BigIntegerField(blank=True, null=True, verbose_name='account id')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='who')),
                (
                    'action',
                    models.CharField(
                        choices=[
                            ('created', 'created'),
                            ('edited', 'edited'),
                            ('submitted', 'submitted for approval'),
                            ('approved', 'approved'),
                            ('returned', 'returned for changes'),
                            ('sent', 'sent'),
                        ],
                        max_length=12,
                        verbose_name='what',
                    ),
                ),
                ('status_from', models.CharField(blank=True, max_length=10, verbose_name='status before')),
                ('status_to', models.CharField(blank=True, max_length=10, verbose_name='status after')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('changes', models.JSONField(blank=True, default=dict, verbose_name='changes')),
                (
                    'alert',
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name='events', to='alerts.alert'
                    ),
                ),
            ],
            options={
                'verbose_name': 'alert history entry',
                'verbose_name_plural': 'alert history',
                'ordering': ['at', 'pk'],
                'indexes': [models.Index(fields=['alert', 'at'], name='alerts_aler_alert_i_40e9dc_idx')],
            },
        ),
        RunSQLFile('alerts', 'alert_event_immutable.sql', reverse_sql=BACKWARD),
    ]
