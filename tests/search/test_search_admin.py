"""The admin's search screens, as an editor uses them in German and in English: one Search menu with the
synonyms, promotions (list, create with the page chooser and a partner, edit, delete) and the query
insights report with its one-click links."""

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
        "search": "Suche",
        "synonyms": "Synonyme",
        "promotions": "Hervorgehobene Treffer",
        "insights": "Suchanalyse",
        "zero": "Suchanfragen ohne Treffer",
        "top": "Häufigste Suchanfragen",
        "promote": "Seite hervorheben",
        "query": "Suchanfrage",
    },
    "en": {
        "search": "Search",
        "synonyms": "Synonyms",
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


SYNONYMS = "wagtailsnippets_kulturhub_search_searchsynonym"


def sidebar_menu(client) -> list[dict]:
    """The admin's main menu as the sidebar renders it: [{"label", "url", "items": [...]}]."""
    import json

    page = html(client.get(reverse("wagtailadmin_home")))
    props = json.loads(unescape(re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', page, re.S).group(1)))

    def items(value):
        found = []
        if isinstance(value, dict):
            if value.get("_type", "").startswith("wagtail.sidebar.") and value["_type"].endswith("MenuItem"):
                args = value.get("_args", [])
                spec = args[0] if args else {}
                found.append(
                    {
                        "label": spec.get("label"),
                        "url": spec.get("url"),
                        "items": [i for arg in args[1:] for i in items(arg)],
                    }
                )
                return found
            for child in value.values():
                found += items(child)
        elif isinstance(value, list):
            for child in value:
                found += items(child)
        return found

    return items(props)


def test_one_search_menu_holds_synonyms_promotions_and_insights(admin):
    words = WORDS[admin.language]
    menu = sidebar_menu(admin)
    search = [item for item in menu if item["label"] == words["search"] and item["items"]]
    assert len(search) == 1, [item["label"] for item in menu]
    assert [(item["label"], item["url"]) for item in search[0]["items"]] == [
        (words["synonyms"], reverse(f"{SYNONYMS}:list")),
        (words["promotions"], reverse("search_promotions:index")),
        (words["insights"], reverse("search_insights:index")),
    ]
    elsewhere = [item for item in menu if item is not search[0]]
    assert reverse(f"{SYNONYMS}:list") not in repr(elsewhere)  # not under Settings or Snippets any more
    snippets = html(admin.get(reverse("wagtailsnippets:index")))
    assert reverse(f"{SYNONYMS}:list") not in snippets.split('id="wagtail-sidebar-props"')[0]


def promoted_ids(client, q: str) -> list[int]:
    """The pages a partner's search for `q` shows as promoted (the database engine)."""
    results = client.json("/api/v1/search/", {"q": q, "locale": "de"})["results"]
    return [result["id"] for result in results if result["promoted"]]


def test_an_editor_creates_edits_and_deletes_a_promotion(admin, pages, api):
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
    assert promoted_ids(api, "beratung verein") == []  # for Kulturportal only, not for this key

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

    assert promoted_ids(api, "Beratung") == [pages["zirkus"].pk]  # the edit is in force at once

    delete_url = reverse("search_promotions:delete", args=[promotion.pk])
    assert admin.post(delete_url).status_code == 302
    assert not Promotion.objects.exists() and not PromotedPage.objects.exists()
    assert promoted_ids(api, "Beratung") == []


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


def test_a_zero_result_query_is_one_click_from_a_synonym(admin, searched):
    page = html(admin.get(reverse("search_insights:index")))
    zero = page[page.index('id="zero-result-queries"') :]
    links = [unescape(href) for href in re.findall(r'href="([^"]*\?terms=[^"]*)"', zero)]
    assert reverse(f"{SYNONYMS}:add") + "?terms=kulturforderung" in links
    form = html(admin.get(reverse(f"{SYNONYMS}:add") + "?terms=kulturforderung"))
    assert re.search(r'name="terms"[^>]*value="kulturforderung"', form)


def test_without_a_synonym_screen_the_report_offers_no_synonym_link(admin, searched, monkeypatch):
    monkeypatch.setattr(admin_views, "SYNONYM_ADD_URL_NAME", "no_such_screen:add")
    page = html(admin.get(reverse("search_insights:index")))
    assert "?terms=" not in page and WORDS[admin.language]["promote"] in page


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
