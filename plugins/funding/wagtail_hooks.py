import django_filters
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from plugins.funding.models import FundingPage, FundingStatus
from plugins.funding.selectors import with_funding_status, with_status


class FundingPageFilterSet(PageListingViewSet.filterset_class):
    funding_status = django_filters.ChoiceFilter(
        label="Status", choices=FundingStatus.choices, method="filter_funding_status"
    )
    kind = django_filters.ChoiceFilter(label="Förderart", choices=FundingPage.Kind.choices)

    class Meta:
        model = FundingPage
        fields = []

    def filter_funding_status(self, queryset, name, value):
        return with_funding_status(with_status(queryset), value)


class FundingPageListingViewSet(PageListingViewSet):
    model = FundingPage
    icon = "pick"
    menu_label = "Förderinformationen"
    menu_order = 220
    add_to_admin_menu = True
    filterset_class = FundingPageFilterSet
    columns = [
        *PageListingViewSet.columns,
        Column("status", label="Status", accessor="get_status_display"),
        Column("next_deadline", label="Nächste Frist"),
    ]


@hooks.register("register_admin_viewset")
def register_funding_listing():
    return FundingPageListingViewSet("funding_pages")
