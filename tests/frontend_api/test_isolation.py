"""Partner isolation as a property: whatever pages exist -- any type, language, partner assignment,
draft, unpublished, view-restricted (on the page or on an ancestor) -- a key sees exactly the live,
unrestricted pages shared with its partner or with everyone, in lists, details, search, suggestions
and facet counts."""

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction

from plugins.events.factories import EventPageFactory
from plugins.funding.factories import FundingPageFactory
from plugins.projects.factories import ProjectPageFactory
from plugins.reports.factories import ExperienceReportPageFactory

FACTORIES = {
    "projects": ProjectPageFactory,
    "reports": ExperienceReportPageFactory,
    "events": EventPageFactory,
    "funding": FundingPageFactory,
}
WORD = "Quorzelbaum"

page_specs = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(sorted(FACTORIES)),
            "locale": st.sampled_from(["de", "en"]),
            "audience": st.sampled_from([(), ("a",), ("b",), ("a", "b")]),  # () = shared with every partner
            "state": st.sampled_from(["live", "live", "draft", "unpublished", "restricted"]),
        }
    ),
    min_size=1,
    max_size=6,
)
restricted_index = st.one_of(
    st.none(), st.tuples(st.sampled_from(sorted(FACTORIES)), st.sampled_from(["de", "en"]))
)


def build(specs, partners, restrict_index):
    pages = []
    for n, spec in enumerate(specs):
        audience = [partners[key] for key in spec["audience"]]
        page = FACTORIES[spec["type"]](
            title=f"{WORD} {n}", locale=spec["locale"], partners=audience, publish=spec["state"] != "draft"
        )
        if spec["state"] == "unpublished":
            page.unpublish()
        if spec["state"] == "restricted":
            PageViewRestriction.objects.create(page=page, restriction_type="password", password="geheim")
        pages.append((page, spec))
    hidden_parent = None
    if restrict_index:
        type_name, locale = restrict_index
        index_model = apps.get_model(FACTORIES[type_name]._meta.model.parent_page_types[0])
        hidden_parent = index_model.objects.get(locale__language_code=locale)
        PageViewRestriction.objects.create(page=hidden_parent, restriction_type="login")
    return pages, hidden_parent


def visible_for(pages, hidden_parent, key):
    visible = set()
    for page, spec in pages:
        shared = not spec["audience"] or key in spec["audience"]
        under_restricted = hidden_parent is not None and page.path.startswith(hidden_parent.path)
        if spec["state"] == "live" and shared and not under_restricted:
            visible.add(page.pk)
    return visible


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=page_specs, restrict_index=restricted_index)
def test_no_key_ever_sees_what_its_partner_may_not(api, other_api, specs, restrict_index):
    clients = {"a": api, "b": other_api}
    with transaction.atomic():
        cache.clear()
        pages, hidden_parent = build(specs, {"a": api.partner, "b": other_api.partner}, restrict_index)
        by_pk = {page.pk: spec for page, spec in pages}
        for key, client in clients.items():
            visible = visible_for(pages, hidden_parent, key)
            for type_name in FACTORIES:
                for locale in ("de", "en"):
                    # every page here is its own translation group: one in another language is listed
                    # in its own language as a fallback
                    expected = {pk for pk in visible if by_pk[pk]["type"] == type_name}
                    listed = client.json(f"/api/v1/{type_name}/", {"locale": locale, "limit": 100})
                    assert {x["id"] for x in listed["results"]} == expected, (key, type_name, locale)
                    assert listed["count"] == len(expected)
                    for item in listed["results"]:
                        assert item["fallback"] is (by_pk[item["id"]]["locale"] != locale), item
            for page, spec in pages:
                status = client.get(f"/api/v1/{spec['type']}/{page.pk}/").status_code
                assert status == (200 if page.pk in visible else 404), (key, spec, status)
            for locale in ("de", "en"):
                expected = {pk for pk in visible if by_pk[pk]["locale"] == locale}
                found = client.json("/api/v1/search/", {"q": WORD, "locale": locale, "limit": 50})
                found_ids = {x["id"] for x in found["results"]}
                assert found_ids <= visible, ("search leaks", key, found_ids - visible)
                assert found_ids == expected, ("search misses", key, locale, expected - found_ids)
                assert found["count"] == len(expected)
                for type_name, count in found["facets"]["type"].items():
                    assert count == len([pk for pk in expected if by_pk[pk]["type"] == type_name]), type_name
                suggested = client.json(
                    "/api/v1/search/suggest/", {"q": WORD[:6], "locale": locale, "limit": 20}
                )
                assert {x["id"] for x in suggested["suggestions"]} <= expected, ("suggestions leak", key)
        transaction.set_rollback(True)
