""""Did you mean": a corrected query for a search that found nothing or very little.

Each word the locale's vocabulary does not know is replaced by the closest indexed term (same first
letter, few edits, the commonest first), written as it stands in a page visible to everyone: the
vocabulary holds analysed terms (stems), a visitor wants words. Pages only some partners may see
never lend a word, and the corrected query is offered only when it finds something (and no less)
for the asking key.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from search import analysis

MIN_RESULTS = 3
MAX_CANDIDATES = 5
MAX_SOURCE_DOCUMENTS = 20


def edits_for(term: str) -> int:
    """One edit more than the search itself forgives (it found too little), at most two; none for
    the short words the search never corrects either: "Museen" (muse) is no typo of "Muster" (must).
    Those are corrected only for two swapped neighbouring letters (`corrections`)."""
    if not analysis.fuzzy_edits(term):
        return 0
    return min(2, analysis.fuzzy_edits(term) + 1)


def swapped_neighbours(word: str) -> list[str]:
    """`word` with two neighbouring letters swapped, each way: the commonest typo, and the only one a word
    too short for the search to forgive a typo in is corrected for ("Kunts" is "Kunst"; "Museen" is no
    "Muster")."""
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1) if word[i] != word[i + 1]]


def closest_terms(term: str, locale: str) -> list[str]:
    """Indexed terms within `edits_for(term)` edits, nearest and commonest first."""
    from django.db.models.functions import Length

    from search.backends.database import within_edits
    from search.models import SearchTerm

    edits = edits_for(term)
    if not edits:
        return []
    rows = (
        SearchTerm.objects.filter(
            locale=locale, documents__gt=0, term__gte=term[0], term__lt=chr(ord(term[0]) + 1)
        )
        .annotate(length=Length("term"))
        .filter(length__gte=len(term) - edits, length__lte=len(term) + edits)
        .values_list("term", "documents")
    )
    found = []
    for other, documents in rows:
        if other == term:
            return []
        for distance in range(1, edits + 1):
            if within_edits(term, other, distance):
                found.append((distance, -documents, other))
                break
    return [other for _distance, _documents, other in sorted(found)[:MAX_CANDIDATES]]


def public_request(request):
    """`request` as a visitor of any partner would search (only pages visible to everyone)."""
    from plugins.shared.visibility import ALL_PARTNERS
    from search import registry

    return dataclasses.replace(request, audience=[ALL_PARTNERS], types=registry.types(), topic=None, regions=None)


def readable_word(term: str, request) -> str | None:
    """The commonest written form of `term` in pages visible to everyone, or None when none has it."""
    from search.backends import database
    from search.models import SearchDocument

    undated = dataclasses.replace(public_request(request), date_from=None, date_to=None)
    ids = sorted(database.full_text_ids(undated, [term]))[:MAX_SOURCE_DOCUMENTS]
    rows = SearchDocument.objects.filter(id__in=ids).values_list(
        "title", "teaser", "body", "related"
    )
    language = analysis.base_language(request.locale)
    forms: Counter = Counter()
    for texts in rows:
        for word in analysis.words(" ".join(texts)):
            token = analysis.analyze_word(word, language)
            if token is not None and token.term == term:
                forms[word] += 1
    return forms.most_common(1)[0][0] if forms else None


def known_terms(terms, locale: str) -> set[str]:
    """Those of `terms` the locale's vocabulary holds (one query)."""
    from search.models import SearchTerm

    rows = SearchTerm.objects.filter(locale=locale, term__in=list(terms), documents__gt=0)
    return set(rows.values_list("term", flat=True))


def corrected_text(request) -> str | None:
    """The query text with every unknown word replaced by its closest readable one; None if none is."""
    text = request.query.text
    language = analysis.base_language(request.locale)
    matches = [(match, analysis.analyze_word(match.group(0), language)) for match in analysis.WORD_RE.finditer(text)]
    unknown = {token.term for _match, token in matches if token is not None and len(token.term) > 1}
    unknown -= known_terms(unknown, request.locale) if unknown else set()
    pieces, position, changed = [], 0, False
    for match, token in matches:
        if token is None or token.term not in unknown:
            continue
        for word in corrections(match.group(0), token.term, request):
            pieces += [text[position : match.start()], word]
            position, changed = match.end(), True
            break
    return "".join([*pieces, text[position:]]) if changed else None


def corrections(typed: str, term: str, request):
    """Readable corrections of the unknown word `typed` (analysed: `term`), best first."""
    if edits_for(term):
        for candidate in closest_terms(term, request.locale):
            word = readable_word(candidate, request)
            if word:
                yield word
        return
    language = analysis.base_language(request.locale)
    swapped = {}
    for variant in swapped_neighbours(typed):
        token = analysis.analyze_word(variant, language)
        if token is not None:
            swapped.setdefault(token.term, variant)
    known = known_terms(swapped, request.locale) if swapped else set()
    for candidate, variant in swapped.items():
        if candidate in known and readable_word(candidate, request):  # a page visible to everyone has it
            yield variant


def suggestion(request, count: int, search) -> str | None:
    """A corrected query when `count` (the request's results) is below `MIN_RESULTS` and the
    correction finds more for the same key; `search` runs a request (the engine in use)."""
    if count >= MIN_RESULTS:
        return None
    text = corrected_text(request)
    if not text or text == request.query.text:
        return None
    from search.queries import ParsedQuery

    again = dataclasses.replace(
        request, query=ParsedQuery.parse(text, request.locale, tuning=request.tuning), limit=1, offset=0, facets=False
    )
    return text if search(again)["count"] >= max(1, count) else None
