import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from plugins.reports.models import ExperienceReportPage
from plugins.shared.listing import ContentListingView, DayColumn


class ExperienceReportPageFilterSet(PageListingViewSet.filterset_class):
    publication_date = django_filters.DateFromToRangeFilter(label=_("Published"), widget=DateRangePickerWidget)

    class Meta:
        model = ExperienceReportPage
        fields = []


class ExperienceReportPageListingViewSet(PageListingViewSet):
    model = ExperienceReportPage
    icon = "doc-full-inverse"
    menu_label = _("Experience reports")
    menu_order = 205
    add_to_admin_menu = True
    index_view_class = ContentListingView  # latest change first
    filterset_class = ExperienceReportPageFilterSet
    columns = [
        *PageListingViewSet.columns,
        Column("author_name", label=_("Author")),
        DayColumn("publication_date", label=_("Published"), sort_key="publication_date"),
    ]


@hooks.register("register_admin_viewset")
def register_report_listing():
    return ExperienceReportPageListingViewSet("report_pages")
