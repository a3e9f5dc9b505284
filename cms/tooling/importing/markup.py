"""Reads old web content (plain text, HTML, WordPress page-builder shortcodes, Gutenberg markup) into
body blocks, and names everything it cannot bring over instead of dropping it silently.

Shortcodes are parsed into a tree first (as WordPress does), so text directly inside
`[fusion_builder_container]…[/fusion_builder_container]` survives, and shortcodes that carry content
in their attributes (images, headings, buttons) are turned into the HTML they stand for. The HTML is
then walked once: paragraphs, headings, lists and links become rich text; images become figures;
forms, embeds and scripts are reported.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from wagtail.embeds.oembed_providers import all_providers

LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")
HTML_MARKUP = re.compile(r"<(?:p|div|h[1-6]|body|html|ul|ol|li|a|img|figure|br|span|strong|em|b|i|iframe|form|"
                         r"section|table|blockquote|script)\b|<!--", re.IGNORECASE)
SHORTCODE_TOKEN = re.compile(r"\[(/?)([A-Za-z][\w-]*)((?:\s[^\[\]]*?)?)\s*(/?)\]")
SHORTCODE_ATTR = re.compile(r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)""")
BUILDER_PREFIXES = ("fusion_", "vc_", "et_pb_", "su_", "av_")
FORM_SHORTCODES = {
    "contact-form-7", "contact-form", "cf7", "gravityform", "gravityforms", "wpforms", "ninja_form", "ninja_forms",
    "formidable", "mc4wp_form", "fusion_form", "et_pb_contact_form", "caldera_form", "forminator_form",
    "fluentform", "newsletter", "newsletter_form",
}
EMBED_SHORTCODES = {
    "embed", "video", "audio", "playlist", "fusion_youtube", "fusion_vimeo", "fusion_video", "fusion_soundcloud",
    "fusion_map", "vc_video", "vc_gmaps", "et_pb_video", "et_pb_video_slider", "et_pb_audio", "et_pb_map",
    "et_pb_fullwidth_map",
}
CODE_SHORTCODES = {"vc_raw_html", "vc_raw_js", "fusion_code", "et_pb_code", "et_pb_fullwidth_code"}
GALLERY_SHORTCODES = {"gallery": "ids", "vc_gallery": "images", "vc_images_carousel": "images",
                      "et_pb_gallery": "gallery_ids", "fusion_gallery": "image_ids"}
CAPTION_SHORTCODES = {"caption", "wp_caption"}
KNOWN_SHORTCODES = (FORM_SHORTCODES | EMBED_SHORTCODES | CODE_SHORTCODES | set(GALLERY_SHORTCODES)
                    | CAPTION_SHORTCODES)
# Shortcodes whose heading lives in an attribute: name -> attribute.
HEADING_ATTRIBUTES = {
    "vc_custom_heading": "text", "et_pb_blurb": "title", "et_pb_cta": "title", "fusion_tagline_box": "title",
    "fusion_toggle": "title", "vc_tta_section": "title", "vc_toggle": "title", "et_pb_tab": "title",
    "et_pb_toggle": "title", "et_pb_accordion_item": "title", "vc_cta": "h2", "fusion_content_box": "title",
    "et_pb_slide": "heading", "fusion_flip_box": "title_front",
}
# Shortcodes that are a link button: name -> (URL attribute, label attribute or None for the inner text).
BUTTON_ATTRIBUTES = {
    "fusion_button": ("link", None), "et_pb_button": ("button_url", "button_text"),
    "et_pb_cta": ("button_url", "button_text"), "vc_btn": ("link", "title"), "vc_button": ("link", "title"),
    "vc_button2": ("link", "title"), "fusion_tagline_box": ("link", "button"), "et_pb_slide": ("button_link",
                                                                                                "button_text"),
}
INLINE_TAGS = {"a", "b", "strong", "i", "em", "span", "br", "u", "small", "sup", "sub", "code", "abbr", "font",
               "mark", "time", "label", "cite", "q", "s", "del", "ins", "big", "tt", "var", "kbd", "wbr", "img"}
SILENT_TAGS = {"style", "noscript", "template", "nav", "header", "footer", "hr", "meta", "link", "head", "svg"}
EMBED_TAGS = {"iframe", "video", "audio", "object", "embed", "canvas"}
FORM_TAGS = {"form", "input", "button", "select", "textarea"}
OEMBED_URLS = [re.compile(pattern) for provider in all_providers for pattern in provider["urls"]]


@dataclass
class Figure:
    """An image the old page showed: where it was, what it said to those who cannot see it."""

    src: str
    alt: str = ""
    caption: str = ""
    attachment_id: str = ""


@dataclass
class Block:
    """One piece of the body: rich-text HTML (p, h3, h4, ul, ol), a figure or a quote."""

    html: str = ""
    figure: Figure | None = None
    quote: tuple[str, str] | None = None


@dataclass
class Content:
    """A text as read: its title, body blocks, what could not be brought over, and its plain text."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    plain: str = ""

    @property
    def teaser(self) -> str:
        paragraphs = [b.html for b in self.blocks if b.html.startswith("<p>")]
        first = next((p for p in paragraphs if len(p.split()) >= 12), paragraphs[0] if paragraphs else "")
        return shorten(text_of(first), 300)


class NoContent(ValueError):
    """The input held nothing that can become a page."""


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + " …"


def is_oembed_url(text: str) -> bool:
    return bool(re.fullmatch(r"https?://\S+", text)) and any(p.match(text) for p in OEMBED_URLS)


# --- shortcodes -------------------------------------------------------------------------------------------


@dataclass
class Shortcode:
    name: str
    attrs: dict[str, str]
    source: str
    children: list = field(default_factory=list)  # str | Shortcode


def shortcode_attrs(text: str) -> dict[str, str]:
    attrs = {}
    for match in SHORTCODE_ATTR.finditer(text):
        name = match.group(1) or match.group(3) or match.group(5)
        value = next(v for v in (match.group(2), match.group(4), match.group(6)) if v is not None)
        attrs[name.lower()] = html.unescape(value)
    return attrs


def is_shortcode(match: re.Match, closing_names: dict[str, int]) -> bool:
    """Builder and known shortcodes, any tag with attributes or a closing tag; a bare "[sic]" stays text."""
    closing, name, attrs, self_closing = match.groups()
    lowered = name.lower()
    return bool(
        closing or self_closing or lowered.startswith(BUILDER_PREFIXES) or lowered in KNOWN_SHORTCODES
        or "=" in attrs or lowered in closing_names
    )


def shortcode_tree(text: str) -> list:
    """Nests shortcodes as WordPress does: an opening tag without a later closing one stands alone, and
    closing tags without an opening one are dropped."""
    root = Shortcode("", {}, "")
    stack = [root]
    last_closing = {m.group(1).lower(): m.start() for m in re.finditer(r"\[/([A-Za-z][\w-]*)\]", text)}
    position = 0
    for match in SHORTCODE_TOKEN.finditer(text):
        if not is_shortcode(match, last_closing) or text[max(match.start() - 1, 0):match.start()] == "[":
            continue
        stack[-1].children.append(text[position:match.start()])
        position = match.end()
        closing, name, attrs, self_closing = match.groups()
        name = name.lower()
        if closing:
            if any(node.name == name for node in stack[1:]):
                while stack[-1].name != name:
                    stack.pop()
                stack.pop()
            continue
        node = Shortcode(name, shortcode_attrs(attrs), match.group(0))
        stack[-1].children.append(node)
        if not self_closing and last_closing.get(name, -1) > match.end():
            stack.append(node)
    stack[0].children.append(text[position:])
    return root.children


def vc_link(value: str) -> str:
    """WPBakery stores links as `url:https%3A%2F%2F…|title:…`."""
    for part in value.split("|"):
        if part.startswith("url:"):
            return unquote(part[4:])
    return value


def tag(name: str, inner: str, **attrs: str) -> str:
    attributes = "".join(f' {key.replace("_", "-")}="{html.escape(value)}"' for key, value in attrs.items() if value)
    return f"<{name}{attributes}>{inner}</{name}>"


class ShortcodeRenderer:
    """Turns the shortcode tree back into HTML that says what each shortcode showed."""

    def __init__(self, plain: bool, skipped: list[str]):
        self.plain = plain
        self.skipped = skipped

    def render(self, nodes: list) -> str:
        return "".join(self.render_text(n) if isinstance(n, str) else self.render_node(n) for n in nodes)

    def render_text(self, text: str) -> str:
        return html.escape(text, quote=False) if self.plain else text

    def inner_text(self, node: Shortcode) -> str:
        return text_of(self.render(node.children))

    def render_node(self, node: Shortcode) -> str:
        name, attrs = node.name, node.attrs
        source = shorten(node.source, 80)
        if name in FORM_SHORTCODES:
            self.skipped.append(f"form {source}")
            return "\n\n"
        if name in CODE_SHORTCODES:
            self.skipped.append(f"custom code {source}")
            return "\n\n"
        if name in EMBED_SHORTCODES:
            url = self.inner_text(node) or next((attrs[k] for k in ("src", "url", "link", "video_url", "mp4", "id")
                                                 if attrs.get(k)), "")
            self.skipped.append(f"embed {url or source}")
            return "\n\n"
        if name in GALLERY_SHORTCODES:
            ids = [i.strip() for i in attrs.get(GALLERY_SHORTCODES[name], "").split(",") if i.strip().isdigit()]
            if not ids:
                self.skipped.append(f"gallery {source}")
            return "\n\n" + "".join(tag("figure", tag("img", "", data_attachment_id=i)) for i in ids) + "\n\n"
        if name in CAPTION_SHORTCODES:
            return "\n\n" + tag("figure", self.render(node.children), data_caption=attrs.get("caption", "")) + "\n\n"
        image = self.image(node)
        if image is not None:
            return image
        parts = []
        if name in HEADING_ATTRIBUTES and attrs.get(HEADING_ATTRIBUTES[name]):
            parts.append(tag("h3", html.escape(attrs[HEADING_ATTRIBUTES[name]])))
        if name == "fusion_title":
            parts.append(tag("h3", self.render(node.children)))
        elif name in ("fusion_li_item", "et_pb_li"):
            parts.append(tag("li", self.render(node.children)))
        elif name == "fusion_checklist":
            parts.append(tag("ul", self.render(node.children)))
        elif name in ("et_pb_testimonial", "fusion_testimonial"):
            parts.append(tag("blockquote", self.render(node.children)
                             + tag("cite", html.escape(attrs.get("author") or attrs.get("name", "")))))
        elif name in BUTTON_ATTRIBUTES:
            url_attr, label_attr = BUTTON_ATTRIBUTES[name]
            url = vc_link(attrs.get(url_attr, ""))
            label = html.escape(attrs.get(label_attr, "")) if label_attr else self.render(node.children)
            if name != "fusion_button":
                parts.append(self.render(node.children))
            if url and text_of(label):
                parts.append(tag("p", tag("a", label, href=url)))
            elif text_of(label):
                parts.append(tag("p", label))
        else:
            parts.append(self.render(node.children))
        return "\n\n" + "\n\n".join(parts) + "\n\n"

    def image(self, node: Shortcode) -> str | None:
        name, attrs = node.name, node.attrs
        if name == "fusion_imageframe":
            src = self.inner_text(node) or attrs.get("src", "")
            attachment = attrs.get("image_id", "").split("|")[0]
        elif name in ("vc_single_image", "et_pb_image", "et_pb_fullwidth_image", "fusion_image"):
            src = attrs.get("src") or attrs.get("custom_src") or (
                attrs.get("image", "") if not attrs.get("image", "").isdigit() else "")
            attachment = attrs.get("image", "") if attrs.get("image", "").isdigit() else attrs.get("image_id", "")
            attachment = attachment.split("|")[0]
        else:
            return None
        if not src and not attachment:
            return "\n\n"
        heading = tag("h3", html.escape(attrs["title"])) if name == "vc_single_image" and attrs.get("title") else ""
        img = tag("img", "", src=src, alt=attrs.get("alt") or attrs.get("title_text", ""),
                  data_attachment_id=attachment if attachment.isdigit() else "")
        caption = attrs.get("caption", "")
        return "\n\n" + heading + tag("figure", img + (tag("figcaption", html.escape(caption)) if caption else "")) \
            + "\n\n"


# --- HTML walk --------------------------------------------------------------------------------------------


class Reader:
    """Walks the HTML once; loose text (between or inside shortcodes) becomes paragraphs as WordPress shows it."""

    def __init__(self, plain: bool, skipped: list[str], resolve_link: Callable[[str], str]):
        self.plain = plain
        self.skipped = skipped
        self.resolve_link = resolve_link
        self.blocks: list[Block] = []
        self.seen: set[str] = set()
        self.first_line = ""
        self.run: list = []

    # inline content -> rich-text HTML
    def inline(self, node, figures: list[Figure]) -> str:
        if isinstance(node, Comment):
            return ""
        if isinstance(node, NavigableString):
            return html.escape(str(node), quote=False)
        name = node.name
        if name == "img":
            figures.append(self.figure_of_img(node, ""))
            return ""
        if name == "br":
            return "<br/>"
        if name in EMBED_TAGS | FORM_TAGS | {"script"} | SILENT_TAGS:
            self.report(node)
            return ""
        inner = "".join(self.inline(child, figures) for child in node.children)
        if name in ("b", "strong") and inner.strip():
            return f"<b>{inner}</b>"
        if name in ("i", "em") and inner.strip():
            return f"<i>{inner}</i>"
        if name == "a":
            href = self.resolve_link((node.get("href") or "").strip())
            if not href or href.startswith(("#", "javascript:")):
                return inner
            if not text_of(inner):
                if not node.find("img"):
                    return ""
                self.skipped.append(f"link on an image to {href}")
                return inner
            return f'<a href="{html.escape(href)}">{inner}</a>'
        return inner

    def report(self, node: Tag) -> None:
        name = node.name
        if name == "script":
            self.skipped.append(f"script {node.get('src') or shorten(text_of(node.get_text()), 60) or ''}".strip())
        elif name in EMBED_TAGS:
            source = node.get("src") or node.get("data") or (node.find("source") or {}).get("src", "")
            self.skipped.append(f"embed {source or '<' + name + '>'}")
        elif name == "form":
            self.skipped.append(f"form {node.get('action') or node.get('id') or '<form>'}".strip())
        elif name in FORM_TAGS and node.find_parent("form") is None:
            self.skipped.append(f"form field <{name}>")

    def figure_of_img(self, img: Tag, caption: str) -> Figure:
        src = img.get("data-orig-src") or img.get("data-src") or img.get("src") or ""
        if src.startswith("data:") and (img.get("data-orig-src") or img.get("data-src")):
            src = img.get("data-orig-src") or img.get("data-src")
        attachment = img.get("data-attachment-id") or ""
        match = re.search(r"\bwp-image-(\d+)\b", " ".join(img.get("class") or []))
        if not attachment and match:
            attachment = match.group(1)
        return Figure(src=src.strip(), alt=(img.get("alt") or "").strip(), caption=caption, attachment_id=attachment)

    # block content
    def add_html(self, tag_name: str, inner: str) -> None:
        inner = re.sub(r"(?:\s*<br/>\s*)+$", "", re.sub(r"^(?:\s*<br/>\s*)+", "", inner.strip()))
        text = text_of(inner)
        if not text:
            return
        linked = "<a " in inner
        if inner.lower() in self.seen or (text.lower() in self.seen and not linked):
            return  # a line the scraper repeated, or the title again
        self.seen.add(inner.lower())
        if not linked:
            self.seen.add(text.lower())
        self.first_line = self.first_line or text
        self.blocks.append(Block(html=f"<{tag_name}>{inner}</{tag_name}>"))

    def add_figures(self, figures: list[Figure]) -> None:
        self.blocks.extend(Block(figure=f) for f in figures)

    def flush(self) -> None:
        figures: list[Figure] = []
        rendered = "".join(self.inline(node, figures) for node in self.run)
        self.run = []
        for piece in re.split(r"\n\s*\n", rendered):
            if self.plain:
                self.add_plain_lines(piece)
            else:
                lines = [re.sub(r"\s+", " ", line).strip() for line in piece.strip().splitlines()]
                self.add_paragraph("<br/>".join(line for line in lines if line))
        self.add_figures(figures)

    def add_paragraph(self, inner: str) -> None:
        text = text_of(inner)
        if is_oembed_url(text):
            self.skipped.append(f"embed {text}")
            return
        if re.fullmatch(r"https?://\S+", text) and "<a " not in inner:
            inner = f'<a href="{html.escape(text)}">{inner}</a>'
        self.add_html("p", inner)

    def add_plain_lines(self, piece: str) -> None:
        """Plain text: short lines without closing punctuation are headings, '- ' lines are lists."""
        items: list[str] = []
        for raw in piece.splitlines():
            line = re.sub(r"\s+", " ", raw).strip()
            text = text_of(line)
            if not text:
                continue
            if LIST_ITEM.match(text) and self.first_line:
                items.append(f"<li>{LIST_ITEM.sub('', line)}</li>")
                continue
            if items:
                self.add_html("ul", "".join(items))
                items = []
            heading = len(text.split()) <= 10 and not re.search(r"[.,;!]$", text) and "<a " not in line
            if heading and self.first_line:
                self.add_html("h3", line)
            else:
                self.add_paragraph(line)
        if items:
            self.add_html("ul", "".join(items))

    def walk(self, node: Tag) -> None:
        for child in list(node.children):
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString) or (child.name in INLINE_TAGS and not child.find(
                    ["p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "table", "blockquote"])):
                self.run.append(child)
                continue
            self.flush()
            self.block(child)
        self.flush()

    def block(self, node: Tag) -> None:
        name = node.name
        if name in EMBED_TAGS | FORM_TAGS | {"script"} | SILENT_TAGS:
            self.report(node)
            return
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.add_html("h3" if name in ("h1", "h2", "h3") else "h4", html.escape(text_of(node.get_text(" "))))
            return
        if name in ("p", "pre", "address", "dt", "dd", "li", "figcaption", "caption"):
            figures: list[Figure] = []
            self.add_paragraph("".join(self.inline(child, figures) for child in node.children)
                               if name != "pre" else html.escape(node.get_text()).replace("\n", "<br/>"))
            self.add_figures(figures)
            return
        if name in ("ul", "ol"):
            figures = []
            items = []
            for li in node.find_all("li"):
                inner = "".join(self.inline(c, figures) for c in li.children if getattr(c, "name", None)
                                not in ("ul", "ol"))
                if text_of(inner):
                    items.append("<li>" + re.sub(r"\s+", " ", inner).strip() + "</li>")
            if items:
                self.add_html(name, "".join(items))
            self.add_figures(figures)
            return
        if name == "blockquote":
            cite = node.find("cite")
            attribution = text_of(cite.get_text(" ")) if cite else ""
            if cite:
                cite.extract()
            text = "\n\n".join(text_of(p.get_text(" ")) for p in node.find_all("p")) or text_of(node.get_text(" "))
            if text:
                self.blocks.append(Block(quote=(text, attribution)))
            return
        if name == "table":
            for row in node.find_all("tr"):
                cells = [text_of(cell.get_text(" ")) for cell in row.find_all(["td", "th"])]
                self.add_html("p", html.escape(" | ".join(c for c in cells if c)))
            return
        classes = " ".join(node.get("class") or [])
        if name == "figure" or (name == "div" and "wp-caption" in classes):
            if node.find(EMBED_TAGS) is not None or "wp-block-embed" in classes:
                frame = node.find(EMBED_TAGS)
                self.skipped.append(f"embed {frame.get('src') if frame else text_of(node.get_text(' '))}")
                return
            images = node.find_all("img")
            if len(images) == 1 and not node.find(["figure", "table", "blockquote", "ul", "ol"]):
                caption_node = node.find(["figcaption"]) or node.find(class_="wp-caption-text")
                caption = text_of(caption_node.get_text(" ")) if caption_node else ""
                if caption_node is None:
                    images[0].extract()
                    caption = node.get("data-caption") or text_of(node.get_text(" "))
                link = images[0].find_parent("a")
                if link is not None and link.get("href") and not link.get("href").startswith("#"):
                    href = self.resolve_link(link["href"])
                    if not re.search(r"\.(jpe?g|png|gif|webp)$", href, re.I):
                        self.skipped.append(f"link on an image to {href}")
                self.add_figures([self.figure_of_img(images[0], caption[:500])])
                return
        self.walk(node)


def read_markup(text: str, *, title: str | None = None, force_html: bool = False,
                resolve_link: Callable[[str], str] = lambda href: href) -> Content:
    """Reads a text into blocks; the title is the given one, else the first heading / <title> / first line."""
    plain = not force_html and not HTML_MARKUP.search(text)
    skipped: list[str] = []
    rendered = ShortcodeRenderer(plain, skipped).render(shortcode_tree(text))
    soup = BeautifulSoup(rendered, "html.parser")
    reader = Reader(plain, skipped, resolve_link)
    if title is None and not plain:
        heading = soup.find("h1") or soup.find("title")
        if heading is not None and text_of(heading.get_text(" ")):
            title = text_of(heading.get_text(" "))
            heading.decompose()
    if title is not None:
        reader.first_line = title
        reader.seen.add(title.lower())
    for head in soup.find_all("head"):
        head.decompose()
    reader.walk(soup)
    if not title:
        if not reader.blocks or not reader.first_line:
            raise NoContent("no text found")
        title = reader.first_line
        if len(reader.blocks) > 1 and text_of(reader.blocks[0].html) == title:
            reader.blocks.pop(0)
    plain_text = "\n".join(text_of(b.html) if b.html else (b.quote[0] if b.quote else "") for b in reader.blocks)
    return Content(title=shorten(title, 255), blocks=reader.blocks, skipped=skipped,
                   plain=title + "\n" + plain_text)
