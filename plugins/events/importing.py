"""Importer hook: what an imported text tells about an event (its day and hours; online or not)."""

import datetime
import re

from plugins.events.models import BERLIN
from plugins.shared.text_dates import first_date, time_range

ONLINE = re.compile(r"\b(zoom|online|webex|teams)\b", re.IGNORECASE)


def event_times(
    text: str, fallback: datetime.date | None, notes: list[str]
) -> tuple[datetime.datetime, datetime.datetime | None]:
    day = first_date(text)
    if day is None and fallback is None:
        raise ValueError("an event needs a date, and none like '20. November 2024' or '20.11.2024' was found")
    if day is None:
        day = fallback
        notes.append("event date (none in the text; the post date was used)")
    hours = time_range(text)
    if hours is None:
        return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=BERLIN), None
    start = datetime.datetime.combine(day, hours[0], tzinfo=BERLIN)
    end = datetime.datetime.combine(day, hours[1], tzinfo=BERLIN)
    return start, end if end > start else None


def draft_fields(content, hints: dict, notes: list[str], placeholder: str) -> dict:
    start, end = event_times(content.plain, hints.get("publication_date"), notes)
    fields = {"start": start, "end": end, "all_day": end is None, "event_format": "in_person", "venue": placeholder}
    if ONLINE.search(content.plain):
        fields.update(event_format="online", venue="", online_access="Online (aus dem Import: bitte ergänzen)")
    return fields
