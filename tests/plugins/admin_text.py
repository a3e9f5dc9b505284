"""What an editor reads on an admin screen, and the words that give away the other language."""

import functools
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import polib
import wagtail
import wagtail_localize
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
# The hub's catalogue and those of the two apps whose screens editors use most: any of their strings left
# in the other language is caught, not only the hub's own.
CATALOGUES = [
    CATALOGUE,
    Path(wagtail.__file__).parent / "admin" / "locale" / "de" / "LC_MESSAGES" / "django.po",
    Path(wagtail_localize.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po",
]
WORD = re.compile(r"[^\W\d_][\w\-’']*[^\W\d_]|[^\W\d_]", re.UNICODE)
SKIPPED = {"script", "style", "textarea", "svg", "noscript"}
# Attributes a user reads or hears: tooltips, screen-reader labels, placeholders, button values.
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-w-tooltip-content-value"}


def is_hidden(attrs: dict) -> bool:
    """Hidden and never shown as it stands (e.g. a counter that scripts fill in); dropdown menus and
    panels a click opens are read."""
    if "hidden" not in attrs:
        return False
    classes = attrs.get("class") or ""
    return not any(part in classes for part in ("dropdown", "w-tabs")) and \
        "data-w-dropdown-target" not in attrs


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """Text nodes and read attributes, leaving out scripts, styles, form content and hidden elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.open: list[tuple[str, bool]] = []  # (tag, whether it started a skipped part)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        skipping = tag in SKIPPED or is_hidden(dict(attrs))
        if tag not in VOID:
            self.open.append((tag, skipping))
            self.skip += skipping
        if self.skip or skipping:
            return
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.parts.append(value)
            if tag == "input" and name == "value" and ("type", "submit") in attrs and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if all(opened != tag for opened, _skipping in self.open):
            return
        while self.open:
            opened, skipping = self.open.pop()
            self.skip -= skipping
            if opened == tag:
                break

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(" ".join(data.split()))


# What wagtail-localize's translation editor (a React app) shows from its props.
PROPS_KEYS = {"label", "field", "fieldHelpText", "displayName", "comment", "helpText"}


def _props_text(value, found: list[str]):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in PROPS_KEYS and isinstance(item, str):
                found.append(item)
            else:
                _props_text(item, found)
    elif isinstance(value, list):
        for item in value:
            _props_text(item, found)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parts = parser.parts
    for props in re.findall(r'data-props="([^"]*)"', html):
        _props_text(json.loads(unescape(props)), parts)
    return parts


TECHNICAL = re.compile(r"\S*(?:://|[\w-]\.[\w-])\S*")  # addresses and dotted identifiers (page.published)


def words(text: str) -> set[str]:
    return set(WORD.findall(TECHNICAL.sub(" ", text)))


@functools.cache
def giveaway_words() -> tuple[frozenset[str], frozenset[str]]:
    """(German words, English words) from the hub's catalogue: words of a translation that no source string
    uses, and words of a source string that no translation uses; short and capitalised-only-by-name words
    are left out so that content and proper names are allowed."""
    entries = [e for catalogue in CATALOGUES for e in polib.pofile(str(catalogue)) if e.msgstr and not e.obsolete]
    english = set().union(*(words(e.msgid) for e in entries))
    german = set().union(*(words(e.msgstr) for e in entries))
    return frozenset(w for w in german - english if len(w) > 3), frozenset(w for w in english - german if len(w) > 3)


def foreign_phrases(texts: list[str], foreign: frozenset[str], allowed: set[str]) -> list[str]:
    found = []
    for text in texts:
        hits = (words(text) & foreign) - allowed
        if hits:
            found.append(f"{text!r} ({', '.join(sorted(hits))})")
    return found
