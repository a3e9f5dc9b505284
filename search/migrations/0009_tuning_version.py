from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("kulturhub_search", "0008_written_words"),
    ]

    operations = [
        migrations.CreateModel(
            name="TuningVersion",
            fields=[
                ("key", models.CharField(max_length=32, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
                ("changed_at", models.DateTimeField()),
            ],
            options={"verbose_name": "Search tuning version"},
        ),
        migrations.AlterField(
            model_name="searchsynonym",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="Last changed"),
        ),
    ]
