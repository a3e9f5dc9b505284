"""Builds the demo content: the shared snippets from cms/tooling/demo/snippets.yaml, then each
content type's pages from the type's own demo module (its descriptor's `demo`).

A type's demo module has `DATA` (the path of its YAML file, whose top-level key is the type's name),
`page_fields(loader, item) -> dict` (the type's own fields of one page), and may have `AFTER` (the
types whose pages its pages refer to, loaded first), `load_snippets(loader, data)` (the type's own
snippets) and `finish(loader, item)` (links made once every page exists). It reaches what is loaded
through the loader: `organisations`, `contacts`, `topics`, `regions`, `pages[(type, key)]`, `text()`,
`when()`, `stream()`, `image()`, `document()`, `snippet()`.

Translatable text in the files is a mapping {de: ..., en: ...}: the German side becomes the source
object, the other side becomes wagtail-localize string translations, so the admin shows real,
syncable translations. Objects are found again by their natural keys (slugs, names, e-mail), so a
second run creates nothing; everything happens in one transaction, so a failure leaves nothing behind.
"""

import datetime
import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale

from plugins.shared import content_types
from plugins.shared.models import (
    ContactPerson,
    Organisation,
    PageContact,
    PagePartner,
    PageRegion,
    PageTopic,
    Partner,
    Region,
    Topic,
)
from plugins.shared.site_structure import ensure_site_structure
from plugins.shared.translation import html_pairs, plain_pair, translate_with_strings

DEMO_DIR = Path(__file__).resolve().parent / "demo"
SOURCE = "de"


def is_pair(value) -> bool:
    return isinstance(value, dict) and SOURCE in value and set(value) <= {"de", "en"}


def source_of(value):
    """The German side of a value with {de, en} pairs anywhere inside."""
    if is_pair(value):
        return value[SOURCE]
    if isinstance(value, dict):
        return {key: source_of(item) for key, item in value.items()}
    if isinstance(value, list):
        return [source_of(item) for item in value]
    return value


def strings_of(value, language: str) -> dict[str, str]:
    """Source string -> translated string for every pair inside `value`."""
    found: dict[str, str] = {}
    if is_pair(value):
        source, target = value[SOURCE] or "", value.get(language) or ""
        if source and target:
            looks_html = source.lstrip().startswith("<")
            found.update(html_pairs(source, target) if looks_html else plain_pair(source, target))
    elif isinstance(value, dict):
        for item in value.values():
            found.update(strings_of(item, language))
    elif isinstance(value, list):
        for item in value:
            found.update(strings_of(item, language))
    return found


def text(value) -> str:
    return source_of(value) or ""


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


class DemoLoader:
    def __init__(self, data_dir: Path | None = None, stdout=None):
        self.data_dir = data_dir or DEMO_DIR
        self.stdout = stdout
        self.report = Report()
        self.topics: dict[str, Topic] = {}
        self.regions: dict[str, Region] = {}
        self.organisations: dict[str, Organisation] = {}
        self.contacts: dict[str, ContactPerson] = {}
        self.snippets: dict[str, dict] = {}  # a type's own snippets by kind, then key
        self.pages: dict[tuple[str, str], object] = {}
        self.translate_later: list[tuple[object, dict]] = []

    def read(self, path: Path) -> dict:
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"cannot read demo data file {path}: {exc}") from exc

    def type_modules(self) -> list[tuple[str, object]]:
        """(type name, demo module) of every content type with demo data, each after the types it refers to."""
        modules = {d.name: d.load("demo") for d in content_types.all() if d.demo}
        ordered: list[tuple[str, object]] = []
        pending = dict(modules)
        while pending:
            ready = [name for name, module in pending.items()
                     if all(dep not in pending for dep in getattr(module, "AFTER", ()))]
            if not ready:
                raise ValueError(f"demo data of {', '.join(pending)} refer to each other in a circle")
            for name in ready:
                ordered.append((name, pending.pop(name)))
        return ordered

    @transaction.atomic
    def load(self) -> Report:
        ensure_site_structure()
        self.source = Locale.objects.get(language_code=SOURCE)
        self.targets = list(Locale.objects.exclude(pk=self.source.pk))
        types = self.type_modules()
        snippets = self.read(self.data_dir / "snippets.yaml")
        data = {name: self.read(module.DATA) for name, module in types}
        self.load_snippets(snippets, types, data)
        for name, module in types:
            descriptor = content_types.get(name)
            for item in data[name].get(name, []):
                self.page(descriptor, item, module.page_fields)
        for name, module in types:
            if hasattr(module, "finish"):
                for item in data[name].get(name, []):
                    module.finish(self, item)
        for instance, item in self.translate_later:
            self.translate(instance, item)
        return self.report

    # snippets --------------------------------------------------------------------------------

    def translate(self, instance, item: dict) -> None:
        for locale in self.targets:
            if instance.has_translation(locale):
                continue
            strings = strings_of(item, locale.language_code)
            title = item.get("title")
            if item.get("slug") and is_pair(title) and title.get(locale.language_code):
                strings.update(plain_pair(item["slug"], slugify(title[locale.language_code])))
            credit = (item.get("lead_image") or {}).get("credit") or ""
            if credit.startswith("Foto:") and locale.language_code == "en":
                strings.update(plain_pair(credit, "Photo:" + credit[len("Foto:"):]))
            # Strings the demo data gives no translation for are names (speakers, venues): kept as they are,
            # so the translation is finished and published as an editor would.
            translate_with_strings(instance, locale, strings, confirm_rest=True)
            self.report.count(f"{type(instance).__name__} translation")

    def snippet(self, model, lookup: dict, values: dict, item: dict, registry: dict):
        instance = model.objects.filter(locale=self.source, **lookup).first()
        if instance is None:
            instance = model.objects.create(locale=self.source, **lookup, **values)
            self.report.count(model.__name__)
        registry[item["key"]] = instance
        self.translate_later.append((instance, item))
        return instance

    def load_snippets(self, data: dict, types=(), type_data=None) -> None:
        for item in data.get("topics", []):
            self.snippet(Topic, {"slug": item["slug"]}, {"name": text(item["name"])}, item, self.topics)
        pending = list(data.get("regions", []))
        while pending:  # parents before children
            ready = [r for r in pending if not r.get("parent") or r["parent"] in self.regions]
            if not ready:
                raise ValueError(f"regions with unknown parents: {[r['key'] for r in pending]}")
            for item in ready:
                pending.remove(item)
                self.snippet(
                    Region, {"slug": item["slug"]},
                    {"name": text(item["name"]), "kind": item["kind"],
                     "parent": self.regions.get(item.get("parent"))},
                    item, self.regions,
                )
        for item in data.get("organisations", []):
            self.snippet(
                Organisation, {"name": text(item["name"])},
                {"kind": item["kind"], "website": item.get("website") or "",
                 "region": self.regions.get(item.get("region")), "description": text(item.get("description"))},
                item, self.organisations,
            )
        for item in data.get("contacts", []):
            self.snippet(
                ContactPerson, {"email": item["email"]},
                {"name": item["name"], "role": text(item.get("role")), "phone": item.get("phone") or "",
                 "organisation": self.organisations.get(item.get("organisation"))},
                item, self.contacts,
            )
        for name, module in types:
            if hasattr(module, "load_snippets"):
                module.load_snippets(self, type_data[name])
        # Snippets are translated before pages so that pages' links resolve to translated snippets.
        for instance, item in self.translate_later:
            self.translate(instance, item)
        self.translate_later = []

    # pages -----------------------------------------------------------------------------------

    def page(self, descriptor, item: dict, type_fields) -> None:
        model = descriptor.page_model
        parent = descriptor.index_model.objects.get(locale=self.source)
        page = model.objects.filter(locale=self.source, slug=item["slug"]).first()
        if page is None:
            page = model(locale=self.source, slug=item["slug"], **self.common_fields(item), **type_fields(self, item))
            page.topic_links = [PageTopic(topic=self.topics[key]) for key in item.get("topics", [])]
            page.region_links = [PageRegion(region=self.regions[key]) for key in item.get("regions", [])]
            page.contact_links = [PageContact(contact=self.contacts[key]) for key in item.get("contacts", [])]
            page.partner_links = [
                PagePartner(partner=Partner.objects.get(slug=slug)) for slug in item.get("partners", [])
            ]
            parent.add_child(instance=page)
            page.full_clean()
            page.save_revision().publish()
            self.report.count(model.__name__)
        self.pages[(descriptor.name, item["key"])] = page
        self.translate_later.append((page, item))

    def common_fields(self, item: dict) -> dict:
        image = item.get("lead_image") or {}
        return {
            "title": text(item["title"]),
            "teaser": text(item["teaser"]),
            "lead_image": self.image(text(item["title"]), image.get("color", "#5a6b7c")) if image else None,
            "lead_image_alt": text(image.get("alt")),
            "lead_image_caption": text(image.get("caption")),
            "lead_image_credit": image.get("credit") or "",
            "body": self.stream(item.get("body", [])),
        }

    def stream(self, blocks: list[dict]) -> list[dict]:
        return [{"type": block["type"], "value": source_of(block["value"]), "id": str(uuid.uuid4())}
                for block in blocks]

    text = staticmethod(text)

    @staticmethod
    def when(value):
        if value is None or isinstance(value, datetime.datetime):
            return value
        parsed = parse_datetime(str(value))
        if parsed is None:
            raise ValueError(f"not an ISO datetime with offset: {value!r}")
        return parsed

    # media -----------------------------------------------------------------------------------

    def image(self, title: str, color: str):
        image_model = get_image_model()
        existing = image_model.objects.filter(title=title).first()
        if existing:
            return existing
        picture = PILImage.new("RGB", (1600, 900), color)
        draw = ImageDraw.Draw(picture)
        for step in range(0, 1600, 80):
            draw.line([(step, 900), (step + 450, 0)], fill="#ffffff", width=3)
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=80)
        name = f"demo-{uuid.uuid5(uuid.NAMESPACE_URL, title).hex[:12]}.jpg"
        image = image_model.objects.create(title=title, file=ImageFile(buffer, name=name))
        self.report.count("Image")
        return image

    def document(self, title: str, filename: str, description: str):
        document_model = get_document_model()
        existing = document_model.objects.filter(title=title).first()
        if existing:
            return existing
        document = document_model(title=title)
        document.file.save(filename, ContentFile(minimal_pdf(title, description)), save=False)
        document.save()
        self.report.count("Document")
        return document


def minimal_pdf(title: str, description: str) -> bytes:
    """A one-page PDF with the title, so demo attachments open in any viewer."""
    def esc(value: str) -> str:
        return value.encode("latin-1", "replace").decode("latin-1").replace("\\", "\\\\").replace(
            "(", "\\(").replace(")", "\\)")

    stream = f"BT /F1 18 Tf 72 760 Td ({esc(title)}) Tj /F1 11 Tf 0 -28 Td ({esc(description[:90])}) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
