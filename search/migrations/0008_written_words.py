"""The words as written beside the analysed terms (`*_written`: folded, unstemmed, each once), for
ranking a page holding the query's word as written above one holding only another form of it.

Stored documents get them here, from their own stored texts exactly as the indexer writes them
(`search.documents.build_document`), so the database engine ranks with them as soon as the hub is
migrated and reconciliation finds no drift; OpenSearch indices get the new fields from
reconciliation (`search.reconcile`), their documents through its repairs or a rebuild.

Adding columns remakes the table on SQLite, which drops the full-text triggers of migration 0005:
they are created again, and the full-text table rebuilt, after the columns are filled (filling
changes no term, so it needs no trigger).
"""

import importlib

from django.db import migrations, models

FILL_CHUNK = 500
full_text = importlib.import_module("search.migrations.0005_full_text_table")


def fill(apps, schema_editor):
    from search.analysis import written_words

    SearchDocument = apps.get_model("kulturhub_search", "SearchDocument")
    rows = SearchDocument.objects.only("id", "locale", "title", "teaser", "body", "related").order_by("id")
    batch = []
    for row in rows.iterator(chunk_size=FILL_CHUNK):
        row.title_written = written_words(row.title, row.locale)
        row.teaser_written = written_words(row.teaser, row.locale)
        row.body_written = written_words(f"{row.body}\n{row.related}", row.locale)
        batch.append(row)
        if len(batch) >= FILL_CHUNK:
            SearchDocument.objects.bulk_update(batch, ["title_written", "teaser_written", "body_written"])
            batch = []
    SearchDocument.objects.bulk_update(batch, ["title_written", "teaser_written", "body_written"])


def restore_full_text(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for suffix in ("insert", "delete", "update"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {full_text.FULL_TEXT}_{suffix}")
    for sql in full_text.sqlite_triggers():
        schema_editor.execute(sql)
    schema_editor.execute(f"INSERT INTO {full_text.FULL_TEXT} ({full_text.FULL_TEXT}) VALUES ('rebuild')")


class Migration(migrations.Migration):

    dependencies = [
        ("kulturhub_search", "0007_promotions_insights"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_full_text),  # undone last: after the remakes
        migrations.AddField(
            model_name="searchdocument",
            name="title_written",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="teaser_written",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="body_written",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(restore_full_text, migrations.RunPython.noop),
    ]
