# Placeholder of helper "phone" (issue 16): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('alerts', '0010_channels_voice_push'),
    ]

    operations = []
