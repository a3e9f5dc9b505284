"""The hub's own full-text index of its search documents, per field (title, teaser, body, suggest),
kept current by the database itself on every insert, update and delete of a `SearchDocument` row.

- SQLite: an FTS5 table with the document table as external content (no copy of the texts), the
  row id being the document id, and triggers that add and remove a document's terms.
- PostgreSQL: one generated tsvector column per field (`'simple'` configuration: the terms are
  analysed in Python already), each with a GIN index (without pending list) and without planner
  statistics (see below).

Also a narrow index over the columns a search filters and counts facets by, so SQLite reads those
without loading the wide document row.

Trap: Django remakes a SQLite table for most column changes (new table, copy, drop, rename); that
drops the triggers below. A later migration changing `SearchDocument` on SQLite must create them
again (`sqlite_triggers`) and rebuild the FTS table (the tests in test_database_engine.py notice).
"""

from django.db import migrations, models

DOCUMENTS = "kulturhub_search_searchdocument"
FULL_TEXT = "kulturhub_search_fulltext"
FIELDS = ("title_terms", "teaser_terms", "body_terms", "suggest")


def sqlite_triggers() -> list[str]:
    columns = ", ".join(FIELDS)
    new = ", ".join(f"new.{name}" for name in FIELDS)
    old = ", ".join(f"old.{name}" for name in FIELDS)
    remove = f"INSERT INTO {FULL_TEXT} ({FULL_TEXT}, rowid, {columns}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {FULL_TEXT} (rowid, {columns}) VALUES (new.id, {new});"
    return [
        f"CREATE TRIGGER {FULL_TEXT}_insert AFTER INSERT ON {DOCUMENTS} BEGIN {add} END",
        f"CREATE TRIGGER {FULL_TEXT}_delete AFTER DELETE ON {DOCUMENTS} BEGIN {remove} END",
        f"CREATE TRIGGER {FULL_TEXT}_update AFTER UPDATE ON {DOCUMENTS} BEGIN {remove} {add} END",
    ]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FULL_TEXT} USING fts5({', '.join(FIELDS)}, content='{DOCUMENTS}', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
        )
        schema_editor.execute(f"INSERT INTO {FULL_TEXT} ({FULL_TEXT}) VALUES ('rebuild')")
        for sql in sqlite_triggers():
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        for name in FIELDS:
            vector = name.removesuffix("_terms") + "_vector"
            schema_editor.execute(
                f"ALTER TABLE {DOCUMENTS} ADD COLUMN {vector} tsvector "
                f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {name})) STORED"
            )
            # No statistics: with them the planner reads every row for a common word and tests its
            # tsvectors (unpacking every long body) instead of taking the GIN index, several times slower;
            # without, it takes the index. No pending list: a search right after a rebuild must not
            # scan thousands of unsorted entries.
            schema_editor.execute(f"ALTER TABLE {DOCUMENTS} ALTER COLUMN {vector} SET STATISTICS 0")
            schema_editor.execute(
                f"CREATE INDEX {DOCUMENTS}_{vector} ON {DOCUMENTS} USING gin ({vector}) WITH (fastupdate = off)"
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for suffix in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FULL_TEXT}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FULL_TEXT}")
    elif vendor == "postgresql":
        for name in FIELDS:
            schema_editor.execute(f"ALTER TABLE {DOCUMENTS} DROP COLUMN IF EXISTS {name.removesuffix('_terms')}_vector")


class Migration(migrations.Migration):

    dependencies = [
        ("kulturhub_search", "0004_search_term"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                fields=["id", "locale", "type", "year", "last_published_at", "date_start", "date_end"],
                name="search_doc_filter",
            ),
        ),
        migrations.RunPython(create, drop),
    ]
