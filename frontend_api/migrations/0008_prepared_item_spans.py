from django.db import migrations, models


def forget_prepared_items(apps, schema_editor):
    """Rows without spans would be read by parsing them: they are built again (with spans) on the next read
    or publish instead; prepared items are a cache of what the API can always build."""
    apps.get_model("frontend_api", "PreparedItem").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("frontend_api", "0007_prepared_items"),
    ]

    operations = [
        migrations.AddField(
            model_name="prepareditem",
            name="spans",
            field=models.JSONField(null=True),
        ),
        migrations.RunPython(forget_prepared_items, migrations.RunPython.noop, elidable=True),
    ]
