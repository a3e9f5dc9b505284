"""The skeleton every installation needs: one Locale per content language, a home page per locale
with the index page of every registered content type under it, and the default Site pointing at the
home page in the source language."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from plugins.shared import content_types
from plugins.shared.languages import content_languages
from plugins.shared.models import HomePage


def skeleton_strings(language: str, source: str) -> dict[str, str]:
    """Titles and slugs of the index pages in `language`, keyed by their text in the source language."""
    strings = {}
    for descriptor in content_types.all():
        original, translated = descriptor.index_pages.get(source), descriptor.index_pages.get(language)
        if original and translated:
            strings.update({original.title: translated.title, original.slug: translated.slug})
    return strings



def ensure_locales() -> list[Locale]:
    return [Locale.objects.get_or_create(language_code=code)[0] for code in content_languages()]


@transaction.atomic
def ensure_site_structure() -> HomePage:
    """Idempotent: creates what is missing, changes nothing that exists."""
    ensure_locales()
    source_locale = Locale.get_default()
    root = Page.get_first_root_node()
    if root is None:  # a flushed database (transactional tests): Wagtail's tree root is gone too
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=source_locale))
    home = HomePage.objects.filter(locale=source_locale).first()
    if home is None:
        home = root.add_child(
            instance=HomePage(title="Kulturhub", slug=source_locale.language_code, locale=source_locale)
        )
        # Wagtail's placeholder welcome page is replaced by the hub's home page.
        for welcome in root.get_children().exclude(pk=home.pk).filter(content_type__model="page"):
            Site.objects.filter(root_page=welcome).update(root_page=home)
            welcome.delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname=settings.SITE_HOSTNAME, port=settings.SITE_PORT, root_page=home,
                            is_default_site=True, site_name="Kulturhub")
    else:
        placeholder = site.hostname == "localhost" and site.port == 80 and site.site_name != "Kulturhub"
        if placeholder:  # the site Wagtail's initial migration made
            site.hostname, site.port, site.site_name = settings.SITE_HOSTNAME, settings.SITE_PORT, "Kulturhub"
        if placeholder or site.root_page_id != home.pk:
            site.root_page = home
            site.save()

    for descriptor in content_types.all():
        model = descriptor.index_model
        if not model.objects.filter(locale=source_locale).exists():
            names = descriptor.index_pages.get(source_locale.language_code) or next(
                iter(descriptor.index_pages.values())
            )
            home.add_child(instance=model(title=names.title, slug=names.slug, locale=source_locale))

    translate_tree(home)
    return home


def translate_tree(home: HomePage) -> None:
    """Gives every other content language a translated home and index pages through wagtail-localize."""
    from plugins.shared.translation import merge, plain_pair, translate_with_strings

    targets = [loc for loc in Locale.objects.exclude(pk=home.locale_id)
               if loc.language_code in content_languages()]
    pages = [home, *home.get_children().specific()]
    for locale in targets:
        words = {home.slug: locale.language_code,
                 **skeleton_strings(locale.language_code, home.locale.language_code)}
        strings = merge(plain_pair(source, target) for source, target in words.items())
        for page in pages:
            if not page.has_translation(locale):
                translate_with_strings(page, locale, strings, confirm_rest=True)  # "Kulturhub" stays
        keys = [p.translation_key for p in pages]
        # wagtail-localize publishes on commit, from revisions that may carry the stale count: repair after that.
        transaction.on_commit(
            lambda locale=locale, keys=keys: repair_child_counts(Page.objects.filter(locale=locale,
                                                                                     translation_key__in=keys))
        )


def repair_child_counts(pages) -> None:
    """wagtail-localize can leave a translated parent's cached child count stale when its children are
    translated right after it; routing then treats the parent as a leaf."""
    for page in pages:
        actual = Page.objects.filter(path__startswith=page.path, depth=page.depth + 1).count()
        Page.objects.filter(pk=page.pk).exclude(numchild=actual).update(numchild=actual)
