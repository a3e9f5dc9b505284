"""Which language an answer is in: the `locale` parameter, else the best match of Accept-Language,
else the default locale. Content languages come from settings, so resolving costs no query."""

from django.conf import settings
from django.utils.translation.trans_real import parse_accept_lang_header

from frontend_api.errors import InvalidParameter
from plugins.shared.languages import content_languages


def default_locale() -> str:
    codes = content_languages()
    default = settings.LANGUAGE_CODE.lower()
    return default if default in codes else codes[0]


def match_locale(tag: str) -> str | None:
    """`en`, `EN`, `en-GB`, `en_GB` -> `en` when English is a content language."""
    tag = tag.strip().lower().replace("_", "-")
    codes = content_languages()
    if tag in codes:
        return tag
    primary = tag.split("-", 1)[0]
    return primary if primary in codes else None


def from_parameter(value: str) -> str:
    code = match_locale(value)
    if code is None:
        raise InvalidParameter(
            "locale",
            f"locale must be one of {', '.join(content_languages())}, got {value[:20]!r}.",
        )
    return code


def from_accept_language(header: str) -> str | None:
    try:
        choices = parse_accept_lang_header(header[:255])
    except ValueError:
        return None
    for tag, _quality in choices:
        if tag == "*":
            return default_locale()
        code = match_locale(tag)
        if code:
            return code
    return None


def resolve_locale(parameter: str | None, accept_language: str | None) -> str:
    if parameter:
        return from_parameter(parameter)
    if accept_language:
        code = from_accept_language(accept_language)
        if code:
            return code
    return default_locale()
