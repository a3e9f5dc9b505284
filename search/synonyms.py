"""Synonyms and abbreviations, applied when a query is parsed (no reindex): "NRW" also finds
"Nordrhein-Westfalen", "Künstliche Intelligenz" also finds "KI".

Entries are `SearchSynonym` rows per language, edited in the admin or by `search_synonyms`; a starter
list (`data/synonyms_<language>.txt`) ships with the hub. An entry is either two-way, `a, b, c` (each
form finds the others), or one-way, `a => b, c` (a finds b and c, not the other way round). A form of
several words matches only as a phrase. Forms compare as the index analyses words (case, umlauts, ß,
inflection endings), so `Europäischen Union` in a query matches the entry `Europäische Union`.

Every process keeps the table of each language in memory, keyed by the search's tuning version
(`search.tuning`: one row, bumped by every save or delete of an entry), so an edit is in force for the
next search of every process, and a search checks it with one primary-key read shared with promotions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from search import analysis

MAX_ENTRY_LENGTH = 500
ONE_WAY = "=>"
DATA_FILE = "synonyms_{language}.txt"


class InvalidEntry(ValueError):
    """A synonym entry that cannot be used, with a message an editor or operator can act on."""


@dataclass(frozen=True)
class Entry:
    """A parsed entry: `sources` find `targets`; two-way entries list every form on both sides."""

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    two_way: bool


def forms(side: str) -> list[str]:
    return [" ".join(form.split()) for form in side.split(",")]


def parse_entry(text: str, language: str) -> Entry:
    """`a, b, c` (two-way) or `a => b, c` (one-way); raises InvalidEntry naming what is wrong."""
    text = (text or "").strip()
    if not text:
        raise InvalidEntry(
            _("The entry is empty: give two or more forms separated by commas, e.g. “KI, Künstliche Intelligenz”.")
        )
    if len(text) > MAX_ENTRY_LENGTH:
        raise InvalidEntry(
            _("The entry is too long (%(length)s characters, at most %(maximum)s).")
            % {"length": len(text), "maximum": MAX_ENTRY_LENGTH}
        )
    if text.count(ONE_WAY) > 1:
        raise InvalidEntry(_("Use “=>” at most once: “a => b, c” makes a search for a find b and c."))
    if ONE_WAY in text:
        left, right = text.split(ONE_WAY)
        sources, targets = forms(left), forms(right)
        two_way = False
    else:
        sources = targets = forms(text)
        two_way = True
    for form in dict.fromkeys([*sources, *targets]):
        if not form:
            raise InvalidEntry(
                _("An empty form in “%(entry)s”: every form between commas needs a word.") % {"entry": text}
            )
        if not analysis.analyze(form, language):
            raise InvalidEntry(
                _("“%(form)s” has no searchable word (only stopwords or punctuation).") % {"form": form}
            )
    if two_way and len({key(source, language) for source in sources}) < 2:
        raise InvalidEntry(
            _("“%(entry)s” names only one form: list two or more, separated by commas, or use “a => b”.")
            % {"entry": text}
        )
    return Entry(tuple(sources), tuple(targets), two_way)


def key(form: str, language: str) -> tuple[str, ...]:
    """A form as the query analysis sees it: its words' terms in order."""
    return tuple(token.term for token in analysis.analyze(form, language))


class Table:
    """{form's terms: alternative phrases} of one language, and the longest form in words."""

    def __init__(self, entries: list[Entry], language: str):
        self.language = language
        self.alternatives: dict[tuple[str, ...], list[analysis.Phrase]] = {}
        for entry in entries:
            for source in entry.sources:
                source_key = key(source, language)
                found = self.alternatives.setdefault(source_key, [])
                for target in entry.targets:
                    phrase = analysis.phrase(target, language)
                    if phrase.terms != source_key and phrase not in found:
                        found.append(phrase)
        self.alternatives = {k: v for k, v in self.alternatives.items() if k and v}
        self.longest = max((len(k) for k in self.alternatives), default=0)

    def expand(self, terms: list[str]) -> list[tuple[tuple[int, ...], tuple[analysis.Phrase, ...]]]:
        """(positions of the query words a form covers, its alternatives), longest forms first,
        left to right, without overlaps."""
        found = []
        i = 0
        while i < len(terms):
            for length in range(min(self.longest, len(terms) - i), 0, -1):
                alternatives = self.alternatives.get(tuple(terms[i : i + length]))
                if alternatives:
                    found.append((tuple(range(i, i + length)), tuple(alternatives)))
                    i += length
                    break
            else:
                i += 1
        return found


def entries_of(texts, language: str) -> list[Entry]:
    entries = []
    for text in texts:
        try:
            entries.append(parse_entry(text, language))
        except InvalidEntry:
            continue  # saved around the validation (never through the admin or the command): ignored
    return entries


# --- the per-process tables (held by `search.tuning`, keyed by the tuning version) -----------------


def build_table(language: str) -> Table:
    """The table of `language` from its rows now (one query)."""
    from search.models import SearchSynonym

    language = analysis.base_language(language)
    texts = SearchSynonym.objects.filter(language=language).values_list("terms", flat=True)
    return Table(entries_of(texts, language), language)


def table(language: str, snapshot=None) -> Table:
    """The current table of `language`: as of `snapshot` (a `search.tuning.Snapshot` a search read
    once), else as of the tuning version now."""
    from search import tuning

    return (snapshot or tuning.current()).synonyms(analysis.base_language(language))


def forget() -> None:
    """Drops this process's tables and promotions (tests; a saved entry changes the version anyway)."""
    from search import tuning

    tuning.forget()


def starter_entries(language: str) -> list[str]:
    """The shipped starter list of `language` (empty when there is none)."""
    path = analysis.DATA_DIR / DATA_FILE.format(language=language)
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]
