# Placeholder of helper "approval" (issue 14): its operations go here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('members', '0005_member_link_version_membership_invitation'),
    ]

    operations = []
