"""The admin's search screens, as an editor uses them in German and in English: promotions (list, create
with the page chooser and a partner, edit, delete) and the query insights report with its one-click links."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from wagtail.users.models import UserProfile

from plugins.projects.factories import ProjectPageFactory
from plugins.shared.factories import PartnerFactory
from search import admin_views, insights
from search.models import PromotedPage, Promotion, SearchInsight

TODAY = datetime.date(2026, 11, 30)


def client_for(user, language: str) -> Client:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")


@pytest.fixture(params=["de", "en"])
def admin(request, admin_user):
    client = client_for(admin_user, request.param)
    client.language = request.param
    return client


def editor_with(*codenames: str):
    user = get_user_model().objects.create_user("redaktion", "r@example.org", "pw")
    group = Group.objects.create(name="Redaktion")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", *codenames]))
    user.groups.add(group)
    return user


def html(response) -> str:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    return response.content.decode()


def text(page: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


WORDS = {
    "de": {
        "promotions": "Hervorgehobene Treffer",
        "insights": "Suchanalyse",
        "zero": "Suchanfragen ohne Treffer",
        "top": "Häufigste Suchanfragen",
        "promote": "Seite hervorheben",
        "query": "Suchanfrage",
    },
    "en": {
        "promotions": "Promotions",
        "insights": "Search insights",
        "zero": "Queries without results",
        "top": "Top queries",
        "promote": "Promote a page",
        "query": "Query",
    },
}


@pytest.fixture
def pages(db):
    return {
        "beratung": ProjectPageFactory(title="Beratung für Kulturvereine"),
        "zirkus": ProjectPageFactory(title="Zirkus für alle"),
    }


def form_data(query: str, pages: list, partner="", language="") -> dict:
    data = {
        "query": query,
        "partner": partner,
        "language": language,
        "pages-TOTAL_FORMS": str(len(pages)),
        "pages-INITIAL_FORMS": "0",
        "pages-MIN_NUM_FORMS": "1",
        "pages-MAX_NUM_FORMS": "10",
    }
    for i, page in enumerate(pages):
        data.update({f"pages-{i}-page": str(page.pk), f"pages-{i}-ORDER": str(i + 1), f"pages-{i}-id": ""})
    return data


def test_the_menu_offers_the_search_screens(admin):
    dashboard = html(admin.get(reverse("wagtailadmin_home")))
    words = WORDS[admin.language]
    assert words["promotions"] in dashboard and words["insights"] in dashboard
    assert reverse("search_promotions:index") in dashboard and reverse("search_insights:index") in dashboard


def test_an_editor_creates_edits_and_deletes_a_promotion(admin, pages):
    partner = PartnerFactory(name="Kulturportal")
    add = html(admin.get(reverse("search_promotions:add")))
    assert WORDS[admin.language]["query"] in text(add)
    assert "Kulturportal" in add  # the partner choice
    assert reverse("wagtailadmin_choose_page") in add or "page-chooser" in add  # the page chooser

    response = admin.post(
        reverse("search_promotions:add"),
        form_data("  Beratung  Verein ", [pages["beratung"], pages["zirkus"]], partner=partner.pk, language="de"),
    )
    assert response.status_code == 302, text(response.content.decode())[:2000]
    promotion = Promotion.objects.get()
    assert (promotion.query, promotion.normalised, promotion.partner, promotion.language) == (
        "Beratung Verein",
        "beratung verein",
        partner,
        "de",
    )
    assert [link.page_id for link in promotion.pages.all()] == [pages["beratung"].pk, pages["zirkus"].pk]

    listing = text(html(admin.get(reverse("search_promotions:index"))))
    assert "Beratung Verein" in listing and "Kulturportal" in listing and "Beratung für Kulturvereine" in listing

    edit_url = reverse("search_promotions:edit", args=[promotion.pk])
    assert "Beratung Verein" in html(admin.get(edit_url))
    data = form_data("Beratung", [pages["beratung"], pages["zirkus"]], partner="", language="")
    first, second = promotion.pages.all()
    data.update(
        {"pages-INITIAL_FORMS": "2", "pages-0-id": str(first.pk), "pages-0-DELETE": "1", "pages-1-id": str(second.pk)}
    )  # the first page taken off the promotion
    response = admin.post(edit_url, data)
    assert response.status_code == 302, text(response.content.decode())[:2000]
    promotion.refresh_from_db()
    assert (promotion.normalised, promotion.partner, promotion.language) == ("beratung", None, "")
    assert [link.page_id for link in promotion.pages.all()] == [pages["zirkus"].pk]

    delete_url = reverse("search_promotions:delete", args=[promotion.pk])
    assert admin.post(delete_url).status_code == 302
    assert not Promotion.objects.exists() and not PromotedPage.objects.exists()


def test_a_promotion_needs_a_query_and_a_page(admin, pages):
    for data in (form_data("", [pages["zirkus"]]), form_data("„…“", [pages["zirkus"]]), form_data("Zirkus", [])):
        response = admin.post(reverse("search_promotions:add"), data)
        assert response.status_code == 200 and not Promotion.objects.exists()
    response = admin.post(reverse("search_promotions:add"), form_data("Zirkus", [pages["zirkus"]], language="fr"))
    assert response.status_code == 200 and not Promotion.objects.exists()


def test_the_add_form_is_prefilled_from_the_link(admin, pages):
    partner = PartnerFactory(name="Kulturportal")
    add = html(admin.get(reverse("search_promotions:add") + f"?query=theaterwerkstatt&partner={partner.pk}"))
    assert re.search(r'name="query"[^>]*value="theaterwerkstatt"', add)
    assert re.search(rf'<option value="{partner.pk}" selected>', add)


@pytest.fixture
def searched(db, monkeypatch):
    monkeypatch.setattr(insights, "today", lambda: TODAY)
    a = PartnerFactory(name="Kulturportal Sachsen")
    b = PartnerFactory(name="Netzwerk NRW")

    def row(days_ago, partner, query, searches, zero=0):
        SearchInsight.objects.create(
            day=TODAY - datetime.timedelta(days=days_ago),
            partner=partner,
            locale="de",
            query=query,
            searches=searches,
            zero_results=zero,
        )

    row(0, a, "theaterwerkstatt", 12)
    row(2, a, "theaterwerkstatt", 3)
    row(1, a, "kulturforderung", 4, zero=4)
    row(20, a, "ehrenamtspauschale", 9, zero=9)
    row(1, b, "netzwerk", 7)
    return {"a": a, "b": b}


def table(page: str, table_id: str) -> list[str]:
    """The queries of the report's table `table_id`, in order."""
    start = page.index(f'id="{table_id}"')
    end = page.find("</table>", start)
    return re.findall(r'class="insights-query">([^<]*)<', page[start : end if end > 0 else None])


def test_the_report_shows_top_and_zero_result_queries(admin, searched):
    words = WORDS[admin.language]
    url = reverse("search_insights:index")
    week = html(admin.get(url))
    assert words["zero"] in week and words["top"] in week
    assert table(week, "top-queries") == ["theaterwerkstatt", "netzwerk", "kulturforderung"]
    assert table(week, "zero-result-queries") == ["kulturforderung"]

    month = html(admin.get(url, {"days": 30, "partner": searched["a"].pk}))
    assert table(month, "top-queries") == ["theaterwerkstatt", "ehrenamtspauschale", "kulturforderung"]
    assert table(month, "zero-result-queries") == ["ehrenamtspauschale", "kulturforderung"]
    assert "netzwerk" not in table(month, "top-queries")


def test_a_zero_result_query_is_one_click_from_a_promotion(admin, searched):
    page = html(admin.get(reverse("search_insights:index"), {"partner": searched["a"].pk}))
    zero = page[page.index('id="zero-result-queries"') :]
    link = unescape(re.search(r'href="([^"]*)"[^>]*>\s*' + re.escape(WORDS[admin.language]["promote"]), zero).group(1))
    assert link == reverse("search_promotions:add") + f"?query=kulturforderung&partner={searched['a'].pk}"
    form = html(admin.get(link))
    assert re.search(r'name="query"[^>]*value="kulturforderung"', form)


def test_the_synonym_link_goes_to_the_synonym_screen_when_there_is_one(admin, searched, monkeypatch):
    if admin_views.synonym_add_url("x") is None:
        # No synonym screen in this build: the report offers none (and breaks nothing).
        page = html(admin.get(reverse("search_insights:index")))
        assert "?terms=" not in page
        monkeypatch.setattr(admin_views, "SYNONYM_ADD_URL_NAME", "search_promotions:add")
    page = html(admin.get(reverse("search_insights:index")))
    zero = page[page.index('id="zero-result-queries"') :]
    assert "?terms=kulturforderung" in zero


def test_only_editors_with_the_permission_see_the_report(db, searched):
    outsider = client_for(editor_with(), "de")
    assert outsider.get(reverse("search_insights:index")).status_code in (302, 403)
    assert reverse("search_insights:index") not in html(outsider.get(reverse("wagtailadmin_home")))
    reader = get_user_model().objects.create_user("leser", "l@example.org", "pw")
    reader.user_permissions.set(Permission.objects.filter(codename__in=["access_admin", "view_searchinsight"]))
    assert "theaterwerkstatt" in html(client_for(reader, "de").get(reverse("search_insights:index")))


def test_the_report_permission_is_offered_in_the_group_editor(admin):
    page = html(admin.get(reverse("wagtailusers_groups:add")))
    permission = Permission.objects.get(codename="view_searchinsight")
    assert f'value="{permission.pk}"' in page
