# Helper "followups" (issue 14): the outcome category of the closing message, and the closing reminder.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('alerts', '0006_delivery_receipts'),
    ]

    operations = [
        migrations.AddField(
            model_name='alert',
            name='outcome_category',
            field=models.CharField(
                blank=True,
                choices=[
                    ('caught', 'suspect caught'),
                    ('found', 'person or object found'),
                    ('false_alarm', 'false alarm'),
                    ('ongoing', 'investigation ongoing'),
                    ('other', 'other outcome'),
                ],
                default='',
                max_length=12,
                verbose_name='outcome category',
            ),
        ),
        migrations.AddField(
            model_name='alert',
            name='closing_reminded_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='alert',
            name='closing_reminders',
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
