"""The admin's search screens, together in one "Search" menu: synonyms and abbreviations per language
(a snippet viewset), promotions (list, create, edit, delete; pages chosen with the page chooser) and
the query insights report (top queries and queries without results, per partner or for all, over the
last 7 or 30 days, each with one click to promote a page for it or add a synonym)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import CreateView as SnippetCreateView
from wagtail.snippets.views.snippets import SnippetViewSet

from plugins.shared.languages import content_languages
from plugins.shared.models import Partner
from search import insights
from search.models import PromotedPage, Promotion, SearchSynonym

# The synonym screen's "add" view, given the query as `?terms=`; while it is not registered (an admin
# without it) this name does not resolve and the report offers no synonym link.
SYNONYM_ADD_URL_NAME = "wagtailsnippets_kulturhub_search_searchsynonym:add"
SYNONYM_QUERY_PARAMETER = "terms"

INSIGHTS_PERMISSION = "kulturhub_search.view_searchinsight"
PERIODS = (7, 30)


def synonym_add_url(query: str) -> str | None:
    """Where "add a synonym for this query" leads, the query prefilled; None while there is no such screen."""
    try:
        url = reverse(SYNONYM_ADD_URL_NAME)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({SYNONYM_QUERY_PARAMETER: query})}"


def promotion_add_url(query: str, partner_id: int | None = None) -> str:
    """The promotion form with the query (and the partner, when the report shows one) prefilled."""
    params = {"query": query}
    if partner_id:
        params["partner"] = partner_id
    return f"{reverse('search_promotions:add')}?{urlencode(params)}"


def language_choices():
    names = {code: _(name) for code, name in _languages()}
    return [("", _("All languages")), *((code, names.get(code, code)) for code in content_languages())]


def _languages():
    from django.conf import settings

    return [(code.lower(), name) for code, name in settings.WAGTAIL_CONTENT_LANGUAGES]


class SearchSynonymCreateView(SnippetCreateView):
    """The add form, its terms prefilled from `?terms=` (the insights report's "add a synonym")."""

    def get_initial(self):
        initial = super().get_initial()
        terms = self.request.GET.get(SYNONYM_QUERY_PARAMETER, "").strip()
        if terms:
            initial["terms"] = terms
        return initial


class SearchSynonymViewSet(SnippetViewSet):
    """Under the Search menu (not Settings, not Snippets): editors find synonyms next to promotions
    and the insights that suggest them."""

    model = SearchSynonym
    icon = "search"
    menu_label = _("Synonyms")
    menu_item_is_registered = True  # in the Search menu: not listed again under Snippets
    list_display = ["terms", "language", "updated_at"]
    list_filter = ["language"]
    list_per_page = 100
    add_view_class = SearchSynonymCreateView


PromotedPage.panels = [PageChooserPanel("page")]


class PromotionCreateView(CreateView):
    """Prefilled from the insights report: `?query=…&partner=<id>`."""

    def get_initial_form_instance(self):
        instance = Promotion(query=(self.request.GET.get("query") or "")[:200])
        partner = self.request.GET.get("partner", "")
        if partner.isdigit():
            instance.partner = Partner.objects.filter(pk=int(partner)).first()
        return instance


class PagesColumn(Column):
    def get_value(self, instance):
        return ", ".join(link.page.get_admin_display_title() for link in instance.pages.all())


class PromotionViewSet(ModelViewSet):
    model = Promotion
    icon = "pick"
    menu_label = _("Promotions")
    url_prefix = "search/promotions"
    name = "search_promotions"
    add_view_class = PromotionCreateView
    list_display = ["query", "partner", Column("language", label=_("Language")), PagesColumn("pages", label=_("Pages"))]
    list_filter = ["partner"]
    search_fields = ["query", "normalised"]
    panels = [
        FieldPanel("query"),
        FieldPanel("partner"),
        FieldPanel("language", widget=forms.Select(choices=language_choices)),
        InlinePanel("pages", label=_("Pages"), min_num=1, max_num=10),
    ]

    def get_queryset(self, request):
        return Promotion.objects.select_related("partner").prefetch_related("pages__page")


class InsightsFilter(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.order_by("name"), required=False, empty_label=_("All partners")
    )
    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        choices=[(7, _("Last 7 days")), (30, _("Last 30 days"))],
        required=False,
        empty_value=7,
    )


class InsightsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "search/admin/insights.html"
    page_title = _("Search insights")
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(INSIGHTS_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = InsightsFilter(self.request.GET or None)
        partner, days = None, 7
        if form.is_bound and form.is_valid():
            partner, days = form.cleaned_data["partner"], form.cleaned_data["days"] or 7
        partner_id = partner.pk if partner else None
        data = insights.report(days=days, partner_id=partner_id)

        def with_links(rows):
            return [
                {
                    **row,
                    "promote_url": promotion_add_url(row["query"], partner_id),
                    "synonym_url": synonym_add_url(row["query"]),
                }
                for row in rows
            ]

        context.update(
            form=form,
            partner=partner,
            days=days,
            top=with_links(data["top"]),
            zero=with_links(data["zero"]),
            searches=data["searches"],
            zero_searches=data["zero_searches"],
            retention_days=insights.retention_days(),
        )
        return context


class InsightsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(INSIGHTS_PERMISSION)


class InsightsViewSet(ViewSet):
    name = "search_insights"
    url_prefix = "search/insights"
    icon = "view"
    menu_label = _("Search insights")
    menu_item_class = InsightsMenuItem

    def get_urlpatterns(self):
        return [path("", InsightsView.as_view(), name="index")]


class SearchAdminGroup(ViewSetGroup):
    menu_label = _("Search")
    menu_icon = "search"
    menu_order = 410
    items = (SearchSynonymViewSet, PromotionViewSet, InsightsViewSet)
