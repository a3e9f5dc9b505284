import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from plugins.events.models import EventPage, EventSeries
from plugins.shared.listing import ContentListingView, DateTimeColumn


class EventPageFilterSet(PageListingViewSet.filterset_class):
    start = django_filters.DateFromToRangeFilter(label=_("Start"), widget=DateRangePickerWidget)
    event_format = django_filters.ChoiceFilter(label=_("Format"), choices=EventPage.Format.choices)
    series = django_filters.ModelChoiceFilter(label=_("Series"), queryset=EventSeries.objects.all())

    class Meta:
        model = EventPage
        fields = []


class EventListingView(ContentListingView):
    default_ordering = "-start"  # the furthest ahead first, past events below


class EventPageListingViewSet(PageListingViewSet):
    model = EventPage
    icon = "date"
    menu_label = _("Events")
    menu_order = 210
    add_to_admin_menu = True
    index_view_class = EventListingView
    filterset_class = EventPageFilterSet
    columns = [
        *PageListingViewSet.columns,
        DateTimeColumn("start", label=_("Start"), sort_key="start"),
        DateTimeColumn("end", label=_("End"), sort_key="end"),
        Column("event_format", label=_("Format"), accessor="get_event_format_display"),
    ]


class EventSeriesViewSet(SnippetViewSet):
    model = EventSeries
    icon = "list-ul"
    menu_label = pgettext_lazy("plural", "Event series")
    list_display = ["title", "slug"]


@hooks.register("register_admin_viewset")
def register_event_listing():
    return EventPageListingViewSet("event_pages")


register_snippet(EventSeriesViewSet)
