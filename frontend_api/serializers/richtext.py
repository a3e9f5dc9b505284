"""Rich text as clean HTML for partner sites: no Wagtail-internal markup.

- a link to a page the API serves and the partner may see becomes
  `<a href="{page url}" data-page-type="{type}" data-page-id="12" data-api-url="{API detail url}">`,
  pointing at the page's translation in the answer's locale when there is one;
- a link to a page the partner may not see (or one the API does not serve) is unwrapped to its text;
- a document link becomes `<a href="{document url}" data-document-id="5">`;
- external links keep their `href` (javascript: is dropped); `<embed>` tags and Wagtail's
  `data-block-key` attributes are removed.
"""

import re

from django.utils.html import escape
from wagtail.rich_text.rewriters import extract_attrs

A_ELEMENT = re.compile(r"<a(\s[^>]*)?>(.*?)</a>", re.S | re.I)
EMBED_TAG = re.compile(r"<embed\b[^>]*?/?>", re.S | re.I)
BLOCK_KEY = re.compile(r'\sdata-block-key="[^"]*"')
PAGE_LINK_ID = re.compile(r'<a\s[^>]*linktype="page"[^>]*>', re.I)
DOCUMENT_LINK_ID = re.compile(r'<a\s[^>]*linktype="document"[^>]*>', re.I)
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")


def linked_ids(html: str, pattern: re.Pattern) -> set[int]:
    ids = set()
    for tag in pattern.findall(html):
        value = extract_attrs(tag).get("id", "")
        if value.isdigit():
            ids.add(int(value))
    return ids


def page_link_ids(html: str) -> set[int]:
    return linked_ids(html, PAGE_LINK_ID)


def document_link_ids(html: str) -> set[int]:
    return linked_ids(html, DOCUMENT_LINK_ID)


def clean_rich_text(html: str, context) -> str:
    from frontend_api.serializers.media import document_object

    def rewrite_link(match: re.Match) -> str:
        attrs = extract_attrs(match.group(1) or "")
        inner = match.group(2)
        linktype = attrs.get("linktype")
        if linktype == "page":
            ref = context.page_ref(int(attrs["id"])) if attrs.get("id", "").isdigit() else None
            if ref is None:
                return inner
            return (
                f'<a href="{escape(ref["url"] or "")}" data-page-type="{ref["type"]}" '
                f'data-page-id="{ref["id"]}" '
                f'data-api-url="{escape(ref["api_url"] or "")}">{inner}</a>'
            )
        if linktype == "document":
            document = context.document(int(attrs["id"])) if attrs.get("id", "").isdigit() else None
            if document is None:
                return inner
            data = document_object(document, context)
            return f'<a href="{escape(data["url"])}" data-document-id="{document.pk}">{inner}</a>'
        if linktype is not None:
            return inner
        href = attrs.get("href", "").strip()
        if not href or href.lower().startswith(UNSAFE_SCHEMES):
            return inner
        return f'<a href="{escape(href)}">{inner}</a>'

    html = BLOCK_KEY.sub("", html)
    html = EMBED_TAG.sub("", html)
    return A_ELEMENT.sub(rewrite_link, html)
