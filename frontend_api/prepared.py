"""Items prepared ahead of the request: what makes a cold list or detail cheap.

A cold answer (not in the server-side cache) used to load its pages, their snippets, links, translations and
documents and serialize them: 7 queries for a list, 11 for a detail. Now an item is serialized once -- when
its page is published (a task, see tasks.py) or, when that has not happened or is out of date, by the first
request that needs it -- and stored as a PreparedItem; a cold answer then costs
- detail: one read of the prepared details of the page's translation group, and one visibility query (which
  of the pages the item can show the key may see: its translations, the pages it links to, in one query);
- list: the query for the page of ids (unchanged: the partner's visibility, filters, order, total), one read
  of their prepared items, and the same one visibility query for all of them.
Constant in the page size. And little besides: these queries are compiled once per process and shape
(plugins.shared.statements; building and compiling them in the ORM cost about two thirds of a cold list), and
an item is kept as its compact JSON with where each field lies in it (`spans`), so an answer is spliced from
the rows' text -- fields trimmed and `fallback` set by slicing -- never parsed and serialized again.

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
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from django.db import connection
from django.db.models import BooleanField, CharField, ExpressionWrapper, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import HttpRequest
from django.utils import timezone
from wagtail.models import Page

from frontend_api.caching import global_scope, page_scope, render_json
from frontend_api.errors import NotFound
from frontend_api.models import ContentScope, PreparedItem
from frontend_api.registry import ContentTypeAPI
from frontend_api.serializers.context import SerializationContext
from frontend_api.serializers.items import ALWAYS, ALWAYS_IN_DETAIL, item_data, prepare
from plugins.shared import statements
from plugins.shared.models import Partner
from plugins.shared.selectors import answering_page
from plugins.shared.statements import StandIns
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


def candidates(row: "PreparedItem | Row") -> set[int]:
    """The pages whose visibility decides what `row` shows."""
    return {pk for pk, _code in row.group} | set(row.linked)


def row_signature(row: "PreparedItem | Row", visible: set[int]) -> str:
    return signature(candidates(row) & visible)


class Row(NamedTuple):
    """A prepared row as the cold path reads it (no model instance)."""

    page_id: int
    signature: str
    group: list
    linked: list
    data: str
    spans: list | None
    current: bool  # built at the current versions of its scopes (the clock is compared apart)
    clock: str


def json_column(value: Any) -> Any:
    """A JSON column as a raw cursor answers it: text (decoded here) or, with some drivers, already decoded."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def prepared_rows(kind: str, base: str, *, locale: str | None = None, page_ids: list[int] | None = None,
                  group_of: int | None = None) -> list[Row]:
    """Prepared rows of `kind` at `base`: of `page_ids` in `locale` (list items), or of the translation group of
    page `group_of` (details); each with whether it is current (one query, compiled once per shape)."""
    page_ids = sorted(set(page_ids or ()))

    def build(stand_ins: StandIns):
        scope_key = Concat(Value("page:"), Cast(OuterRef("page_id"), CharField()), output_field=CharField())
        queryset = PreparedItem.objects.filter(kind=kind, base_url=stand_ins.text("base"))
        if group_of is None:
            queryset = queryset.filter(locale=stand_ins.text("locale"),
                                       page_id__in=stand_ins.numbers("ids", len(page_ids)))
        else:
            queryset = queryset.filter(translation_key=Subquery(
                Page.objects.filter(pk=stand_ins.number("page")).values("translation_key")[:1]))
        global_version = Subquery(ContentScope.objects.filter(scope=global_scope()).values("version")[:1])
        page_version = Subquery(ContentScope.objects.filter(scope=scope_key).values("version")[:1])
        current = Q(global_version=Coalesce(global_version, 0)) & Q(page_version=Coalesce(page_version, 0))
        return (queryset.order_by().annotate(current=ExpressionWrapper(current, output_field=BooleanField()))
                .values_list("page_id", "signature", "group", "linked", "data", "spans", "clock", "current"))

    if group_of is None and not page_ids:
        return []
    key = ("prepared_rows", kind, len(page_ids) if group_of is None else "group")
    values = {"base": base, "locale": locale, "ids": page_ids, "page": group_of}
    return [
        Row(page_id, signature, json_column(group), json_column(linked), data, json_column(spans), bool(current),
            clock)
        for page_id, signature, group, linked, data, spans, clock, current in statements.run(key, build, values)
    ]


def stamps(page_ids: Iterable[int]) -> tuple[int, dict[int, int]]:
    """The global version and each page's scope version now: read before an item is built."""
    page_ids = list(page_ids)
    scopes = [global_scope(), *(page_scope(pk) for pk in page_ids)]
    versions = dict(ContentScope.objects.filter(scope__in=scopes).values_list("scope", "version"))
    return versions.get(global_scope(), 0), {pk: versions.get(page_scope(pk), 0) for pk in page_ids}


def render_item(data: dict) -> tuple[str, list[list]]:
    """An item as compact JSON (the same text as `render_json(data)`) and where each field lies in it."""
    parts, spans, position = [], [], 1
    for name, value in data.items():
        part = render_json(name).decode() + ":" + render_json(value).decode()
        spans.append([name, position, position + len(part)])
        parts.append(part)
        position += len(part) + 1
    return "{" + ",".join(parts) + "}", spans


def item_text(text: str, spans: list | None, wanted: frozenset[str] | None, always: tuple[str, ...],
              fallback: bool | None = None) -> str:
    """A prepared item (every field, as compact JSON) with only the fields asked for (`always` ones too), in
    the same order as ever, and `fallback` set when given: sliced, not parsed."""
    if spans is None:  # a row written before spans were kept
        data = json.loads(text)
        if fallback is not None:
            data["fallback"] = fallback
        if wanted is not None:
            data = {name: value for name, value in data.items() if name in always or name in wanted}
        return render_json(data).decode()
    if wanted is None and fallback is None:
        return text
    parts = []
    for name, start, end in spans:
        if name == "fallback" and fallback is not None:
            parts.append('"fallback":true' if fallback else '"fallback":false')
        elif wanted is None or name in always or name in wanted:
            parts.append(text[start:end])
    return "{" + ",".join(parts) + "}"


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
        text, spans = render_item(data)
        row = PreparedItem(
            page_id=page.pk, translation_key=page.translation_key, kind=kind,
            locale=locale or page.locale.language_code, base_url=base,
            group=groups.get(page.translation_key) or [[page.pk, page.locale.language_code]], linked=linked,
            data=text, spans=spans, global_version=global_version, page_version=page_versions[page.pk],
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
            update_fields=["translation_key", "group", "linked", "data", "spans", "global_version", "page_version",
                           "clock", "built_at"],
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


def list_items(api: ContentTypeAPI, request, partner, locale: str, page_ids: list[int],
               wanted: frozenset[str] | None) -> list[str]:
    """The list items (compact JSON, with the fields in `wanted`, all when None) of `page_ids` (already selected
    for the partner) in `locale`, in that order; an id whose page is gone by now is left out (as before). Two
    queries when all are prepared."""
    base, clock = base_url(request), clock_token(api)
    by_page: dict[int, list[Row]] = defaultdict(list)
    for row in prepared_rows(LIST, base, locale=locale, page_ids=page_ids):
        if row.current and row.clock == clock:
            by_page[row.page_id].append(row)
    found: dict[int, str] = {}
    candidate_pages = set().union(*(candidates(row) for rows in by_page.values() for row in rows))
    if candidate_pages:
        visible = presentable(visibility_facts(candidate_pages, partner))
        for pk, rows in by_page.items():
            for row in rows:
                if row.signature == row_signature(row, visible):
                    found[pk] = item_text(row.data, row.spans, wanted, ALWAYS)
                    break
    missing = [pk for pk in page_ids if pk not in found]
    if missing:
        for pk, data in build_list_items(api, request, partner, locale, missing).items():
            found[pk] = item_text(*render_item(data), wanted, ALWAYS)
    return [found[pk] for pk in page_ids if pk in found]


def answering(pk: int, requested: str | None, partner: Partner | None) -> tuple[int, bool] | None:
    """`answering_page` for `pk` read from the database: its translation group and their visibility facts
    (two queries), for a detail built on the spot."""
    group = list(Page.objects.filter(translation_key=Subquery(Page.objects.filter(pk=pk).values("translation_key")))
                 .values_list("pk", "locale__language_code"))
    return answering_page(pk, requested, group, visibility_facts([member for member, _code in group], partner))


@dataclass
class Detail:
    text: str  # compact JSON
    shared_with_some: bool  # a page it can show is shared with particular partners


def detail(api: ContentTypeAPI, request, partner, pk: int, requested: str | None, wanted: frozenset[str] | None,
           full_build: Callable[[], tuple[Any, bool, SerializationContext, dict]]) -> Detail:
    """The detail of `pk` for the partner (see `answering_page`), with the fields in `wanted` (all when None).
    `full_build` answers the way it always did when nothing usable is prepared yet: (page, fallback, context,
    data) or NotFound."""
    base, clock = base_url(request), clock_token(api)
    rows = [row for row in prepared_rows(DETAIL, base, group_of=pk) if row.current and row.clock == clock]
    group = next((row.group for row in rows if any(member == pk for member, _code in row.group)), None)
    if group is None:
        return built_detail(api, request, partner, pk, base, clock, full_build, wanted)
    facts = visibility_facts({member for member, _code in group}.union(*(candidates(row) for row in rows)), partner)
    chosen = answering_page(pk, requested, group, facts)
    if chosen is None:
        raise NotFound(f"No {api.name} item with id {pk} is visible to this key.")
    target, fallback = chosen
    visible = presentable(facts)
    for row in rows:
        if row.page_id == target and row.signature == row_signature(row, visible):
            return Detail(item_text(row.data, row.spans, wanted, ALWAYS_IN_DETAIL, fallback),
                          any(facts[c].shared_with_some for c in candidates(row) if c in facts))

    def build_target():
        page = api.queryset(partner=partner, locale=None).filter(pk=target).first()
        if page is None:  # changed since the visibility query
            raise NotFound(f"No {api.name} item with id {pk} is visible to this key.")
        context = SerializationContext(request, partner, page.locale.language_code)
        context.fallback = fallback
        prepare(api, [page], context, detail=True, wanted=None)
        return page, fallback, context, item_data(api, page, context, detail=True, wanted=None)

    return built_detail(api, request, partner, pk, base, clock, build_target, wanted, facts)


def built_detail(api, request, partner, pk: int, base: str, clock: str, build, wanted: frozenset[str] | None,
                 facts=None) -> Detail:
    """Builds a detail and stores it. The versions are read before building, so a change committed meanwhile
    leaves the row stale, never wrong; the page answered (a translation of `pk`, known only after building)
    shares `pk`'s scope bumps (a change to a translation group bumps every page of it), so its version read
    afterwards holds when `pk`'s did not change in between -- else nothing is stored."""
    before_global, before = stamps([pk])
    page, _fallback, context, data = build()
    text = item_text(*render_item(data), wanted, ALWAYS_IN_DETAIL)
    after_global, after = stamps({pk, page.pk})
    if (after_global, after[pk]) != (before_global, before[pk]):
        return Detail(text, True)  # not stored; nor kept for every partner
    rows, facts = store(api, DETAIL, None, base, [page], context, [data], (after_global, after), clock, facts)
    return Detail(text, any(facts[c].shared_with_some for c in candidates(rows[0]) if c in facts))


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
                    built_detail(api, request, None, page.pk, base, clock, build, None)
                    prepared += 1
                except NotFound:
                    continue
            by_locale: dict[str, list[int]] = defaultdict(list)
            for page in api_pages:
                by_locale[page.locale.language_code].append(page.pk)
            for locale, ids in by_locale.items():
                prepared += len(build_list_items(api, request, None, locale, ids))
    return prepared
