"""Language analysis: OpenSearch index settings per language, and the Python side of it.

Some analysis a visitor relies on needs token filters that not every OpenSearch honours at index time
(the in-memory test server ignores `german_normalization` and `dictionary_decompounder`, managed
services restrict custom dictionaries). That part runs here, in Python, identically when a document
is indexed and when a query is parsed, and its output goes into plain whitespace-analysed fields:

- folding: case, accents, umlauts and ß, and the German spellings without them (Goerlitz, Strasse);
- light stemming: German plural and case endings (Förderprogramme -> förderprogramm), English plurals;
- decompounding: German compounds split into the parts listed in `data/de_compound_parts.txt`
  (Bürgerstiftung -> bürger + stiftung, Netzwerkreisen -> netzwerk + reise).

The built-in `german`/`english` analyzers still analyse the original text for phrase matching and
highlighting; edge n-grams over the folded words give prefixes while typing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MIN_DECOMPOUND_LENGTH = 6
MIN_PART_LENGTH = 3
# German linking elements between compound parts (Zukunft-s-plattform) and endings of the last part.
LINKING_ELEMENTS = ("", "s", "es", "n", "en", "e", "er", "ns")
FINAL_ENDINGS = ("", "e", "en", "n", "s", "es", "er", "ern", "ens", "nen")

GERMAN_STOPWORDS = frozenset(
    """aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf
    aus bei beim bin bis bist da damit dann das dass dem den denn der des dessen dich die dies diese diesem
    diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines er es etwas euch euer eure
    für fur gegen hat hatte hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in indem
    ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes kann kein keine keinem keinen keiner
    man mich mir mit muss nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner
    sich sie sind so solche soll sondern um und uns unser unsere unter viel vom von vor war waren was weil
    welche welchem welchen welcher wenn wer wie wir wird wo zu zum zur zwar zwischen über uber""".split()
)
ENGLISH_STOPWORDS = frozenset(
    """a an and are as at be but by for from has have if in into is it its no not of on or such that the
    their then there these they this to was were which will with""".split()
)


@dataclass(frozen=True)
class Token:
    """One word as the index sees it: the normalised stem, its compound parts, and the folded surface."""

    term: str
    parts: tuple[str, ...] = ()
    surface: str = ""
    part_surfaces: tuple[str, ...] = ()


def base_language(language: str) -> str:
    return (language or "").split("-")[0].split("_")[0].lower()


# --- index settings -------------------------------------------------------------------------------


def index_settings(language: str) -> dict:
    """`settings` of a new index for `language`: built-in language analyzer plus prefix analyzers."""
    return {
        "number_of_shards": 1,
        "analysis": {
            "filter": {
                "kulturhub_prefix": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
            },
            "analyzer": {
                "kulturhub_text": text_analyzer_definition(language),
                "kulturhub_prefix_index": {
                    "type": "custom",
                    "tokenizer": "whitespace",
                    "filter": ["lowercase", "kulturhub_prefix"],
                },
                "kulturhub_prefix_search": {
                    "type": "custom",
                    "tokenizer": "whitespace",
                    "filter": ["lowercase"],
                },
            },
        },
    }


def text_analyzer_definition(language: str) -> dict:
    """German and English use OpenSearch's built-in language analyzers; any other language folds."""
    language = base_language(language)
    if language == "de":
        return {"type": "german"}
    if language == "en":
        return {"type": "english"}
    return {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]}


# --- folding --------------------------------------------------------------------------------------


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_german(word: str) -> str:
    """Lower case, umlauts and ß folded, and the spellings without them too: Görlitz, Goerlitz and
    Gorlitz all become `gorlitz`, Straße and Strasse `strasse` (Lucene's German normalisation rules)."""
    word = word.lower().replace("ß", "ss")
    out: list[str] = []
    state = "N"  # N: neutral, V: after a vowel, U: after a/o/u that may take a following e
    for ch in word:
        if ch in "äöü":
            out.append({"ä": "a", "ö": "o", "ü": "u"}[ch])
            state = "V"
        elif ch in "ao":
            out.append(ch)
            state = "U"
        elif ch == "u":
            out.append(ch)
            state = "U" if state == "N" else "V"
        elif ch == "e":
            if state != "U":
                out.append(ch)
            state = "V"
        elif ch in "iqy":
            out.append(ch)
            state = "V"
        else:
            out.append(ch)
            state = "N"
    return strip_accents("".join(out))


def fold_plain(word: str) -> str:
    return strip_accents(word.lower().replace("ß", "ss"))


# --- stemming -------------------------------------------------------------------------------------

S_ENDINGS = frozenset("bdfghklmnrt")
ST_ENDINGS = frozenset("bdfghklmnt")


def stem_german(word: str) -> str:
    """Savoy's light German stemmer (as Lucene's GermanLightStemmer): strips plural and case endings
    only, so parts and whole words stem alike (Reisen, Reise -> reis)."""
    n = len(word)
    if n > 5 and word.endswith("ern"):
        n -= 3
    elif n > 4 and word[n - 2] == "e" and word[n - 1] in "mnrs":
        n -= 2
    elif n > 3 and word[n - 1] == "e":
        n -= 1
    elif n > 3 and word[n - 1] == "s" and word[n - 2] in S_ENDINGS:
        n -= 1
    word = word[:n]
    if n > 5 and word.endswith("est"):
        n -= 3
    elif n > 4 and word[n - 2] == "e" and word[n - 1] in "rn":
        n -= 2
    elif n > 4 and word.endswith("st") and word[n - 3] in ST_ENDINGS:
        n -= 2
    return word[:n]


def stem_english(word: str) -> str:
    """English plural and possessive endings (Harman's S-stemmer): offices -> office, cities -> city."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


# --- decompounding --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def german_parts() -> frozenset[str]:
    words = set()
    for line in (DATA_DIR / "de_compound_parts.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            folded = fold_german(line)
            if len(folded) >= MIN_PART_LENGTH:
                words.add(folded)
    return frozenset(words)


@lru_cache(maxsize=1)
def german_tails() -> dict[str, str]:
    """Every known part of four letters or more with every ending it may carry -> the part."""
    return {part + ending: part for part in german_parts() if len(part) >= 4 for ending in FINAL_ENDINGS}


@lru_cache(maxsize=1)
def german_parts_by_start() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for part in german_parts():
        index.setdefault(part[:2], []).append(part)
    return {key: tuple(sorted(parts, key=len, reverse=True)) for key, parts in index.items()}


def segment_german(word: str) -> list[tuple[int, int]] | None:
    """Spans of the parts of a folded compound, or None when it does not split into known parts.
    Each part may be followed by a linking element; the last part may carry an ending."""
    n = len(word)
    by_start = german_parts_by_start()
    # best[i]: fewest parts covering word[:i], with the spans; ties keep the longer first part.
    best: dict[int, list[tuple[int, int]]] = {0: []}
    for i in range(n):
        if i not in best:
            continue
        for part in by_start.get(word[i : i + 2], ()):
            end = i + len(part)
            if not word.startswith(part, i):
                continue
            spans = [*best[i], (i, end)]
            for link in LINKING_ELEMENTS:
                nxt = end + len(link)
                if nxt > n or not word.startswith(link, end):
                    continue
                if nxt not in best or len(best[nxt]) > len(spans):
                    best[nxt] = spans
    found = None
    for ending in FINAL_ENDINGS:
        spans = best.get(n - len(ending))
        if spans and len(spans) >= 2 and word.endswith(ending) and (found is None or len(spans) < len(found)):
            found = spans
    return found


def decompound_german(word: str) -> tuple[list[str], list[str]]:
    """(stems, surfaces) of the parts of a folded word, and of every tail made of several parts, so a
    search for Förderprogramm finds Kulturförderprogramme. Without a full split, the longest known
    head and tail still count (Kreativwirtschft -> kreativ)."""
    if len(word) < MIN_DECOMPOUND_LENGTH:
        return [], []
    spans = segment_german(word)
    surfaces: list[str] = []
    if spans:
        surfaces = [word[start:end] for start, end in spans]
        surfaces += [word[start:] for start, _end in spans[1:-1]]
    else:
        parts, tails = german_parts(), german_tails()
        n = len(word)
        heads = [word[:i] for i in range(n - 3, 3, -1) if word[:i] in parts]
        tail = next((tails[word[i:]] for i in range(3, n - 3) if word[i:] in tails), None)
        surfaces = [surface for surface in (heads[0] if heads else None, tail) if surface]
    stems = []
    for surface in surfaces:
        stem = stem_german(surface)
        if stem and stem not in stems:
            stems.append(stem)
    return stems, list(dict.fromkeys(surfaces))


# --- the pipeline ---------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def analyze_word(word: str, language: str) -> Token | None:
    """One word through fold, stopwords, stem and (German) decompounding; None for a stopword."""
    if language == "de":
        if word.lower() in GERMAN_STOPWORDS:
            return None
        folded = fold_german(word)
        stem = stem_german(folded)
        parts, part_surfaces = decompound_german(folded)
        parts = [p for p in parts if p != stem]
        return Token(stem, tuple(parts), folded, tuple(s for s in part_surfaces if s != folded))
    folded = fold_plain(word)
    if language == "en":
        if folded in ENGLISH_STOPWORDS:
            return None
        return Token(stem_english(folded), (), folded)
    return Token(folded, (), folded)


def words(text: str) -> list[str]:
    return WORD_RE.findall(text or "")


def analyze(text: str, language: str) -> list[Token]:
    language = base_language(language)
    tokens = []
    for word in words(text):
        token = analyze_word(word, language)
        if token is not None:
            tokens.append(token)
    return tokens


def index_terms(text: str, language: str) -> str:
    """The whitespace-separated terms stored in a document's `*_terms` fields: each word's stem
    followed by the stems of its compound parts."""
    out: list[str] = []
    for token in analyze(text, language):
        out.append(token.term)
        out.extend(token.parts)
    return " ".join(out)


def written_words(text: str, language: str) -> str:
    """The words of `text` as written, folded (case, umlauts, ß, accents) but neither stemmed nor split,
    each once: stored beside the `*_terms` fields (`*_written`) so a page holding the query's word as
    written ranks above one holding only another form of its stem, a compound containing it, or a typo
    of it. Never part of the lookup, the phrases or the typo vocabulary (those read `*_terms`)."""
    return " ".join(dict.fromkeys(token.surface for token in analyze(text, language)))


def prefix_words(text: str, language: str) -> str:
    """The folded words (and compound parts) a prefix typed into a search box may begin."""
    out: list[str] = []
    for word in words(text):
        folded = fold_german(word) if base_language(language) == "de" else fold_plain(word)
        out.append(folded)
        token = analyze_word(word, base_language(language))
        if token is not None:
            out.extend(token.part_surfaces)
    return " ".join(dict.fromkeys(out))


def fold_prefix(text: str, language: str) -> list[str]:
    """A typed prefix folded like `prefix_words` (Goe -> go, Strass -> strass)."""
    fold = fold_german if base_language(language) == "de" else fold_plain
    return [fold(word) for word in words(text)]


def fuzzy_edits(term: str) -> int:
    """Edits a typo may have: none on short words (Kunst is not Gunst), one from five letters, two from
    eight (Kreativwirtschft -> Kreativwirtschaft)."""
    if len(term) < 5:
        return 0
    return 1 if len(term) < 8 else 2


FUZZINESS = "AUTO:5,8"


# --- phrases --------------------------------------------------------------------------------------

QUOTES_RE = re.compile(r"[\"„“”«»]([^\"„“”«»]*)[\"„“”«»]")


@dataclass(frozen=True)
class Phrase:
    """Words that must stand together: their terms in order, and `indexed`, the run of terms a
    `*_terms` field holds for these words (each word's term followed by its compound parts, stopwords
    left out), so a phrase test is a substring test there and a `match_phrase` in OpenSearch."""

    text: str
    terms: tuple[str, ...]
    indexed: str

    @property
    def word(self) -> str | None:
        """The term of a one-word phrase (found as that word alone), else None."""
        return self.terms[0] if len(self.terms) == 1 else None


def phrase(text: str, language: str) -> Phrase:
    tokens = analyze(text, language)
    return Phrase(text, tuple(token.term for token in tokens), index_terms(text, language))


def split_quoted(text: str) -> tuple[str, list[str]]:
    """(the text outside quotes, the quoted parts): `"lokale Vernetzung" Westfalen` ->
    (` Westfalen`, [`lokale Vernetzung`]). An unpaired quote is no quote (a plain character)."""
    quoted = [m.group(1) for m in QUOTES_RE.finditer(text or "")]
    return QUOTES_RE.sub(" ", text or ""), quoted
def normalise_query(text: str) -> str:
    """A query as promotions and insights compare it, whatever the language: its words, lower case,
    umlauts and ß folded as in German (Förderung, Foerderung, FÖRDERUNG and Forderung alike), single
    spaces; punctuation and quotes dropped."""
    return " ".join(fold_german(word) for word in words(text))[:200]
