from django.db import migrations, models


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
    ]
