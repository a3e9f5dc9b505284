"""What in an admin page would make a browser ask a host other than the hub.

A browser loads, without anyone clicking, what `src`, `srcset`, `poster`, `<link href>` (stylesheets,
icons, preloads, manifests), `<object data>`, CSS `url()` and `@import` name, and what scripts read from
the page's JSON (an avatar URL in the sidebar's props). Plain links (`<a href>`, a menu item's `url`)
are followed only when clicked and may point anywhere (Wagtail's editor guide, for example).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

LOADING_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "action", "formaction", "manifest"}
LINK_KEYS = {"url", "href"}  # in the admin's JSON props: menu items and links, not loaded
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)
URL_IN_TEXT = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+(?::\d+)?(?:/[^\s'"<>)\\]*)?""")


@dataclass(frozen=True)
class Finding:
    page: str
    where: str
    url: str

    def __str__(self) -> str:
        return f"{self.page}: {self.where} -> {self.url}"


def outside(url: str, base: str) -> bool:
    """Whether `url` (as written in a page at `base`) points at another host than the hub's."""
    url = url.strip()
    if not url or url.startswith(("#", "data:", "blob:", "about:", "javascript:", "mailto:", "tel:")):
        return False
    target = urlsplit(urljoin(base, url))
    return target.scheme in ("http", "https", "ws", "wss", "") and target.netloc != urlsplit(base).netloc


def urls_in_css(css: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(css)]


def urls_in_json(value, key: str = "") -> list[str]:
    """The values of a JSON document that are URLs, except those under a link key."""
    if isinstance(value, dict):
        return [url for k, v in value.items() for url in urls_in_json(v, k)]
    if isinstance(value, list):
        return [url for item in value for url in urls_in_json(item, key)]
    if isinstance(value, str) and key not in LINK_KEYS and URL_IN_TEXT.fullmatch(value.strip()):
        return [value.strip()]  # a value that is a URL; one inside prose (a help text's example) is text
    return []


class _Scanner(HTMLParser):
    def __init__(self, page: str, base: str):
        super().__init__(convert_charrefs=True)
        self.page, self.base = page, base
        self.findings: list[Finding] = []
        self.stylesheets: list[str] = []
        self._in: str | None = None  # "style" or "json" while inside such an element
        self._text: list[str] = []

    def _check(self, where: str, url: str) -> None:
        if outside(url, self.base):
            self.findings.append(Finding(self.page, where, url))

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in LOADING_ATTRIBUTES:
                candidates = (
                    [part.split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else [value]
                )
                for url in candidates:
                    self._check(f"<{tag} {name}>", url)
            elif name == "style":
                for url in urls_in_css(value):
                    self._check(f"<{tag} style>", url)
            elif name.startswith("data-") and "//" in value:
                try:
                    found = urls_in_json(json.loads(value))
                except ValueError:
                    found = [value.strip()] if URL_IN_TEXT.fullmatch(value.strip()) else []
                for url in found:
                    self._check(f"<{tag} {name}>", url)
        if tag == "link" and attributes.get("href"):
            self._check(f"<link rel={attributes.get('rel')}>", attributes["href"])
            if "stylesheet" in (attributes.get("rel") or "") and not outside(attributes["href"], self.base):
                self.stylesheets.append(urljoin(self.base, attributes["href"]))
        if tag == "style":
            self._in, self._text = "style", []
        elif tag == "script" and (attributes.get("type") or "").endswith("json"):
            self._in, self._text = "json", []

    def handle_data(self, data):
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._in == "style" and tag == "style":
            for url in urls_in_css("".join(self._text)):
                self._check("<style>", url)
            self._in = None
        elif self._in == "json" and tag == "script":
            try:
                found = urls_in_json(json.loads("".join(self._text)))
            except ValueError:
                found = []
            for url in found:
                self._check("<script type=json>", url)
            self._in = None


def scan_html(html: str, page: str, base: str) -> tuple[list[Finding], list[str]]:
    """(findings, same-host stylesheets to scan next) of one HTML page."""
    scanner = _Scanner(page, base)
    scanner.feed(html)
    scanner.close()
    return scanner.findings, scanner.stylesheets


def scan_css(css: str, page: str, base: str) -> list[Finding]:
    return [Finding(page, "css url()", url) for url in urls_in_css(css) if outside(url, base)]
