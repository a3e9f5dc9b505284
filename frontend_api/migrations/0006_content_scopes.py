import django.utils.timezone
from django.db import migrations, models


def first_global_version(apps, schema_editor):
    ContentScope = apps.get_model("frontend_api", "ContentScope")
    ContentScope.objects.get_or_create(
        scope="global", defaults={"version": 1, "changed_at": django.utils.timezone.now()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("frontend_api", "0005_i18n_labels"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentScope",
            fields=[
                ("scope", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
                ("changed_at", models.DateTimeField()),
            ],
            options={"verbose_name": "API content version"},
        ),
        migrations.RunPython(first_global_version, migrations.RunPython.noop),
        migrations.DeleteModel(name="ContentVersion"),
    ]
