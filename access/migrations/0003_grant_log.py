"""The grant log: a table, the triggers that write it (access/sql/grant_log.sql), and a first row for every
right already held when the log begins."""

import django.db.models.functions.datetime
from django.db import migrations, models

from core.sql import RunSQLFile

BACKWARD = """
DROP TRIGGER IF EXISTS bin_role_audit ON access_role;
DROP TRIGGER IF EXISTS bin_coordinator_audit ON areas_network_coordinators;
DROP TRIGGER IF EXISTS bin_user_flags_audit ON auth_user;
DROP FUNCTION IF EXISTS bin_role_audit(), bin_coordinator_audit(), bin_user_flags_audit();
DROP FUNCTION IF EXISTS bin_grant_log_write(text, bigint, text, text, bigint, bigint, bigint, text);
"""

# What was held before the log began, so that the log is complete from its first row.
HELD = """
INSERT INTO access_grantlog (at, action, user_id, username, actor_id, actor_name, via, role_kind,
                             network_id, police_zone_id, municipality_id, before)
SELECT now(), 'role_granted', r.user_id, u.username, NULL::bigint, '', 'held when the log began', r.kind,
       r.network_id, r.police_zone_id, r.municipality_id, ''
FROM access_role r JOIN auth_user u ON u.id = r.user_id
UNION ALL
SELECT now(), 'coordinator_added', c.user_id, u.username, NULL::bigint, '', 'held when the log began', '',
       c.network_id, NULL::bigint, NULL::bigint, ''
FROM areas_network_coordinators c JOIN auth_user u ON u.id = c.user_id
UNION ALL
SELECT now(), 'staff_granted', u.id, u.username, NULL::bigint, '', 'held when the log began', '', NULL::bigint, NULL::bigint, NULL::bigint, ''
FROM auth_user u WHERE u.is_staff
UNION ALL
SELECT now(), 'superuser_granted', u.id, u.username, NULL::bigint, '', 'held when the log began', '', NULL::bigint, NULL::bigint, NULL::bigint, ''
FROM auth_user u WHERE u.is_superuser;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0002_tables_of_their_own'),
        ('areas', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='GrantLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), db_index=True, verbose_name='when')),
                ('action', models.CharField(choices=[('coordinator_added', 'coordinator added'), ('coordinator_removed', 'coordinator removed'), ('role_granted', 'role granted'), ('role_changed', 'role changed'), ('role_revoked', 'role revoked'), ('staff_granted', 'staff status granted'), ('staff_revoked', 'staff status revoked'), ('superuser_granted', 'superuser status granted'), ('superuser_revoked', 'superuser status revoked')], max_length=24, verbose_name='what')),
                ('user_id', models.BigIntegerField(db_index=True, verbose_name='account id')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='account')),
                ('actor_id', models.BigIntegerField(blank=True, null=True, verbose_name='changed by (id)')),
                ('actor_name', models.CharField(blank=True, max_length=150, verbose_name='changed by')),
                ('via', models.CharField(blank=True, max_length=60, verbose_name='through')),
                ('role_kind', models.CharField(blank=True, max_length=12, verbose_name='role')),
                ('network_id', models.BigIntegerField(blank=True, null=True, verbose_name='network id')),
                ('police_zone_id', models.BigIntegerField(blank=True, null=True, verbose_name='police zone id')),
                ('municipality_id', models.BigIntegerField(blank=True, null=True, verbose_name='municipality id')),
                ('before', models.CharField(blank=True, max_length=300, verbose_name='before')),
            ],
            options={
                'verbose_name': 'grant log entry',
                'verbose_name_plural': 'grant log',
                'ordering': ['-at', '-id'],
            },
        ),
        migrations.RunSQL(HELD, migrations.RunSQL.noop),
        RunSQLFile("access", "grant_log.sql", reverse_sql=BACKWARD),
    ]
