"""Records the translation state of translations that were published before the state existed.

Without it, a hub upgraded from the version that published new translations at once (German text
under an English label) would keep presenting those as English until each one is republished: pages
without a state row count as written in their own language. Uses the running code's
`record_publication` (the same rule as on publish); a database without live translations has nothing
to do."""

from django.db import migrations


def backfill(apps, schema_editor):
    from wagtail.models import Page
    from wagtail_localize.models import Translation

    from plugins.shared.translation import record_publication

    targets = Translation.objects.filter(enabled=True).values_list("source__object_id", "target_locale_id")
    for translation_key, locale_id in targets.iterator():
        page = Page.objects.filter(translation_key=translation_key, locale_id=locale_id, live=True).first()
        if page is not None:
            record_publication(page)


class Migration(migrations.Migration):
    dependencies = [
        ("shared", "0005_partner_preview_url"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
