"""Dates and times as German text writes them ("20. November 2024", "20.11.2024", "10 bis 16 Uhr"),
for importers that turn running text into pages."""

import datetime
import re

MONTHS = {
    "januar": 1,
    "februar": 2,
    "märz": 3,
    "maerz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}
DATE = re.compile(r"\b(\d{1,2})\.\s*(?:(\d{1,2})\.|(" + "|".join(MONTHS) + r"))\s*(\d{4})\b", re.IGNORECASE)
TIME_RANGE = re.compile(
    r"\b(\d{1,2})(?::(\d{2}))?\s*(?:uhr\s*)?(?:bis|-|–)\s*(\d{1,2})(?::(\d{2}))?\s*uhr\b", re.IGNORECASE
)


def first_date(text: str) -> datetime.date | None:
    """The first date the text names, None if it names none (or an impossible one)."""
    match = DATE.search(text)
    if not match:
        return None
    day, month_number, month_name, year = match.groups()
    month = int(month_number) if month_number else MONTHS[month_name.lower()]
    try:
        return datetime.date(int(year), month, int(day))
    except ValueError:
        return None


def time_range(text: str) -> tuple[datetime.time, datetime.time] | None:
    """The first "10 bis 16 Uhr" / "10:30-12 Uhr" the text names, None if none (or not a valid time)."""
    match = TIME_RANGE.search(text)
    if not match:
        return None
    h1, m1, h2, m2 = match.groups()
    try:
        return datetime.time(int(h1), int(m1 or 0)), datetime.time(int(h2), int(m2 or 0))
    except ValueError:
        return None
