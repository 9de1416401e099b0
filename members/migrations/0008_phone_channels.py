# Issue 16 (helper "phone"): urgent alerts by phone call, and leaving SMS alerts with a STOP reply.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_member_addresses"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="voice_calls",
            field=models.BooleanField(default=False, verbose_name="urgent alerts by phone call"),
        ),
        migrations.AddField(
            model_name="member",
            name="sms_opt_out",
            field=models.BooleanField(default=False, verbose_name="left SMS alerts"),
        ),
    ]
