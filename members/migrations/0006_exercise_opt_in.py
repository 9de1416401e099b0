# Exercise mode (helper "approval", issue 14): members opt in to the police's exercise alerts.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('members', '0005_member_link_version_membership_invitation'),
    ]

    operations = [
        migrations.AddField(
            model_name='member',
            name='exercise_opt_in',
            field=models.BooleanField(
                default=False,
                help_text="Also receive the police's exercise alerts (each one marked as an exercise).",
                verbose_name='receive exercises',
            ),
        ),
    ]
