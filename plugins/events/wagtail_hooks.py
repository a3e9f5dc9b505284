import django_filters
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from plugins.events.models import EventPage, EventSeries


class EventPageFilterSet(PageListingViewSet.filterset_class):
    start = django_filters.DateFromToRangeFilter(label="Beginn", widget=DateRangePickerWidget)
    event_format = django_filters.ChoiceFilter(label="Format", choices=EventPage.Format.choices)
    series = django_filters.ModelChoiceFilter(label="Reihe", queryset=EventSeries.objects.all())

    class Meta:
        model = EventPage
        fields = []


class EventPageListingViewSet(PageListingViewSet):
    model = EventPage
    icon = "date"
    menu_label = "Veranstaltungen"
    menu_order = 210
    add_to_admin_menu = True
    filterset_class = EventPageFilterSet
    columns = [
        *PageListingViewSet.columns,
        DateColumn("start", label="Beginn", sort_key="start"),
        Column("event_format", label="Format", accessor="get_event_format_display"),
    ]


class EventSeriesViewSet(SnippetViewSet):
    model = EventSeries
    icon = "list-ul"
    menu_label = "Veranstaltungsreihen"
    list_display = ["title", "slug"]


@hooks.register("register_admin_viewset")
def register_event_listing():
    return EventPageListingViewSet("event_pages")


register_snippet(EventSeriesViewSet)
