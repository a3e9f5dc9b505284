import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from plugins.projects.models import ProjectPage
from plugins.shared.listing import ContentListingView, DayColumn


class ProjectPageFilterSet(PageListingViewSet.filterset_class):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProjectPage.Status.choices)

    class Meta:
        model = ProjectPage
        fields = []


class ProjectPageListingViewSet(PageListingViewSet):
    model = ProjectPage
    icon = "folder-open-1"
    menu_label = _("Projects")
    menu_order = 200
    add_to_admin_menu = True
    index_view_class = ContentListingView  # latest change first
    filterset_class = ProjectPageFilterSet
    columns = [
        *PageListingViewSet.columns,
        Column("status", label=_("Status"), accessor="get_status_display"),
        DayColumn("start_date", label=_("Start"), sort_key="start_date"),
    ]


@hooks.register("register_admin_viewset")
def register_project_listing():
    return ProjectPageListingViewSet("project_pages")
