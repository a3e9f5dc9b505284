import django_filters
from django.db.models import F, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from plugins.funding.models import FundingDeadline, FundingPage, FundingStatus
from plugins.funding.selectors import with_funding_status, with_status
from plugins.shared.listing import ContentListingView, DayColumn


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


class FundingListingView(ContentListingView):
    """Soonest next deadline first; rolling and closed programmes (no next deadline) last."""

    default_ordering = "next_deadline_on"

    def get_base_queryset(self):
        upcoming = (
            FundingDeadline.objects.filter(page=OuterRef("pk"), closes_on__gte=timezone.localdate())
            .values("page").annotate(first=Min("closes_on")).values("first")
        )
        return super().get_base_queryset().annotate(next_deadline_on=Subquery(upcoming))

    def order_queryset(self, queryset):
        if self.ordering in ("next_deadline_on", "-next_deadline_on"):
            field = F("next_deadline_on")
            order = field.desc(nulls_last=True) if self.ordering.startswith("-") else field.asc(nulls_last=True)
            return queryset.order_by(order, "title", "pk")
        return super().order_queryset(queryset)


class FundingPageListingViewSet(PageListingViewSet):
    model = FundingPage
    icon = "pick"
    menu_label = _("Funding opportunities")
    menu_order = 220
    add_to_admin_menu = True
    index_view_class = FundingListingView
    filterset_class = FundingPageFilterSet
    columns = [
        *PageListingViewSet.columns,
        Column("status", label=_("Status"), accessor="get_status_display"),
        DayColumn("next_deadline", label=_("Next deadline"), accessor="next_deadline_on", sort_key="next_deadline_on"),
    ]


@hooks.register("register_admin_viewset")
def register_funding_listing():
    return FundingPageListingViewSet("funding_pages")
