"""What every content type's page listing in the admin shares: one content language at a time (the
editor's, chosen with the language filter), absolute local dates, and an ordering that suits the type."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import IndexView
from wagtail.coreutils import get_content_languages, get_supported_content_language_variant
from wagtail.models import Locale


def editor_content_language() -> str:
    """The content language matching the editor's admin language, else the default content language."""
    try:
        language = get_supported_content_language_variant(get_language())
    except LookupError:
        language = Locale.get_default().language_code
    return language if language in get_content_languages() else Locale.get_default().language_code


class ContentListingView(IndexView):
    """A type's page listing: shows the editor's content language unless the language filter says
    otherwise (its "All" shows every language)."""

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        if "locale" not in kwargs["data"]:
            data = kwargs["data"].copy()
            data["locale"] = editor_content_language()
            kwargs["data"] = data
        return kwargs


def local_datetime(value) -> str:
    if value is None:
        return "–"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def local_date(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


class DateTimeColumn(Column):
    """An absolute local date and time ("06.03.2025 14:00"), not Wagtail's relative "9 years ago"."""

    def get_value(self, instance):
        return local_datetime(super().get_value(instance))


class DayColumn(Column):
    """A date in the admin language's short format."""

    def get_value(self, instance):
        return local_date(super().get_value(instance))
