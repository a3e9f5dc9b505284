"""Highlighted fragments computed in Python, with the same analysis as the index.

Used by the database engine for every result, and by the OpenSearch engine when the engine's own
highlighter found nothing to mark (a match through a compound part or a typo: the built-in analyzers
do not know that "Stiftung" is inside "Bürgerstiftung").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape

from search import analysis

FRAGMENT_CHARS = 180


@dataclass
class Matcher:
    """Which words of a text count as hits of a query: same term, a shared compound part, a known
    typo correction, or (for the word being typed) the same beginning."""

    language: str
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    #: also a word within the engine's typo distance of a term (`analysis.fuzzy_edits`, same first
    #: letter), as OpenSearch's fuzzy clauses find it: for the OpenSearch engine's own fallbacks
    fuzzy: bool = False

    def matches(self, word: str) -> bool:
        token = analysis.analyze_word(word, analysis.base_language(self.language))
        if token is None:
            return False
        if token.term in self.terms or any(part in self.terms for part in token.parts):
            return True
        if self.fuzzy and any(self.near(token.term, term) for term in self.terms):
            return True
        return any(token.surface.startswith(p) for p in self.prefixes)

    @staticmethod
    def near(word: str, term: str) -> bool:
        edits = analysis.fuzzy_edits(term)
        if not edits or word[:1] != term[:1] or abs(len(word) - len(term)) > edits:
            return False
        from search.backends.database import within_edits

        return within_edits(word, term, edits)


def synonym_terms(query) -> set[str]:
    """The words of the forms the query's synonyms stand for: a search for "KI" marks "Künstliche
    Intelligenz" (as it finds the page through it)."""
    return {term for _covered, alternatives in query.synonyms for phrase in alternatives for term in phrase.terms}


def query_terms(query) -> set[str]:
    """The terms a result's words are marked for: the query's words, their compound parts and the
    words of its synonyms' forms."""
    return set(query.terms) | {part for token in query.tokens for part in token.parts} | synonym_terms(query)


def mark(text: str, matcher: Matcher, max_chars: int = FRAGMENT_CHARS) -> tuple[str, int]:
    """(HTML fragment of `text` around its first hits, number of hits in it); text is escaped and hits
    wrapped in <mark>."""
    if not text:
        return "", 0
    words = analysis.WORD_RE.finditer(text)
    first_hit = next((m for m in words if matcher.matches(m.group())), None)
    if first_hit is None:
        return "", 0
    first = first_hit.start()
    start = max(0, first - max_chars // 4)
    if start > 0:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and first - space < max_chars // 2 else start
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    # The words after the fragment are never marked: only those up to its end are tested.
    hits = [first_hit]
    for m in words:
        if m.start() >= end:
            break
        if matcher.matches(m.group()):
            hits.append(m)
    out, pos, count = [], start, 0
    for hit in hits:
        if hit.start() < start or hit.end() > end:
            continue
        out.append(escape(text[pos : hit.start()]))
        out.append(f"<mark>{escape(hit.group())}</mark>")
        pos = hit.end()
        count += 1
    out.append(escape(text[pos:end]))
    fragment = "".join(out).strip()
    if start > 0:
        fragment = "…" + fragment
    if end < len(text):
        fragment += "…"
    return fragment, count


def best_fragment(texts: list[str], matcher: Matcher, fallback: str = "") -> str:
    """The fragment with most hits among `texts` (in order of preference); else the escaped start of
    `fallback`."""
    best, best_count = "", 0
    for text in texts:
        fragment, count = mark(text, matcher)
        if count > best_count:
            best, best_count = fragment, count
    if best:
        return best
    fallback = fallback or ""
    if len(fallback) > FRAGMENT_CHARS:
        cut = fallback.rfind(" ", 0, FRAGMENT_CHARS)
        return escape(fallback[: cut if cut > 0 else FRAGMENT_CHARS]) + "…"
    return escape(fallback)
