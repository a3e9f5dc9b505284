import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from plugins.funding.models import FundingPage, FundingStatus
from plugins.funding.selectors import with_funding_status, with_status


class FundingPageFilterSet(PageListingViewSet.filterset_class):
    funding_status = django_filters.ChoiceFilter(
        label=_("Status"), choices=FundingStatus.choices, method="filter_funding_status"
    )
    kind = django_filters.ChoiceFilter(label=_("Type of funding"), choices=FundingPage.Kind.choices)

    class Meta:
        model = FundingPage
        fields = []

    def filter_funding_status(self, queryset, name, value):
        return with_funding_status(with_status(queryset), value)


class FundingPageListingViewSet(PageListingViewSet):
    model = FundingPage
    icon = "pick"
    menu_label = _("Funding opportunities")
    menu_order = 220
    add_to_admin_menu = True
    filterset_class = FundingPageFilterSet
    columns = [
        *PageListingViewSet.columns,
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("next_deadline", label=_("Next deadline")),
    ]


@hooks.register("register_admin_viewset")
def register_funding_listing():
    return FundingPageListingViewSet("funding_pages")
