"""The moved tables take this app's names; content types (and with them admin history and permissions)
follow the models."""

from django.db import migrations


def content_types_follow(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("role", "accesslog"):
        # A fresh database may already hold the target rows (post_migrate of an earlier run): keep one.
        if ContentType.objects.filter(app_label=source, model=model).exists():
            ContentType.objects.filter(app_label=target, model=model).delete()
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("members", "0004_roles_move_to_access"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="role", table=None),
        migrations.AlterModelTable(name="accesslog", table=None),
        migrations.RunPython(
            lambda apps, se: content_types_follow(apps, se, source="members", target="access"),
            lambda apps, se: content_types_follow(apps, se, source="access", target="members"),
        ),
    ]
