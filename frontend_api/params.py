"""Strict parsing of query parameters: every bad value is a 400 naming the parameter, never a 500.

Decisions a partner developer relies on:
- an unknown parameter is a 400 (`unknown_parameter`), so a typo like `limt=5` cannot silently
  return the default; parameters starting with `_` (cache busters such as jQuery's `_=123`) are ignored;
- an empty value (`topic=`) counts as not given, as HTML forms send them;
- a parameter given twice is a 400, except those documented as repeatable (search `type`).
"""

import datetime
import re
from collections.abc import Collection, Iterable

from django.http import QueryDict

from frontend_api.errors import InvalidParameter, UnknownParameter

SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,120}$"
SLUG_RE = re.compile(SLUG_PATTERN)
# Whole numbers have at most nine digits: the cap of parameters without a smaller one (offset).
MAX_INTEGER = 999_999_999
TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no"}


class QueryParser:
    """Reads a request's query string against the parameters an endpoint accepts."""

    def __init__(self, query: QueryDict, allowed: Iterable[str], repeatable: Collection[str] = ()):
        self.query = query
        self.allowed = set(allowed)
        self.repeatable = set(repeatable)
        for name in query:
            if name.startswith("_"):
                continue
            if name not in self.allowed:
                known = ", ".join(sorted(self.allowed)) or "none"
                raise UnknownParameter(name, f"Unknown parameter {name!r}; this endpoint accepts: {known}.")

    def raw(self, name: str) -> str | None:
        values = [value for value in self.query.getlist(name) if value.strip() != ""]
        if not values:
            return None
        if len(values) > 1 and name not in self.repeatable:
            raise InvalidParameter(name, f"{name} was given {len(values)} times; give it once.")
        return values[0].strip()

    def many(self, name: str) -> list[str]:
        values: list[str] = []
        for value in self.query.getlist(name):
            values += [part.strip() for part in value.split(",") if part.strip()]
        return values

    def integer(
        self, name: str, *, default: int | None, minimum: int, maximum: int | None = None
    ) -> int | None:
        value = self.raw(name)
        if value is None:
            return default
        maximum = MAX_INTEGER if maximum is None else maximum
        bounds = f"between {minimum} and {maximum}"
        if not re.fullmatch(r"[+-]?\d{1,9}", value):
            raise InvalidParameter(name, f"{name} must be a whole number {bounds}, got {value!r}.")
        number = int(value)
        if not minimum <= number <= maximum:
            raise InvalidParameter(name, f"{name} must be {bounds}, got {number}.")
        return number

    def date(self, name: str) -> datetime.date | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise InvalidParameter(
                name, f"{name} must be an ISO date YYYY-MM-DD (e.g. 2025-03-06), got {value!r}."
            ) from None

    def boolean(self, name: str) -> bool | None:
        value = self.raw(name)
        if value is None:
            return None
        if value.lower() in TRUE_VALUES:
            return True
        if value.lower() in FALSE_VALUES:
            return False
        raise InvalidParameter(name, f"{name} must be true or false, got {value!r}.")

    def choice(self, name: str, choices: Collection[str]) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if value not in choices:
            raise InvalidParameter(name, f"{name} must be one of {', '.join(choices)}, got {value!r}.")
        return value

    def slug(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if not SLUG_RE.fullmatch(value):
            raise InvalidParameter(
                name, f"{name} must be a slug (letters, digits, '-' or '_', at most 120), got {value[:60]!r}."
            )
        return value

    def text(self, name: str, *, minimum: int, maximum: int, required: bool) -> str | None:
        values = self.query.getlist(name)
        if len(values) > 1:
            raise InvalidParameter(name, f"{name} was given {len(values)} times; give it once.")
        value = values[0].strip() if values else ""
        if not value:
            if required:
                raise InvalidParameter(
                    name, f"{name} is required: {minimum} to {maximum} characters.", code="missing_parameter"
                )
            return None
        if not minimum <= len(value) <= maximum:
            raise InvalidParameter(
                name, f"{name} must be {minimum} to {maximum} characters after trimming, got {len(value)}."
            )
        return value


def date_range(
    parser: QueryParser, start: str = "from", end: str = "to"
) -> tuple[datetime.date | None, datetime.date | None]:
    date_from, date_to = parser.date(start), parser.date(end)
    if date_from and date_to and date_to < date_from:
        raise InvalidParameter(end, f"{end} ({date_to}) lies before {start} ({date_from}).")
    return date_from, date_to
