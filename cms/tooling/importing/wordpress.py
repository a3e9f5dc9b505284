"""A WordPress export file (WXR, from WordPress's own "Export" tool) becomes draft pages.

Items are mapped to content types by category or post type; every page remembers the item's GUID
(`WordPressImport`), so importing the same export again adds a revision to the same draft instead of
creating a second page. Items that no mapping covers are listed, never dropped silently.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml.ElementTree import parse as parse_xml
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from cms.tooling.importing.markup import Figure, NoContent, read_markup, shorten, text_of
from cms.tooling.importing.pages import (
    Attachment,
    ImageLocator,
    ImportProblem,
    PagePlan,
    create_draft,
    index_page,
    page_model,
    plan_page,
    update_draft,
)
from plugins.shared import content_types
from plugins.shared.models import WordPressImport

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
WP_NS_PREFIX = "http://wordpress.org/export/"
# Post types and statuses WordPress keeps for itself (menus, revisions, templates, page-builder layouts).
NOT_CONTENT_TYPES = {
    "revision", "nav_menu_item", "custom_css", "customize_changeset", "oembed_cache", "user_request", "wp_block",
    "wp_template", "wp_template_part", "wp_global_styles", "wp_navigation", "wp_font_family", "wp_font_face",
    "fusion_template", "fusion_element", "fusion_tb_section", "fusion_tb_layout", "fusion_icons", "fusion_form",
    "et_pb_layout", "et_theme_builder", "et_template", "et_header_layout", "et_body_layout", "et_footer_layout",
    "vc_grid_item", "templatera", "acf-field-group", "acf-field", "wpcf7_contact_form", "elementor_library",
}
NOT_CONTENT_STATUSES = {"trash", "auto-draft", "inherit"}


@dataclass
class WxrItem:
    guid: str
    title: str
    link: str
    post_id: str
    post_type: str
    status: str
    content: str
    excerpt: str
    post_date: datetime.datetime | None
    author: str
    categories: list[tuple[str, str]] = field(default_factory=list)  # (nicename, name)
    meta: dict[str, str] = field(default_factory=dict)
    attachment_url: str = ""
    password_protected: bool = False

    def describe(self) -> str:
        categories = ", ".join(name for _, name in self.categories)
        return f"“{self.title or self.guid}” ({self.post_type}" + (f"; categories: {categories})" if categories
                                                                   else ")")


@dataclass
class Export:
    site_url: str
    items: list[WxrItem]
    attachments: dict[str, Attachment]


def namespace_kind(tag: str) -> tuple[str, str]:
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if namespace == CONTENT_NS:
        return "content", name
    if namespace == DC_NS:
        return "dc", name
    if namespace.startswith(WP_NS_PREFIX):
        return ("excerpt" if namespace.rstrip("/").endswith("excerpt") else "wp"), name
    return namespace, name


def child_text(element: Element, kind: str, name: str) -> str:
    for child in element:
        if namespace_kind(child.tag) == (kind, name):
            return (child.text or "").strip() if name not in ("encoded",) else (child.text or "")
    return ""


def wxr_date(item: Element) -> datetime.datetime | None:
    """The post's date: WordPress's GMT column, else its local time read in the hub's time zone."""
    for name, tz in (("post_date_gmt", datetime.UTC), ("post_date", None)):
        value = child_text(item, "wp", name)
        if value and not value.startswith("0000"):
            try:
                moment = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
            return moment.replace(tzinfo=tz or timezone.get_default_timezone())
    return None


def read_wxr(path: Path) -> Export:
    """Parses the export with entity declarations refused (no billion laughs, no external entities)."""
    try:
        tree = parse_xml(str(path))
    except OSError as exc:
        raise ImportProblem(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    except defusedxml.DefusedXmlException as exc:
        raise ImportProblem(f"{path}: refused, the file declares XML entities ({exc}); a WordPress export never "
                            "does") from exc
    except ParseError as exc:
        raise ImportProblem(f"{path}: not a readable XML file ({exc})") from exc
    channel = tree.getroot().find("channel")
    if channel is None or not any(namespace_kind(c.tag)[0] == "wp" for c in channel):
        raise ImportProblem(f"{path}: not a WordPress export (WXR): no <channel> with wp: elements")
    authors = {}
    for author in channel:
        if namespace_kind(author.tag) == ("wp", "author"):
            name = (child_text(author, "wp", "author_display_name")
                    or " ".join(filter(None, (child_text(author, "wp", "author_first_name"),
                                              child_text(author, "wp", "author_last_name")))))
            authors[child_text(author, "wp", "author_login")] = name
    items, attachments = [], {}
    for element in channel.findall("item"):
        login = child_text(element, "dc", "creator")
        author = authors.get(login) or ("" if "@" in login else login)
        meta = {}
        for postmeta in element:
            if namespace_kind(postmeta.tag) == ("wp", "postmeta"):
                meta[child_text(postmeta, "wp", "meta_key")] = child_text(postmeta, "wp", "meta_value")
        item = WxrItem(
            guid=(element.findtext("guid") or "").strip(), title=(element.findtext("title") or "").strip(),
            link=(element.findtext("link") or "").strip(), post_id=child_text(element, "wp", "post_id"),
            post_type=child_text(element, "wp", "post_type") or "post", status=child_text(element, "wp", "status"),
            content=child_text(element, "content", "encoded"), excerpt=child_text(element, "excerpt", "encoded"),
            post_date=wxr_date(element), author=author, meta=meta,
            categories=[(c.get("nicename") or "", (c.text or "").strip()) for c in element.findall("category")],
            attachment_url=child_text(element, "wp", "attachment_url"),
            password_protected=bool(child_text(element, "wp", "post_password")),
        )
        item.guid = item.guid or item.link or f"wordpress-post-{item.post_id}"
        if item.post_type == "attachment":
            url = item.attachment_url or item.guid
            attachment = Attachment(url=url, alt=meta.get("_wp_attachment_image_alt", ""),
                                    caption=text_of(item.excerpt), title=item.title)
            attachments[item.post_id] = attachments[url] = attachment
        else:
            items.append(item)
    site_url = (child_text(channel, "wp", "base_site_url") or channel.findtext("link") or "").strip()
    return Export(site_url, items, attachments)


def parse_maps(values: list[str]) -> list[tuple[str, str]]:
    """`CATEGORY=TYPE` pairs, in the order given; the first that matches an item wins."""
    maps = []
    for value in values:
        key, sep, type_name = value.partition("=")
        if not sep or not key.strip():
            raise ImportProblem(f"--map {value!r}: expected CATEGORY=TYPE, e.g. --map veranstaltungen=events")
        if type_name.strip() not in content_types.names():
            raise ImportProblem(f"--map {value!r}: unknown type {type_name.strip()!r}; choose one of: "
                                f"{', '.join(content_types.names())}")
        maps.append((key.strip().lower(), type_name.strip()))
    return maps


def type_for(item: WxrItem, maps: list[tuple[str, str]]) -> str | None:
    names = {item.post_type.lower()} | {n.lower() for pair in item.categories for n in pair if n}
    return next((type_name for key, type_name in maps if key in names), None)


@dataclass
class ItemResult:
    item: WxrItem
    action: str  # created, updated, would create, would update
    type_name: str
    plan: PagePlan
    page: object = None


@dataclass
class WordPressReport:
    results: list[ItemResult] = field(default_factory=list)
    unmapped: list[WxrItem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_content: dict[str, int] = field(default_factory=dict)


def import_wordpress(path: Path, map_values: list[str], media_dir: Path | None = None,
                     locale_code: str | None = None, dry_run: bool = False) -> WordPressReport:
    maps = parse_maps(map_values)
    if media_dir is not None and not media_dir.is_dir():
        raise ImportProblem(f"--media-dir {media_dir}: not a directory")
    export = read_wxr(path)
    try:
        locale = Locale.objects.get(language_code=locale_code) if locale_code else Locale.get_default()
    except Locale.DoesNotExist as exc:
        raise ImportProblem(f"unknown locale {locale_code!r}") from exc
    locator = ImageLocator(path.parent, media_dir, export.attachments, find_uploads=True)
    report = WordPressReport()
    for item in export.items:
        if item.post_type in NOT_CONTENT_TYPES or item.status in NOT_CONTENT_STATUSES:
            key = item.post_type if item.post_type in NOT_CONTENT_TYPES else f"status {item.status}"
            report.not_content[key] = report.not_content.get(key, 0) + 1
            continue
        type_name = type_for(item, maps)
        if type_name is None:
            report.unmapped.append(item)
            continue
        try:
            result = import_item(item, type_name, export, locator, locale, dry_run)
        except (ImportProblem, NoContent) as exc:
            report.failed.append(f"{item.describe()}: {exc}")
            continue
        report.results.append(result)
    return report


def import_item(item: WxrItem, type_name: str, export: Export, locator: ImageLocator, locale,
                dry_run: bool) -> ItemResult:
    record = WordPressImport.objects.filter(guid=item.guid).select_related("page").first()
    page = record.page.specific if record is not None else None
    model = page_model(type_name)
    if page is not None and not isinstance(page, model):
        raise ImportProblem(f"imported before as {page._meta.verbose_name} {page.pk}, now mapped to "
                            f"{type_name}; left unchanged")

    def resolve_link(href: str) -> str:
        return urljoin(export.site_url.rstrip("/") + "/", href) if href.startswith("/") and export.site_url else href

    content = read_markup(item.content, title=item.title or None, force_html=True, resolve_link=resolve_link)
    hints = {"teaser": shorten(text_of(item.excerpt), 300), "author_name": item.author,
             "publication_date": item.post_date.date() if item.post_date else None}
    thumbnail = item.meta.get("_thumbnail_id", "")
    if thumbnail:
        hints["lead_image"] = Figure(src="", attachment_id=thumbnail)
    plan = plan_page(type_name, content, locator, label=item.describe(), hints=hints)
    if item.password_protected:
        plan.notes.append("who may see it (password-protected in WordPress)")
    if dry_run:
        return ItemResult(item, "would update" if page is not None else "would create", type_name, plan, page)
    details = {"post_type": item.post_type, "post_date": item.post_date, "author": item.author[:255],
               "link": item.link[:500]}
    with transaction.atomic():
        if page is not None:
            page = update_draft(plan, page)
            for name, value in details.items():
                setattr(record, name, value)
            record.save()
            return ItemResult(item, "updated", type_name, plan, page)
        page = create_draft(plan, index_page(type_name, locale), locale)
        WordPressImport.objects.create(guid=item.guid, page=page, **details)
    return ItemResult(item, "created", type_name, plan, page)

