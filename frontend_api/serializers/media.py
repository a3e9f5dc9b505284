"""Images and documents as partner sites need them.

Rendition URLs point at Wagtail's signed dynamic image view (`/images/<signature>/<id>/<spec>/`):
computing them costs no query and no image processing during the API request; the rendition is made
on its first fetch and stored. Widths never upscale: an image narrower than a width is served at its
own size under that key.
"""

from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from wagtail.images.utils import generate_signature

from frontend_api.conf import api_setting

FORMATS = ("webp", "jpeg")


PLACEHOLDERS = ("SIGNATURE", 987654321, "FILTERSPEC")
URL_SAFE = "!$&'()*+,;=/~:@"  # what Django's reverse() leaves unquoted in a path


@lru_cache(maxsize=8)
def serve_url_template(urlconf: str | None, prefix: str) -> str:
    return reverse("wagtailimages_serve", args=PLACEHOLDERS)


def rendition_url(image, spec: str, context) -> str:
    """The signed URL of Wagtail's image serve view, as reverse() would build it (but a string format:
    an image object has six of these)."""
    template = serve_url_template(get_urlconf(), get_script_prefix())
    path = (template.replace("SIGNATURE", generate_signature(image.pk, spec))
            .replace(str(PLACEHOLDERS[1]), str(image.pk)).replace("FILTERSPEC", quote(spec, safe=URL_SAFE)))
    return context.absolute(path)


def image_object(
    image, context, *, alt: str | None = None, caption: str = "", credit: str = ""
) -> dict | None:
    if image is None:
        return None
    return {
        "id": image.pk,
        "title": image.title,
        "alt": alt if alt else (getattr(image, "description", "") or ""),
        "caption": caption or "",
        "credit": credit or "",
        "width": image.width,
        "height": image.height,
        "renditions": {
            str(width): {fmt: rendition_url(image, f"width-{width}|format-{fmt}", context) for fmt in FORMATS}
            for width in api_setting("IMAGE_WIDTHS")
        },
    }


def document_size(document) -> int | None:
    if document.file_size is not None:
        return document.file_size
    try:
        return document.file.size
    except (OSError, ValueError):
        return None


def document_object(document, context, *, title: str = "", description: str | None = None) -> dict | None:
    if document is None:
        return None
    data = {
        "id": document.pk,
        "title": title or document.title,
        "url": context.absolute(document.url),
        "size": document_size(document),
        "content_type": document.content_type,
    }
    if description is not None:
        data["description"] = description
    return data
