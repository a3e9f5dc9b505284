"""Turns plain-text or HTML exports of old web pages into draft pages for editors to finish.

Page-builder shortcodes ([fusion_builder_…], [vc_…], [et_pb_…]) are removed, lines repeated by
scrapers are dropped, paragraphs, headings and lists are kept as rich text.
"""

import datetime
import html
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

SHORTCODE = re.compile(r"\[/?(?:fusion_|fusion\b|vc_|et_pb_)[^\]]*\]", re.IGNORECASE)
LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")
MONTHS = {
    "januar": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
}
DATE = re.compile(
    r"\b(\d{1,2})\.\s*(?:(\d{1,2})\.|(" + "|".join(MONTHS) + r"))\s*(\d{4})\b", re.IGNORECASE
)
TIME_RANGE = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(?:uhr\s*)?(?:bis|-|–)\s*(\d{1,2})(?::(\d{2}))?\s*uhr\b",
                        re.IGNORECASE)

# content type name -> page model; index page model is the first parent type of each.
PAGE_TYPES = {
    "projects": "projects.ProjectPage",
    "reports": "reports.ExperienceReportPage",
    "events": "events.EventPage",
    "funding": "funding.FundingPage",
}


class ImportError_(ValueError):
    """A file that cannot become a page; the message names the file and the reason."""


@dataclass
class ParsedDocument:
    path: Path
    title: str
    blocks: list[str] = field(default_factory=list)  # HTML blocks: <p>, <h3>, <ul>, <ol>
    plain: str = ""

    @property
    def teaser(self) -> str:
        paragraphs = [b for b in self.blocks if b.startswith("<p>")]
        first = next((b for b in paragraphs if len(b.split()) >= 12), paragraphs[0] if paragraphs else "")
        text = html.unescape(re.sub(r"<[^>]+>", "", first)).strip()
        return text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + " …"


def clean_line(line: str) -> str:
    return re.sub(r"\s+", " ", SHORTCODE.sub("", line)).strip()


def looks_like_heading(line: str) -> bool:
    return len(line.split()) <= 10 and not re.search(r"[.,;!]$", line) and not LIST_ITEM.match(line)


def parse_text(path: Path, text: str) -> ParsedDocument:
    seen: set[str] = set()
    lines: list[str] = []
    for raw in text.splitlines():
        line = clean_line(raw)
        if not line or line.lower() in seen:
            continue
        seen.add(line.lower())
        lines.append(line)
    if not lines:
        raise ImportError_(f"{path}: no text left after removing page-builder markup")
    title, rest = lines[0], lines[1:]
    blocks: list[str] = []
    items: list[str] = []
    for line in rest:
        if LIST_ITEM.match(line):
            items.append(f"<li>{html.escape(LIST_ITEM.sub('', line))}</li>")
            continue
        if items:
            blocks.append("<ul>" + "".join(items) + "</ul>")
            items = []
        tag = "h3" if looks_like_heading(line) else "p"
        blocks.append(f"<{tag}>{html.escape(line)}</{tag}>")
    if items:
        blocks.append("<ul>" + "".join(items) + "</ul>")
    return ParsedDocument(path, title[:255], blocks, "\n".join(lines))


def parse_html(path: Path, text: str) -> ParsedDocument:
    soup = BeautifulSoup(SHORTCODE.sub("", text), "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header", "form", "noscript"]):
        tag.decompose()
    heading = soup.find("h1") or soup.find("title")
    title = clean_line(heading.get_text(" ")) if heading else ""
    if heading is not None and heading.name == "h1":
        heading.decompose()
    blocks: list[str] = []
    seen: set[str] = {title.lower()}
    for element in soup.find_all(["p", "h2", "h3", "h4", "ul", "ol"]):
        if element.find_parent(["ul", "ol"]) is not None or element.find_parent("p") is not None:
            continue
        if element.name in ("ul", "ol"):
            items = [clean_line(li.get_text(" ")) for li in element.find_all("li")]
            items = [i for i in items if i]
            if items:
                blocks.append(f"<{element.name}>" + "".join(f"<li>{html.escape(i)}</li>" for i in items)
                              + f"</{element.name}>")
            continue
        line = clean_line(element.get_text(" "))
        if not line or line.lower() in seen:
            continue
        seen.add(line.lower())
        tag = "h3" if element.name in ("h2", "h3") else ("h4" if element.name == "h4" else "p")
        blocks.append(f"<{tag}>{html.escape(line)}</{tag}>")
    if not title:
        if not blocks:
            raise ImportError_(f"{path}: no text found")
        title = html.unescape(re.sub(r"<[^>]+>", "", blocks.pop(0)))
    if not blocks:
        raise ImportError_(f"{path}: no text found besides the title")
    return ParsedDocument(path, title[:255], blocks, soup.get_text("\n"))


def read_document(path: Path) -> ParsedDocument:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportError_(f"{path}: not a text file (neither UTF-8 nor Windows-1252)") from exc
    if "\x00" in text:
        raise ImportError_(f"{path}: not a text file (binary content)")
    is_html = path.suffix.lower() in (".html", ".htm") or bool(re.search(r"<(p|div|h1|body|html)\b", text, re.I))
    return parse_html(path, text) if is_html else parse_text(path, text)


def first_date(text: str) -> datetime.date | None:
    match = DATE.search(text)
    if not match:
        return None
    day, month_number, month_name, year = match.groups()
    month = int(month_number) if month_number else MONTHS[month_name.lower()]
    try:
        return datetime.date(int(year), month, int(day))
    except ValueError:
        return None


def event_times(doc: ParsedDocument) -> tuple[datetime.datetime, datetime.datetime | None]:
    from plugins.events.models import BERLIN

    day = first_date(doc.title + "\n" + doc.plain)
    if day is None:
        raise ImportError_(f"{doc.path}: an event needs a date, and none like '20. November 2024' or "
                           "'20.11.2024' was found")
    match = TIME_RANGE.search(doc.plain)
    if not match:
        return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=BERLIN), None
    h1, m1, h2, m2 = match.groups()
    start = datetime.datetime.combine(day, datetime.time(int(h1), int(m1 or 0)), tzinfo=BERLIN)
    end = datetime.datetime.combine(day, datetime.time(int(h2), int(m2 or 0)), tzinfo=BERLIN)
    return start, end if end > start else None


def page_for(type_name: str, doc: ParsedDocument):
    model = apps.get_model(PAGE_TYPES[type_name])
    body = [{"type": "rich_text", "value": "".join(doc.blocks), "id": str(uuid.uuid4())}]
    fields = {"title": doc.title, "teaser": doc.teaser or doc.title, "body": body, "live": False}
    if type_name == "reports":
        fields.update(author_name="Bitte ergänzen (Import)",
                      publication_date=first_date(doc.plain) or timezone.localdate())
    elif type_name == "events":
        start, end = event_times(doc)
        fields.update(start=start, end=end, all_day=end is None, event_format="in_person",
                      venue="Bitte ergänzen (Import)")
        if re.search(r"\b(zoom|online|webex|teams)\b", doc.plain, re.IGNORECASE):
            fields.update(event_format="online", venue="", online_access="Online (aus dem Import: bitte ergänzen)")
    return model(**fields)


def import_documents(type_name: str, paths: list[Path], locale_code: str | None = None) -> list:
    """Reads every file first; creates all drafts in one transaction, or none when any file fails."""
    if type_name not in PAGE_TYPES:
        raise ImportError_(f"unknown type {type_name!r}; choose one of: {', '.join(PAGE_TYPES)}")
    docs = [read_document(Path(p)) for p in paths]
    model = apps.get_model(PAGE_TYPES[type_name])
    index_model = apps.get_model(model.parent_page_types[0])
    locale = Locale.objects.get(language_code=locale_code) if locale_code else Locale.get_default()
    pages = [page_for(type_name, doc) for doc in docs]
    created = []
    with transaction.atomic():
        parent = index_model.objects.get(locale=locale)
        for page in pages:
            page.locale = locale
            parent.add_child(instance=page)
            page.save_revision()
            created.append(page)
    return created
