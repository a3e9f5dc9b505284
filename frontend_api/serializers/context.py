"""Everything an answer needs besides its pages, loaded in a constant number of queries.

Serializing is two-phase: first every page announces what it will show (related snippets, linked
pages, documents, its translations), then `resolve()` loads all of it in one query per kind, then
the item functions read from the loaded maps. The number of queries does not grow with the page
size.

Links from pages to snippets are synchronised across translations (an English page links the German
topic), so snippets are answered through their translation in the answer's locale when one exists.
Links to other pages (related pages, rich-text links, page choosers) resolve to the linked page's
translation in the answer's locale, else the linked page itself -- and only when the partner may see it.
Pages count only in their honest versions (plugins.shared.selectors.honest): an unfinished translation
is never linked, listed as a translation, or answered as its language.
"""

from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from wagtail.documents import get_document_model
from wagtail.models import Page, TranslatableMixin

from frontend_api import registry
from plugins.shared.models import ContactPerson, PageContact, PageRegion, PageTopic, Partner, Region, Topic
from plugins.shared.selectors import presentable, translation_outdated_ids

LINK_TABLES = {
    # field of the answer -> (link model, its snippet foreign key, snippet model)
    "topics": (PageTopic, "topic", Topic),
    "regions": (PageRegion, "region", Region),
    "contacts": (PageContact, "contact", ContactPerson),
}


def concrete(obj: Model) -> type[Model]:
    return obj._meta.concrete_model


class SerializationContext:
    def __init__(self, request, partner: Partner, locale: str):
        self.request = request
        self.partner = partner
        self.locale = locale
        # A detail sets it (its answer's locale is the page's own); list items are fallbacks when their
        # locale is not the requested one.
        self.fallback: bool | None = None
        self.relations_in_memory = False  # a preview: the pages are revisions, their links not in the tables
        self.base_url = request.build_absolute_uri("/")[:-1]
        self._wanted_snippets: dict[type[Model], set[int]] = defaultdict(set)
        self._snippets: dict[tuple[type[Model], int], Model | None] = {}
        self._links: dict[str, dict[int, list[int]]] = {name: defaultdict(list) for name in LINK_TABLES}
        self._wanted_pages: dict[int, Any] = {}  # pk -> translation_key (None until looked up)
        self._page_refs: dict[int, dict | None] = {}
        self._wanted_documents: set[int] = set()
        self._documents: dict[int, Any] = {}
        self._translation_pages: list[Page] = []
        self._translations: dict[Any, list[dict]] = {}
        self._state_pages: list[Page] = []
        self._outdated: set[int] = set()
        self._site_cache = request  # Wagtail caches the site root paths on this object

    # -- phase 1: announce -------------------------------------------------------------------------
    def want_snippet(self, obj: Model | None) -> None:
        if obj is not None:
            self._wanted_snippets[concrete(obj)].add(obj.pk)

    def want_links(self, pages: list[Page], names: list[str]) -> None:
        """The pages' topics and regions, read from the link tables directly (one light query each)
        rather than through Django's prefetch machinery."""
        if self.relations_in_memory:
            self._want_links_in_memory(pages, names)
            return
        ids = [page.pk for page in pages]
        if not ids:
            return
        for name in names:
            link_model, field, snippet_model = LINK_TABLES[name]
            rows = (link_model.objects.filter(page_id__in=ids).order_by("sort_order", "pk")
                    .values_list("page_id", f"{field}_id"))
            for page_id, pk in rows:
                self._links[name][page_id].append(pk)
                self._wanted_snippets[snippet_model].add(pk)

    def _want_links_in_memory(self, pages: list[Page], names: list[str]) -> None:
        """The links as the pages' own child relations hold them (modelcluster restores them from a
        revision), in the editor's order."""
        for name in names:
            link_model, field, snippet_model = LINK_TABLES[name]
            accessor = link_model._meta.get_field("page").remote_field.get_accessor_name()
            for page in pages:
                links = sorted(getattr(page, accessor).all(), key=lambda link: link.sort_order or 0)
                for link in links:
                    pk = getattr(link, f"{field}_id")
                    if pk is not None:
                        self._links[name][page.pk].append(pk)
                        self._wanted_snippets[snippet_model].add(pk)

    def want_page(self, page: Page | int | None) -> None:
        if page is None:
            return
        if isinstance(page, Page):
            self._wanted_pages[page.pk] = page.translation_key
        else:
            self._wanted_pages.setdefault(int(page), None)

    def want_document(self, pk: int | None) -> None:
        if pk is not None:
            self._wanted_documents.add(int(pk))

    def want_translations(self, pages: list[Page]) -> None:
        self._translation_pages += pages

    def want_translation_state(self, pages: list[Page]) -> None:
        self._state_pages += pages

    # -- phase 2: load ----------------------------------------------------------------------------
    def resolve(self) -> None:
        self._resolve_snippets()
        self._resolve_pages()
        self._resolve_documents()
        self._resolve_translations()
        if self._state_pages:
            self._outdated = translation_outdated_ids(page.pk for page in self._state_pages)

    def _resolve_snippets(self) -> None:
        """One query per snippet model and round, loading every language version of the wanted snippets;
        a round follows the loaded snippets' links to other translatable snippets (contact ->
        organisation -> region), so there are at most a few rounds."""
        while True:
            pending = {model: {pk for pk in pks if (model, pk) not in self._snippets}
                       for model, pks in self._wanted_snippets.items()}
            pending = {model: pks for model, pks in pending.items() if pks}
            if not pending:
                return
            for model, pks in pending.items():
                related = [f for f in model._meta.concrete_fields if f.many_to_one and f.name != "locale"]
                # Linked snippets are loaded (and localized) in the next round; others (images, the parent
                # region whose slug is shown) come along in this query.
                follow = [f for f in related
                          if f.related_model is not model and issubclass(f.related_model, TranslatableMixin)]
                joined = [f.name for f in related if f not in follow]
                keys = model.objects.filter(pk__in=pks).values("translation_key")
                candidates = model.objects.filter(translation_key__in=keys).select_related("locale", *joined)
                loaded: dict[int, Model] = {}
                localized: dict[Any, Model] = {}
                for candidate in candidates:
                    loaded[candidate.pk] = candidate
                    if candidate.locale.language_code == self.locale:
                        localized[candidate.translation_key] = candidate
                for pk in pks:
                    original = loaded.get(pk)
                    chosen = None
                    if original is not None:
                        chosen = localized.get(original.translation_key, original)
                    self._snippets[(model, pk)] = chosen
                    for field in follow:
                        linked = getattr(chosen, field.attname, None) if chosen is not None else None
                        if linked:
                            self._wanted_snippets[field.related_model].add(linked)

    def _resolve_pages(self) -> None:
        if not self._wanted_pages:
            return
        unknown = [pk for pk, key in self._wanted_pages.items() if key is None]
        if unknown:
            for pk, key in Page.objects.filter(pk__in=unknown).values_list("pk", "translation_key"):
                self._wanted_pages[pk] = key
        keys = {key for key in self._wanted_pages.values() if key is not None}
        visible = presentable(self.partner).filter(translation_key__in=keys).select_related("locale")
        by_key: dict[Any, dict[str, Page]] = defaultdict(dict)
        by_pk: dict[int, Page] = {}
        for page in visible:
            by_key[page.translation_key][page.locale.language_code] = page
            by_pk[page.pk] = page
        for pk, key in self._wanted_pages.items():
            versions = by_key.get(key, {})
            # a link to an unfinished translation leads to the earliest version the partner may see
            earliest = min(versions.values(), key=lambda version: version.pk, default=None)
            target = versions.get(self.locale) or by_pk.get(pk) or earliest
            self._page_refs[pk] = self._reference(target) if target is not None else None

    def _reference(self, page: Page) -> dict | None:
        api = registry.for_model(ContentType.objects.get_for_id(page.content_type_id).model_class())
        if api is None:
            return None  # index pages and other pages the API does not serve
        return {
            "type": api.name,
            "id": page.pk,
            "locale": page.locale.language_code,
            "title": page.title,
            "url": page.get_full_url(self._site_cache),
            "api_url": self.api_url(api.name, page.pk),
        }

    def _resolve_documents(self) -> None:
        if self._wanted_documents:
            documents = get_document_model().objects.filter(pk__in=self._wanted_documents)
            self._documents = {document.pk: document for document in documents}

    def _resolve_translations(self) -> None:
        pages = self._translation_pages
        if not pages:
            return
        keys = {page.translation_key for page in pages}
        rows = (
            presentable(self.partner).filter(translation_key__in=keys)
            .values_list("pk", "translation_key", "locale__language_code")
            .order_by("locale__language_code", "pk")
        )
        found: dict[Any, list[tuple[int, str]]] = defaultdict(list)
        for pk, key, code in rows:
            found[key].append((pk, code))
        for page in pages:
            self._translations[page.pk] = [
                {"locale": code, "id": pk}
                for pk, code in found.get(page.translation_key, [])
                if pk != page.pk
            ]

    # -- phase 3: read ----------------------------------------------------------------------------
    def linked_translation_keys(self) -> set:
        """After `resolve()`: the translation groups of the pages the answer links to."""
        return {key for key in self._wanted_pages.values() if key is not None}

    def snippet(self, obj: Model | None) -> Model | None:
        """`obj` in the answer's language (announced with want_snippet); `obj` itself if not loaded."""
        if obj is None:
            return None
        return self._snippets.get((concrete(obj), obj.pk), obj)

    def snippet_by_pk(self, model: type[Model], pk: int | None) -> Model | None:
        return self._snippets.get((model, pk)) if pk else None

    def linked(self, page: Page, name: str) -> list[Model]:
        """The page's topics, regions or contacts (announced with want_links), in the answer's language."""
        snippet_model = LINK_TABLES[name][2]
        found = (self._snippets.get((snippet_model, pk)) for pk in self._links[name].get(page.pk, []))
        return [snippet for snippet in found if snippet is not None]

    def page_ref(self, page: Page | int | None) -> dict | None:
        if page is None:
            return None
        pk = page.pk if isinstance(page, Page) else int(page)
        return self._page_refs.get(pk)

    def document(self, pk: int) -> Any | None:
        return self._documents.get(int(pk))

    def translations(self, page: Page) -> list[dict]:
        return self._translations.get(page.pk, [])

    def is_fallback(self, page: Page) -> bool:
        if self.fallback is not None:
            return self.fallback
        return page.locale.language_code != self.locale

    def translation_outdated(self, page: Page) -> bool:
        return page.pk in self._outdated

    def absolute(self, path: str) -> str:
        return self.base_url + path if path.startswith("/") else self.request.build_absolute_uri(path)

    def api_url(self, type_name: str, pk: int) -> str | None:
        try:
            return self.absolute(reverse(f"frontend_api:{type_name}-detail", args=[pk]))
        except NoReverseMatch:
            return None

    def full_url(self, page: Page) -> str | None:
        return page.get_full_url(self._site_cache)
