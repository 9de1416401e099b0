# Issue 16: the voice and push channels beside SMS and e-mail.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('alerts', '0009_templates_areas_languages'),
    ]

    operations = [
        migrations.AlterField(
            model_name='delivery',
            name='channel',
            field=models.CharField(choices=[('sms', 'SMS'), ('email', 'e-mail'), ('voice', 'voice call'), ('push', 'push notification')], max_length=5),
        ),
    ]
