"""Importer hook: what an imported text tells about an experience report (author, date)."""

from django.utils import timezone

from plugins.shared.text_dates import first_date


def draft_fields(content, hints: dict, notes: list[str], placeholder: str) -> dict:
    return {
        "author_name": hints.get("author_name") or placeholder,
        "publication_date": hints.get("publication_date") or first_date(content.plain) or timezone.localdate(),
    }
