"""Dates and times as the hub writes them out (API answers, search documents)."""

import datetime

from django.utils import timezone


def iso(value: datetime.datetime | datetime.date | None, timespec: str = "seconds") -> str | None:
    """Dates as YYYY-MM-DD; times as ISO 8601 in the site's time zone (Europe/Berlin) with its offset."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec=timespec)
    return value.isoformat()
