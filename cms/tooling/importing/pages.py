"""Draft pages and Wagtail images from read content, shared by both importers.

A plan is made for every input before anything is written, so `--dry-run` reports exactly what a real
run would create, and a real run writes nothing when an input cannot become a page.
"""

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.utils.file import hash_filelike

from cms.tooling.importing.markup import Content, Figure
from plugins.shared import content_types

PLACEHOLDER = "Bitte ergänzen (Import)"


class ImportProblem(ValueError):
    """An input that cannot become a page; the message names the input and the reason."""


def descriptor(type_name: str):
    try:
        return content_types.get(type_name)
    except LookupError:
        raise ImportProblem(f"unknown type {type_name!r}; choose one of: {', '.join(content_types.names())}") from None


def page_model(type_name: str):
    return descriptor(type_name).page_model


@dataclass
class Attachment:
    """A WordPress media item: its file's address and what the media library said about it."""

    url: str
    alt: str = ""
    caption: str = ""
    title: str = ""


class ImageLocator:
    """Finds the local file behind an image address: relative to the input or file://; for a WordPress
    export also a web address under wp-content/uploads/ found in the media folder or next to the export."""

    def __init__(self, base_dir: Path, media_dir: Path | None = None, attachments: dict[str, Attachment] | None = None,
                 find_uploads: bool = False):
        self.base_dir = base_dir
        self.find_uploads = find_uploads
        self.media_dir = media_dir
        self.attachments = attachments or {}

    def complete(self, figure: Figure) -> None:
        attachment = self.attachments.get(figure.attachment_id) or self.attachments.get(figure.src)
        if attachment is not None:
            figure.src = figure.src or attachment.url
            figure.alt = figure.alt or attachment.alt
            figure.caption = figure.caption or attachment.caption

    def locate(self, figure: Figure) -> Path | str:
        """The image file, or why it cannot be brought over."""
        self.complete(figure)
        src = figure.src
        if not src:
            return f"image (WordPress media item {figure.attachment_id}, not in the export)"
        if src.startswith("data:"):
            return "image embedded as data: address"
        parsed = urlparse(src)
        if parsed.scheme == "file":
            candidates = [Path(unquote(parsed.path))]
        elif parsed.scheme in ("http", "https") or src.startswith("//"):
            if not self.find_uploads:
                return f"remote image {src}"
            path = unquote(parsed.path)
            rest = path.split("/wp-content/uploads/", 1)[1] if "/wp-content/uploads/" in path else ""
            name = Path(path).name
            roots = [d for d in (self.media_dir, self.base_dir) if d is not None]
            candidates = []
            if rest:
                candidates += [root / rest for root in roots]
                candidates += [self.base_dir / "wp-content" / "uploads" / rest, self.base_dir / "uploads" / rest]
            candidates += [root / name for root in roots if name]
            if not any(c.is_file() for c in candidates):
                return f"remote image {src}"
        else:
            candidates = [self.base_dir / unquote(parsed.path)]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            return f"image {src} (file not found)"
        try:
            with PillowImage.open(found) as image:
                image.verify()
        except Exception:  # Pillow raises many kinds for a file that is not an image
            return f"image {src} (not a readable image file)"
        return found


@dataclass
class PagePlan:
    """What one input becomes, before anything is written."""

    type_name: str
    content: Content
    images: dict[int, Path] = field(default_factory=dict)  # block index -> local file
    fields: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    lead_image: tuple[Path, Figure] | None = None

    @property
    def skipped(self) -> list[str]:
        return self.content.skipped

    def summary(self) -> str:
        texts = sum(1 for b in self.content.blocks if b.html)
        quotes = sum(1 for b in self.content.blocks if b.quote)
        parts = [f"{texts} text block(s)", f"{len(self.images)} image(s)"]
        if quotes:
            parts.append(f"{quotes} quote(s)")
        line = ", ".join(parts)
        if self.lead_image:
            line += ", lead image"
        if self.skipped:
            line += "; could not bring over: " + ", ".join(dict.fromkeys(self.skipped))
        if self.notes:
            line += "; please check: " + ", ".join(self.notes)
        return line


def plan_page(type_name: str, content: Content, locator: ImageLocator, *, label: str,
              hints: dict | None = None) -> PagePlan:
    """Locates the images and fills the type's required fields; raises ImportProblem naming `label`."""
    page_model(type_name)
    plan = PagePlan(type_name, content)
    for index, block in enumerate(content.blocks):
        if block.figure is None:
            continue
        found = locator.locate(block.figure)
        if isinstance(found, str):
            content.skipped.append(found)
        else:
            plan.images[index] = found
            if not block.figure.alt:
                plan.notes.append(f"alt text of image {found.name}")
    hints = hints or {}
    lead = hints.pop("lead_image", None)
    if lead is not None:
        found = locator.locate(lead)
        if isinstance(found, str):
            content.skipped.append(f"lead {found}")
        else:
            plan.lead_image = (found, lead)
    plan.fields = type_fields(type_name, content, label, hints, plan.notes)
    return plan


def type_fields(type_name: str, content: Content, label: str, hints: dict, notes: list[str]) -> dict:
    """The fields every draft needs, and the type's required ones as far as the text tells them (the
    type's importer hook: `draft_fields(content, hints, notes, placeholder)`; a ValueError from it names
    what the input lacks)."""
    fields = {"title": content.title, "teaser": hints.get("teaser") or content.teaser or content.title}
    hook = descriptor(type_name).load("importer")
    if hook is not None:
        try:
            fields.update(hook.draft_fields(content, hints, notes, PLACEHOLDER))
        except ValueError as exc:
            raise ImportProblem(f"{label}: {exc}") from None
    return fields


def wagtail_image(path: Path, title: str):
    """The Wagtail image for a file; the same file imported twice is one image (matched by its hash)."""
    model = get_image_model()
    with path.open("rb") as handle:
        digest = hash_filelike(handle)
    existing = model.objects.filter(file_hash=digest).first()
    if existing is not None:
        return existing
    with path.open("rb") as handle:
        image = model(title=(title or path.stem)[:255], file=ImageFile(handle, name=path.name))
        image._set_image_file_metadata()
        image.save()
    return image


def body_value(plan: PagePlan) -> list[dict]:
    body: list[dict] = []
    texts: list[str] = []

    def flush():
        if texts:
            body.append({"type": "rich_text", "value": "".join(texts), "id": str(uuid.uuid4())})
            texts.clear()

    for index, block in enumerate(plan.content.blocks):
        if block.html:
            texts.append(block.html)
            continue
        flush()
        if block.quote:
            body.append({"type": "quote", "id": str(uuid.uuid4()),
                         "value": {"text": block.quote[0], "attribution": block.quote[1][:255]}})
        elif index in plan.images:
            figure, path = block.figure, plan.images[index]
            image = wagtail_image(path, figure.alt or figure.caption or path.stem)
            body.append({"type": "image", "id": str(uuid.uuid4()), "value": {
                "image": image.pk, "alt_text": (figure.alt or figure.caption or f"Bild {path.stem}")[:255],
                "caption": figure.caption[:500], "credit": ""}})
    flush()
    return body


def page_values(plan: PagePlan) -> dict:
    values = dict(plan.fields, body=body_value(plan))
    if plan.lead_image is not None:
        path, figure = plan.lead_image
        values.update(lead_image=wagtail_image(path, figure.alt or path.stem),
                      lead_image_alt=(figure.alt or figure.caption or f"Bild {path.stem}")[:255],
                      lead_image_caption=figure.caption[:500])
    return values


def create_draft(plan: PagePlan, parent, locale):
    page = page_model(plan.type_name)(**page_values(plan), live=False)
    page.locale = locale
    parent.add_child(instance=page)
    page.save_revision()
    return page


def update_draft(plan: PagePlan, page):
    """A new revision with the imported content; a page an editor has published meanwhile stays as published."""
    for name, value in page_values(plan).items():
        setattr(page, name, value)
    if not page.live:
        page.save()
    page.save_revision()
    return page


def index_page(type_name: str, locale):
    index_model = descriptor(type_name).index_model
    try:
        return index_model.objects.get(locale=locale)
    except index_model.DoesNotExist as exc:
        raise ImportProblem(f"there is no {index_model._meta.verbose_name} in locale {locale.language_code} "
                            "to put the pages under") from exc
