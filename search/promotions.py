"""Promoted results: pages editors pin to a query (`search.models.Promotion`) come first in the answer.

Engine-agnostic: `queries.run` asks `visible_promoted` for the request's promoted documents, then lets
the engine answer the rest with those pages excluded (`SearchRequest.exclude_ids`), and `merge` puts
them together. The answer is one ranked list: the promoted pages (in the editors' order), then the
engine's results without them. So `count` is honest (a promoted page that also matched is counted
once, one that did not adds one), offsets page through that one list (with at most `limit` promoted
pages they are all on the first page, offset 0, and no later page repeats them), and the facets count
the promoted pages too.

Visibility is the engines' own: the promoted pages are looked up among the database engine's search
documents (`SearchDocument`, which indexing keeps for both engines) through the same filter the
database engine searches with — locale, types, partner audience (published, live, shared, not
restricted: only such pages have documents), topic, region and dates. A page the key may not see, or
that the request's filters leave out, is never promoted.

A promoted page stands for its translation group: a promotion of the German page promotes its
English translation for an English search (when that translation is live and visible).
"""

from __future__ import annotations

from collections import Counter

from django.db.models import OuterRef, Subquery
from wagtail.models import Page

from plugins.shared.visibility import ALL_PARTNERS
from search import analysis
from search.highlight import Matcher, best_fragment, query_terms
from search.models import SearchDocumentTag

# Editors pin a handful of pages; more would push every result off the first page.
MAX_PROMOTED = 10


def partner_ids(request) -> list[int]:
    """The partner a request searches as (its audience beyond "all partners"), as ids."""
    return [int(value) for value in request.audience if value != ALL_PARTNERS]


def promoted_keys(request) -> list:
    """Translation keys of the pages promoted for this request's query, partner and language, in
    order: a promotion for this partner before one for every partner, one for this language before
    one for every language, then by promotion and the editors' order. From the promotions the
    process holds for the request's tuning version (`search.tuning`): no query of its own."""
    from search import tuning

    normalised = analysis.normalise_query(request.query.text)
    if not normalised:
        return []
    partners = set(partner_ids(request))
    languages = {"", request.locale, analysis.base_language(request.locale)}
    snapshot = request.tuning or tuning.current()
    rows = [
        row
        for row in snapshot.promotions().get(normalised, ())
        if (row[1] is None or row[1] in partners) and row[2] in languages
    ]
    ordered = sorted(
        rows,
        key=lambda row: (row[1] is None, row[2] == "", row[3], row[4] if row[4] is not None else 0),
    )
    return list(dict.fromkeys(row[0] for row in ordered))[:MAX_PROMOTED]


def visible_promoted(request) -> list[dict]:
    """The request's promoted documents the key may see and the filters let through, in order:
    [{"id","type","locale","title","teaser","body","url","year"}]. No query when nothing is promoted
    for the query (the usual case), one otherwise."""
    from search.backends import database

    keys = promoted_keys(request)
    if not keys:
        return []
    translations = Page.objects.filter(translation_key__in=keys, locale__language_code=request.locale)
    rows = (
        database.filtered(request)
        .filter(id__in=translations.values("id"))
        .annotate(translation_key=Subquery(Page.objects.filter(pk=OuterRef("pk")).values("translation_key")[:1]))
        .values("id", "type", "locale", "title", "teaser", "body", "url", "year", "translation_key")
    )
    by_key = {row["translation_key"]: row for row in rows}
    return [by_key[key] for key in keys if key in by_key]


def result_of(doc: dict, matcher: Matcher, score: float) -> dict:
    return {
        "id": doc["id"],
        "type": doc["type"],
        "locale": doc["locale"],
        "title": doc["title"],
        "teaser": doc["teaser"],
        "url": doc["url"],
        "highlight": best_fragment([doc["teaser"], doc["body"], doc["title"]], matcher, fallback=doc["teaser"]),
        "score": score,
        "promoted": True,
    }


def engine_window(request, promoted: list[dict]) -> tuple[int, int, int]:
    """(promoted shown on this page, engine offset, engine results wanted) for the one list
    promoted + the engine's results without them."""
    shown = len(promoted[request.offset : request.offset + request.limit])
    return shown, max(0, request.offset - len(promoted)), request.limit - shown


def add_facets(facets: dict, promoted: list[dict], sorted_counts) -> dict:
    """The engine's facets (over its results, promoted pages excluded) plus the promoted pages'."""
    counts = {
        name: Counter({key: int(n) for key, n in facets.get(name, {}).items()})
        for name in ("type", "topic", "region", "year")
    }
    ids = [doc["id"] for doc in promoted]
    for doc in promoted:
        counts["type"][doc["type"]] += 1
        if doc["year"] is not None:
            counts["year"][str(doc["year"])] += 1
    tags = SearchDocumentTag.objects.filter(
        document_id__in=ids, kind__in=[SearchDocumentTag.TOPIC, SearchDocumentTag.REGION]
    ).values_list("kind", "value")
    for kind, value in tags:
        counts[kind][value] += 1
    merged = dict(facets)
    merged.update({name: sorted_counts(counter) for name, counter in counts.items()})
    return merged


def merge(request, promoted: list[dict], answer: dict, sorted_counts) -> dict:
    """The engine's answer for the rest (promoted pages excluded, window from `engine_window`) with
    the promoted pages of this page of results in front."""
    shown, _offset, wanted = engine_window(request, promoted)
    organic = answer["results"][: max(wanted, 0)]
    for result in organic:
        result["promoted"] = False
    matcher = Matcher(
        language=request.query.language,
        terms=query_terms(request.query),
    )
    # The list stays ordered by score: a promoted page carries the best score on the page.
    score = max((result["score"] for result in organic), default=0.0)
    front = [result_of(doc, matcher, score) for doc in promoted[request.offset : request.offset + shown]]
    merged = {**answer, "count": answer["count"] + len(promoted), "results": front + organic}
    if "facets" in answer:  # asked for (`SearchRequest.facets`)
        merged["facets"] = add_facets(answer["facets"], promoted, sorted_counts)
    return merged
