"""Old web texts saved as files (plain text or HTML, shortcodes and Gutenberg markup included) become
draft pages of one type; every file is read first, and nothing is written when one cannot be imported.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale

from cms.tooling.importing.markup import NoContent, read_markup
from cms.tooling.importing.pages import (
    ImageLocator,
    ImportProblem,
    PagePlan,
    create_draft,
    index_page,
    page_model,
    plan_page,
)


@dataclass
class DocumentResult:
    path: Path
    plan: PagePlan
    page: object = None  # the created page; None in a dry run


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportProblem(f"{path}: not a text file (neither UTF-8 nor Windows-1252)") from exc
    if "\x00" in text:
        raise ImportProblem(f"{path}: not a text file (binary content)")
    return text


def plan_document(type_name: str, path: Path) -> PagePlan:
    text = read_text(path)
    try:
        content = read_markup(text, force_html=path.suffix.lower() in (".html", ".htm"))
    except NoContent as exc:
        raise ImportProblem(f"{path}: {exc}") from exc
    if not content.blocks:
        raise ImportProblem(f"{path}: no text found besides the title")
    if not any(re.search(r"\w", b.html) for b in content.blocks if b.html) and not any(
            b.figure or b.quote for b in content.blocks):
        raise ImportProblem(f"{path}: no text found besides the title")
    return plan_page(type_name, content, ImageLocator(path.parent), label=str(path))


def import_documents(type_name: str, paths: list[Path], locale_code: str | None = None,
                     dry_run: bool = False) -> list[DocumentResult]:
    """Plans every file first; creates all drafts in one transaction, or none when any file fails."""
    page_model(type_name)
    results = [DocumentResult(Path(p), plan_document(type_name, Path(p))) for p in paths]
    try:
        locale = Locale.objects.get(language_code=locale_code) if locale_code else Locale.get_default()
    except Locale.DoesNotExist as exc:
        raise ImportProblem(f"unknown locale {locale_code!r}") from exc
    parent = index_page(type_name, locale)
    if dry_run:
        return results
    with transaction.atomic():
        for result in results:
            result.page = create_draft(result.plan, parent, locale)
    return results
