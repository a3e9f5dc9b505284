"""The changes feed: a partner that mirrors content catches up from a cursor and ends up holding
exactly the pages its key may see."""

import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from frontend_api.changes import Cursor, prune_changes
from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from plugins.shared.models import PagePartner
from plugins.shared.visibility import visible_to
from tests.frontend_api.conftest import assert_error

FEED = "/api/v1/changes/"


def read_all(client, since=None, limit=100) -> tuple[list[dict], str]:
    """Every entry from `since` until has_more is false, and the cursor to continue from."""
    entries = []
    while True:
        params = {"limit": limit, **({"since": since} if since else {})}
        body = client.json(FEED, params)
        entries += body["changes"]
        since = body["next"]
        if not body["has_more"]:
            return entries, since


def events(entries) -> list[tuple[str, int, str]]:
    return [(entry["event"], entry["id"], entry["reason"]) for entry in entries]


def test_the_feed_starts_with_a_snapshot_then_follows_the_changes(api, other_api, run_on_commit):
    a, b = api.partner, other_api.partner
    everyone = run_on_commit(lambda: EventPageFactory(title="Für alle"))
    only_a = run_on_commit(lambda: ProjectPageFactory(title="Nur A", partners=[a]))
    only_b = run_on_commit(lambda: EventPageFactory(title="Nur B", partners=[b]))
    run_on_commit(lambda: EventPageFactory(title="Entwurf", publish=False))

    first = api.json(FEED, {"limit": 1})
    assert events(first["changes"]) == [("page.published", everyone.pk, "published")] and first["has_more"]
    entry = first["changes"][0]
    assert entry["type"] == "events" and entry["locale"] == "de" and entry["url"] == everyone.full_url
    rest, cursor = read_all(api, first["next"], limit=1)
    assert events(rest) == [("page.published", only_a.pk, "published")]
    assert api.json(FEED, {"since": cursor}) == {"changes": [], "next": cursor, "has_more": False}

    run_on_commit(everyone.unpublish)
    later = run_on_commit(lambda: EventPageFactory(title="Neu", partners=[a]))
    run_on_commit(lambda: only_b.save_revision().publish())  # B's business only
    changes, cursor = read_all(api, cursor)
    assert events(changes) == [("page.unpublished", everyone.pk, "unpublished"),
                               ("page.published", later.pk, "published")]

    other, _ = read_all(other_api)  # another partner's snapshot and changes never show A's pages
    assert {entry["id"] for entry in other} == {only_b.pk}


def test_a_malformed_cursor_is_a_400_naming_since(api, run_on_commit):
    run_on_commit(lambda: EventPageFactory(title="Seite"))
    for since in ("abc", "!!!", "MS41!", "MS4x" * 30, "Mi4x", Cursor(10**6).encode(), "%00"):
        assert_error(api.get(FEED, {"since": since}), 400, "invalid_parameter", "since")
    for limit in ("0", "501", "zehn"):
        assert_error(api.get(FEED, {"limit": limit}), 400, "invalid_parameter", "limit")
    assert_error(api.get(FEED, {"cursor": "x"}), 400, "unknown_parameter", "cursor")


def test_a_cursor_older_than_the_changes_kept_is_gone(api, run_on_commit, settings):
    import datetime

    from django.utils import timezone

    page = run_on_commit(lambda: EventPageFactory(title="Seite"))
    _entries, cursor = read_all(api)
    run_on_commit(page.unpublish)
    assert prune_changes() == 0  # nothing is older than the retention period yet
    assert events(api.json(FEED, {"since": cursor})["changes"]) == [("page.unpublished", page.pk, "unpublished")]

    assert prune_changes(now=timezone.now() + datetime.timedelta(days=31)) == 2
    assert_error(api.get(FEED, {"since": cursor}), 410, "cursor_expired", "since")
    assert api.json(FEED)["changes"] == []  # starting again works: nothing visible now
    run_on_commit(lambda: page.save_revision().publish())
    _entries, fresh = read_all(api)
    assert api.json(FEED, {"since": fresh})["has_more"] is False


def test_feed_queries_do_not_grow_with_the_limit(api, run_on_commit, django_assert_max_num_queries):
    pages = [run_on_commit(lambda n=n: EventPageFactory(title=f"Seite {n}")) for n in range(4)]
    _entries, cursor = read_all(api)
    for page in pages:
        run_on_commit(page.unpublish)

    def count(params) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(FEED, params).status_code == 200
        return len(queries)

    assert count({"limit": 1}) == count({"limit": 4})  # the snapshot
    assert count({"limit": 1, "since": cursor}) == count({"limit": 4, "since": cursor})  # the changes
    with django_assert_max_num_queries(8):
        api.get(FEED, {"limit": 500})
    with django_assert_max_num_queries(8):
        api.get(FEED, {"limit": 500, "since": cursor})


def test_feed_answers_validate_against_the_schema(api, anon, run_on_commit):
    from tests.frontend_api.test_openapi import response_component, validate

    openapi = anon.json("/api/v1/schema/", HTTP_ACCEPT="application/json")
    page = run_on_commit(lambda: EventPageFactory(title="Seite"))
    _entries, cursor = read_all(api)
    run_on_commit(page.unpublish)
    validate(openapi, response_component(openapi, FEED), api.json(FEED))
    validate(openapi, response_component(openapi, FEED), api.json(FEED, {"since": cursor}))
    validate(openapi, "Error", api.json(FEED, {"since": "kaputt"}, status=400))
    parameters = {p["name"]: p for p in openapi["paths"][FEED]["get"]["parameters"]}
    assert parameters["limit"]["schema"]["maximum"] == 500 and "since" in parameters
    assert {"400", "401", "410"} <= set(openapi["paths"][FEED]["get"]["responses"])


class Mirror:
    """A partner's copy of the hub, kept by reading its changes feed a slice at a time."""

    def __init__(self, client):
        self.client, self.pages, self.cursor, self.seen = client, set(), None, []

    def apply(self, entries) -> None:
        self.seen += entries
        for entry in entries:
            (self.pages.add if entry["event"] == "page.published" else self.pages.discard)(entry["id"])

    def catch_up(self, limit: int, *, to_the_end: bool = False) -> None:
        while True:
            body = self.client.json(FEED, {"limit": limit, **({"since": self.cursor} if self.cursor else {})})
            self.apply(body["changes"])
            self.cursor = body["next"]
            if not (to_the_end and body["has_more"]):
                return


def may_see(client) -> set[int]:
    """What the key may see, by the rule and by the list endpoints (which must agree)."""
    models = [EventPageFactory._meta.model, ProjectPageFactory._meta.model]
    by_rule = set(visible_to(Page.objects.type(*models), client.partner).values_list("pk", flat=True))
    listed = {item["id"] for type_name in ("events", "projects")
              for item in client.json(f"/api/v1/{type_name}/", {"limit": 100, "locale": "de"})["results"]}
    assert by_rule == listed
    return listed


@pytest.mark.parametrize("seed", [5, 6])  # runs that met every event and reason when written
def test_replaying_the_feed_mirrors_exactly_what_the_key_may_see(api, other_api, run_on_commit, seed):
    """Random changes of every kind (publish, unpublish, expiry, deletion, sharing by publish and by
    shell, view restrictions, moves under a restricted page), read in random slices meanwhile."""
    rng = random.Random(seed)
    a, b = api.partner, other_api.partner
    sharings = [[], [a], [b], [a, b]]
    home: dict[int, Page] = {}  # each page's first parent, by page id
    mirrors = [Mirror(api), Mirror(other_api)]

    def current() -> list[Page]:
        return list(Page.objects.filter(pk__in=home).specific().order_by("pk"))

    def new_page():
        factory = rng.choice([EventPageFactory, ProjectPageFactory])
        page = factory(title=f"Seite {len(home)}", partners=rng.choice(sharings))
        home[page.pk] = page.get_parent()

    def reshare_by_publishing(page):
        page.partner_links = [PagePartner(partner=p) for p in rng.choice(sharings)]
        page.save_revision().publish()

    def reshare_in_the_shell(page):
        with transaction.atomic():
            PagePartner.objects.filter(page=page).delete()
            for partner in rng.choice(sharings):
                PagePartner.objects.create(page=page, partner=partner)

    def toggle_restriction(page):
        restriction = PageViewRestriction.objects.filter(page=page).first()
        if restriction:
            restriction.delete()
        else:
            PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    def move(page):
        others = [p for p in current() if not p.is_descendant_of(page) and p.pk != page.pk]
        target = rng.choice(others) if others and rng.random() < 0.7 else home[page.pk]
        if target.pk != page.get_parent().pk:
            page.move(target, pos="last-child")

    changes = [
        lambda p: p.unpublish(), lambda p: p.save_revision().publish(), lambda p: p.unpublish(set_expired=True),
        reshare_by_publishing, reshare_in_the_shell, toggle_restriction, move, lambda p: p.delete(),
    ]
    for _ in range(4):
        run_on_commit(new_page)
    for step in range(30):
        pages = current()
        if rng.random() < 0.2 or len(pages) < 3:
            run_on_commit(new_page)
        else:
            page = rng.choice(pages)
            run_on_commit(lambda page=page: rng.choice(changes)(page))
        if step % 3 == 0:
            for mirror in mirrors:
                mirror.catch_up(limit=rng.randint(1, 4))

    for mirror in mirrors:
        mirror.catch_up(limit=rng.randint(1, 5), to_the_end=True)
        assert mirror.pages == may_see(mirror.client)
        fresh = Mirror(mirror.client)  # a mirror started now: the snapshot alone
        fresh.catch_up(limit=3, to_the_end=True)
        assert fresh.pages == mirror.pages


def test_the_sweep_tells_partners_what_an_announcement_missed(api, other_api, run_on_commit):
    """A change made without any signal (a queryset update, as a crash between commit and the queued
    announcement would leave it) reaches partners with the worker's periodic sweep, once."""
    from frontend_api.changes import sweep_audiences

    a, b = api.partner, other_api.partner
    page = run_on_commit(lambda: EventPageFactory(title="Erst A, dann B", partners=[a]))
    _entries, cursor_a = read_all(api)
    _entries, cursor_b = read_all(other_api)

    PagePartner.objects.filter(page=page).update(partner=b)  # no signal fires
    assert read_all(api, cursor_a)[0] == [] and read_all(other_api, cursor_b)[0] == []

    assert sweep_audiences() == 2
    assert events(read_all(api, cursor_a)[0]) == [("page.unpublished", page.pk, "unshared")]
    assert events(read_all(other_api, cursor_b)[0]) == [("page.published", page.pk, "published")]
    assert sweep_audiences() == 0  # told once


def test_an_unfinished_translation_is_announced_only_once_it_is_finished(api, run_on_commit):
    """Partners mirror what the API answers: a translation published with untranslated text is not
    announced as its language (the API answers its source), and is announced when finished."""
    from tests.frontend_api.content import publish_translation, submit_translation, translate_segments

    german = run_on_commit(lambda: EventPageFactory(title="Sommerfest", teaser="Ein Fest im Sommer."))
    _entries, cursor = read_all(api)
    translation = submit_translation(german)
    translate_segments(translation, {"Sommerfest": "Summer party"})
    english = publish_translation(translation)  # runs its own commit callbacks
    changes, cursor = read_all(api, cursor)
    assert english.pk not in {entry["id"] for entry in changes}

    translate_segments(translation, {"Ein Fest im Sommer.": "A party in summer."}, rest=True)
    publish_translation(translation)
    changes, cursor = read_all(api, cursor)
    assert events(changes) == [("page.published", english.pk, "published")]
    assert changes[0]["locale"] == "en"

    # The source changes, the translation is synced and republished before the change is translated:
    # withdrawn as English until it is finished again.
    german.teaser = "Ein Fest im Sommer, mit Musik."
    run_on_commit(lambda: german.save_revision().publish())
    translation.source.update_from_db()
    publish_translation(translation)
    changes, cursor = read_all(api, cursor)
    assert ("page.unpublished", english.pk, "unpublished") in events(changes)
    assert api.json(f"/api/v1/events/{german.pk}/", {"locale": "en"})["fallback"] is True
