"""Items prepared ahead of the request: what makes a cold list or detail cheap.

A cold answer (not in the server-side cache) used to load its pages, their snippets, links, translations and
documents and serialize them: 7 queries for a list, 11 for a detail. Now an item is serialized once -- when
its page is published (a task, see tasks.py) or, when that has not happened or is out of date, by the first
request that needs it -- and stored as a PreparedItem; a cold answer then costs
- detail: one read of the prepared details of the page's translation group, and one visibility query (which
  of the pages the item can show the key may see: its translations, the pages it links to, in one query);
- list: the query for the page of ids (unchanged: the partner's visibility, filters, order, total), one read
  of their prepared items, and the same one visibility query for all of them.
Constant in the page size.

What depends on the partner is decided at read time from that visibility query: which page of the group a
detail answers (the requested locale, else a fallback) and its `fallback` flag. What an item shows of other
pages (its `translations`, its links to pages, which translation of a linked page) depends on which of those
pages the partner may see; an item is prepared per *visibility signature* -- the set of those pages the
reader may see -- so two partners who see the same pages read the same row, and a partner who may not see a
page never reads an item built for one who may (no leak through links or translations). Most pages are
shared with every partner and have one signature. Absolute URLs depend on the request's scheme and host:
rows are kept per base URL.

An item is current while the versions of the content scopes it depends on (the global one: snippets,
images, documents, partners, sites; the page's own: its publication, its translation group, the pages it
links to, their sharing and restrictions -- see caching.py) and the type's clock token (funding status turns
at midnight) are those it was built at; the versions are read before building, so a change that commits while
an item is built leaves the item stale, never wrong. A stale or missing item is built on the spot and stored.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import connection
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import HttpRequest
from django.utils import timezone
from wagtail.models import Page

from frontend_api.caching import global_scope, page_scope, render_json
from frontend_api.errors import NotFound
from frontend_api.models import ContentScope, PreparedItem
from frontend_api.registry import ContentTypeAPI
from frontend_api.serializers.context import SerializationContext
from frontend_api.serializers.items import item_data, prepare
from plugins.shared.visibility import Facts, visibility_facts

LIST, DETAIL = PreparedItem.Kind.LIST, PreparedItem.Kind.DETAIL


def base_url(request) -> str:
    return request.build_absolute_uri("/")[:-1]


def clock_token(api: ContentTypeAPI) -> str:
    """The type's clock token for an item (not a list's filters): items change with it (funding status)."""
    return api.clock({}, timezone.now())[0] or ""


def signature(pks: Iterable[int]) -> str:
    return hashlib.blake2b(repr(sorted(pks)).encode(), digest_size=16).hexdigest()


def presentable(facts: dict[int, Facts]) -> set[int]:
    return {pk for pk, fact in facts.items() if fact.visible and fact.honest}


def candidates(row: PreparedItem) -> set[int]:
    """The pages whose visibility decides what `row` shows."""
    return {pk for pk, _code in row.group} | set(row.linked)


def row_signature(row: PreparedItem, visible: set[int]) -> str:
    return signature(candidates(row) & visible)


def current_rows(kind: str, base: str, **lookup) -> list[PreparedItem]:
    """Prepared rows matching `lookup`, each with the current versions of its scopes (one query)."""
    scope_key = Concat(Value("page:"), Cast(OuterRef("page_id"), CharField()), output_field=CharField())
    return list(
        PreparedItem.objects.filter(kind=kind, base_url=base, **lookup)
        .annotate(
            current_global=Coalesce(
                Subquery(ContentScope.objects.filter(scope=global_scope()).values("version")[:1]), 0
            ),
            current_page=Coalesce(Subquery(ContentScope.objects.filter(scope=scope_key).values("version")[:1]), 0),
        )
        .defer("built_at")
    )


def is_current(row: PreparedItem, clock: str) -> bool:
    return row.global_version == row.current_global and row.page_version == row.current_page and row.clock == clock


def stamps(page_ids: Iterable[int]) -> tuple[int, dict[int, int]]:
    """The global version and each page's scope version now: read before an item is built."""
    page_ids = list(page_ids)
    scopes = [global_scope(), *(page_scope(pk) for pk in page_ids)]
    versions = dict(ContentScope.objects.filter(scope__in=scopes).values_list("scope", "version"))
    return versions.get(global_scope(), 0), {pk: versions.get(page_scope(pk), 0) for pk in page_ids}


def store(api: ContentTypeAPI, kind: str, locale: str | None, base: str, pages: list, context, datas: list[dict],
          versions: tuple[int, dict[int, int]], clock: str, facts: dict[int, Facts] | None = None,
          ) -> tuple[list[PreparedItem], dict[int, Facts]]:
    """Stores the items just built for `pages` (serialized with `context`) and returns their rows and the
    visibility facts of their candidates for the context's partner (two queries, a third for `facts`
    not given, and the writes)."""
    keys = {page.translation_key for page in pages} | context.linked_translation_keys()
    members = list(Page.objects.filter(translation_key__in=keys).order_by("pk")
                   .values_list("pk", "translation_key", "locale__language_code", "live"))
    groups: dict[Any, list[list]] = defaultdict(list)
    for pk, key, code, _live in members:
        groups[key].append([pk, code])
    linked_keys = context.linked_translation_keys()
    # Which page an item links to is known per answer, not per page: in a list every item counts every link
    # of the answer (more signatures at worst, never a wrong one); a detail is one page.
    linked = sorted(pk for pk, key, _code, live in members if live and key in linked_keys)
    all_candidates = {pk for pk, *_rest in members}
    if facts is None or not all_candidates <= set(facts):
        facts = {**(facts or {}), **visibility_facts(all_candidates, context.partner)}
    visible = presentable(facts)
    global_version, page_versions = versions
    rows = []
    for page, data in zip(pages, datas, strict=True):
        row = PreparedItem(
            page_id=page.pk, translation_key=page.translation_key, kind=kind,
            locale=locale or page.locale.language_code, base_url=base,
            group=groups.get(page.translation_key) or [[page.pk, page.locale.language_code]], linked=linked,
            data=render_json(data).decode(), global_version=global_version, page_version=page_versions[page.pk],
            clock=clock,
        )
        row.signature = row_signature(row, visible)
        rows.append(row)
    if rows:
        # Out-of-date rows of the same items (any signature) go; then the new ones are written.
        stale = Q(pk__in=[])
        for row in rows:
            stale |= Q(page_id=row.page_id, kind=kind, locale=row.locale, base_url=base) & ~Q(
                global_version=global_version, page_version=row.page_version, clock=clock)
        PreparedItem.objects.filter(stale).delete()
        conflict = {"unique_fields": ["page", "kind", "locale", "base_url", "signature"]}
        if not connection.features.supports_update_conflicts_with_target:
            conflict = {}
        PreparedItem.objects.bulk_create(
            rows, update_conflicts=True,
            update_fields=["translation_key", "group", "linked", "data", "global_version", "page_version", "clock",
                           "built_at"],
            **conflict,
        )
    return rows, facts


def build_list_items(api: ContentTypeAPI, request, partner, locale: str, page_ids: list[int]) -> dict[int, dict]:
    """Builds the list items of `page_ids` in `locale` the way an answer always did, and stores them."""
    versions = stamps(page_ids)
    queryset = api.list_queryset(partner=partner, locale=None)
    pages = list(queryset.filter(pk__in=page_ids).order_by())
    context = SerializationContext(request, partner, locale)
    prepare(api, pages, context, detail=False, wanted=None)
    datas = [item_data(api, page, context, detail=False, wanted=None) for page in pages]
    store(api, LIST, locale, base_url(request), pages, context, datas, versions, clock_token(api))
    return {page.pk: data for page, data in zip(pages, datas, strict=True)}


def list_items(api: ContentTypeAPI, request, partner, locale: str, page_ids: list[int]) -> list[dict]:
    """The list items of `page_ids` (already selected for the partner) in `locale`, in that order; an id
    whose page is gone by now is left out (as before). Two queries when all are prepared."""
    base, clock = base_url(request), clock_token(api)
    by_page: dict[int, list[PreparedItem]] = defaultdict(list)
    for row in current_rows(LIST, base, locale=locale, page_id__in=page_ids):
        if is_current(row, clock):
            by_page[row.page_id].append(row)
    found: dict[int, dict] = {}
    wanted = set().union(*(candidates(row) for rows in by_page.values() for row in rows))
    if wanted:
        visible = presentable(visibility_facts(wanted, partner))
        for pk, rows in by_page.items():
            for row in rows:
                if row.signature == row_signature(row, visible):
                    found[pk] = json.loads(row.data)
                    break
    missing = [pk for pk in page_ids if pk not in found]
    if missing:
        found.update(build_list_items(api, request, partner, locale, missing))
    return [found[pk] for pk in page_ids if pk in found]


def choose(pk: int, requested: str | None, group: list[list], facts: dict[int, Facts]) -> tuple[int, bool] | None:
    """The page a detail of `pk` answers and whether as a fallback (None: none the key may see): `pk`
    itself, or with `locale` its honest translation in that locale when the key may see one; otherwise `pk`
    itself as a fallback, or, when `pk` is an unfinished translation the key may see, its source (the
    group's earliest version) when the key may see that."""
    visible = presentable(facts)
    if requested is None and pk in visible:
        return pk, False
    rows = {}
    for member, code in sorted(group, key=lambda entry: -entry[0]):  # so the earliest per locale wins
        if member in visible:
            rows[code] = member
    honest_pk = pk in rows.values()
    if requested in rows:
        return rows[requested], False
    if honest_pk:
        return pk, True
    fact = facts.get(pk)
    if rows and fact is not None and fact.visible:
        source = min(member for member, _code in group)
        if source in rows.values():
            return source, True
    return None


@dataclass
class Detail:
    data: dict
    shared_with_some: bool  # a page it can show is shared with particular partners


def detail(api: ContentTypeAPI, request, partner, pk: int, requested: str | None,
           full_build: Callable[[], tuple[Any, bool, SerializationContext, dict]]) -> Detail:
    """The detail of `pk` for the partner (see `choose`). `full_build` answers the way it always did when
    nothing usable is prepared yet: (page, fallback, context, data) or NotFound."""
    base, clock = base_url(request), clock_token(api)
    translation_key = Page.objects.filter(pk=pk).values("translation_key")[:1]
    rows = [row for row in current_rows(DETAIL, base, translation_key=Subquery(translation_key))
            if is_current(row, clock)]
    group = next((row.group for row in rows if any(member == pk for member, _code in row.group)), None)
    if group is None:
        return built_detail(api, request, partner, pk, base, clock, full_build)
    wanted = {member for member, _code in group}.union(*(candidates(row) for row in rows))
    facts = visibility_facts(wanted, partner)
    chosen = choose(pk, requested, group, facts)
    if chosen is None:
        raise NotFound(f"No {api.name} item with id {pk} is visible to this key.")
    target, fallback = chosen
    visible = presentable(facts)
    for row in rows:
        if row.page_id == target and row.signature == row_signature(row, visible):
            data = json.loads(row.data)
            data["fallback"] = fallback
            return Detail(data, any(facts[c].shared_with_some for c in candidates(row) if c in facts))

    def build_target():
        page = api.queryset(partner=partner, locale=None).filter(pk=target).first()
        if page is None:  # changed since the visibility query
            raise NotFound(f"No {api.name} item with id {pk} is visible to this key.")
        context = SerializationContext(request, partner, page.locale.language_code)
        context.fallback = fallback
        prepare(api, [page], context, detail=True, wanted=None)
        return page, fallback, context, item_data(api, page, context, detail=True, wanted=None)

    return built_detail(api, request, partner, pk, base, clock, build_target, facts)


def built_detail(api, request, partner, pk: int, base: str, clock: str, build, facts=None) -> Detail:
    """Builds a detail and stores it. The versions are read before building, so a change committed meanwhile
    leaves the row stale, never wrong; the page answered (a translation of `pk`, known only after building)
    shares `pk`'s scope bumps (a change to a translation group bumps every page of it), so its version read
    afterwards holds when `pk`'s did not change in between -- else nothing is stored."""
    before_global, before = stamps([pk])
    page, _fallback, context, data = build()
    after_global, after = stamps({pk, page.pk})
    if (after_global, after[pk]) != (before_global, before[pk]):
        return Detail(data, True)  # not stored; nor kept for every partner
    rows, facts = store(api, DETAIL, None, base, [page], context, [data], (after_global, after), clock, facts)
    return Detail(data, any(facts[c].shared_with_some for c in candidates(rows[0]) if c in facts))


# -- prepared when published -----------------------------------------------------------------------------

BASE_URLS_PREPARED = 4  # on publish, items are prepared for at most this many base URLs answered before


class PreparingRequest(HttpRequest):
    """A stand-in request for a base URL the API answered before: what absolute URLs and Wagtail's site
    lookup read of a request."""

    def __init__(self, base: str):
        super().__init__()
        parts = urlsplit(base)
        self._scheme = parts.scheme
        self.META = {"HTTP_HOST": parts.netloc, "SERVER_NAME": parts.hostname or "",
                     "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80))}
        self.path = self.path_info = "/"
        self.method = "GET"

    def _get_scheme(self) -> str:
        return self._scheme


def prepare_published(page_ids: Iterable[int]) -> int:
    """Prepares the detail and the list item (in its own locale) of each of these pages and their
    translations for every partner
    that sees what is shared with everyone, at the base URLs answered before (none yet: nothing to do; the
    first request builds). Pages shared with particular partners, and other signatures, are built on read.
    Returns how many items were prepared."""
    bases = list(PreparedItem.objects.order_by().values_list("base_url", flat=True).distinct()[:BASE_URLS_PREPARED])
    groups = Page.objects.filter(pk__in=list(page_ids)).exclude(translation_key=None).values("translation_key")
    pages = list(Page.objects.filter(translation_key__in=groups).live().select_related("locale"))
    if not bases or not pages:
        return 0
    from frontend_api import registry

    by_api: dict[Any, list] = defaultdict(list)
    for page in pages:
        api = registry.for_model(page.specific_class) if page.specific_class is not None else None
        if api is not None:
            by_api[api].append(page)
    prepared = 0
    for base in bases:
        request = PreparingRequest(base)
        for api, api_pages in by_api.items():
            clock = clock_token(api)
            for page in api_pages:

                def build(page=page, api=api, request=request):
                    found = api.queryset(partner=None, locale=None).filter(pk=page.pk).first()
                    if found is None:
                        raise NotFound("")
                    context = SerializationContext(request, None, found.locale.language_code)
                    context.fallback = False
                    prepare(api, [found], context, detail=True, wanted=None)
                    return found, False, context, item_data(api, found, context, detail=True, wanted=None)

                try:
                    built_detail(api, request, None, page.pk, base, clock, build)
                    prepared += 1
                except NotFound:
                    continue
            by_locale: dict[str, list[int]] = defaultdict(list)
            for page in api_pages:
                by_locale[page.locale.language_code].append(page.pk)
            for locale, ids in by_locale.items():
                prepared += len(build_list_items(api, request, None, locale, ids))
    return prepared
