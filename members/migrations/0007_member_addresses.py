# Issue 16 (helper "addresses"): up to five addresses per member, each with its own membership and channels.
# The member's own address stays on Member (no data to copy): MemberAddress holds the further ones.
import django.contrib.gis.db.models.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('streets', '0002_street_search'),
        ('members', '0006_exercise_opt_in'),
    ]

    operations = [
        migrations.CreateModel(
            name='MemberAddress',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(choices=[('home', 'home'), ('parents', 'parents'), ('shop', 'shop or work'), ('other', 'other')], default='other', max_length=10, verbose_name='what address')),
                ('label_text', models.CharField(blank=True, max_length=60, verbose_name='name')),
                ('address_text', models.CharField(max_length=300, verbose_name='address')),
                ('point', django.contrib.gis.db.models.fields.PointField(srid=settings.BIN_STORAGE_SRID, verbose_name='position')),
                ('address_unverified', models.BooleanField(default=False, verbose_name='address not in the register')),
                ('sms', models.BooleanField(default=True, verbose_name='SMS')),
                ('email', models.BooleanField(default=True, verbose_name='e-mail')),
                ('voice', models.BooleanField(default=True, verbose_name='voice call')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('address', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='streets.address', verbose_name='register address')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='addresses', to='members.member')),
            ],
            options={
                'verbose_name': 'further address',
                'verbose_name_plural': 'further addresses',
                'ordering': ['created', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='membership',
            name='member_address',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='members.memberaddress', verbose_name='for the address'),
        ),
    ]
