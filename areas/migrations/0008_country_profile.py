# Helper "profile" (issue 17): Municipality.nis_code also holds a Dutch CBS gemeentecode ("GM0363", 6 chars).
from django.db import migrations, models

import core.country


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0007_relay_networks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="municipality",
            name="nis_code",
            field=models.CharField(
                help_text="NIS code in Belgium (23027), CBS code in the Netherlands (GM0363).",
                max_length=6,
                unique=True,
                validators=[core.country.validate_municipality_code],
                verbose_name="municipality code",
            ),
        ),
    ]
