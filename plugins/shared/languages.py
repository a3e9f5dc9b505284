"""The content languages (settings.WAGTAIL_CONTENT_LANGUAGES): read here, everywhere else asks."""

from django.conf import settings


def content_languages() -> list[str]:
    """Language codes of the content, the source language first, lower case (as Locales store them)."""
    return [code.lower() for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
