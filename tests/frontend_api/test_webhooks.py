"""Partners' webhooks: signed page events, only for pages the partner may see, retried, recorded."""

import hashlib
import hmac
import json

import pytest
from wagtail.models import PageViewRestriction

from frontend_api import webhooks
from frontend_api.models import WebhookDelivery
from frontend_api.partners import create_partner
from plugins.events.factories import EventPageFactory
from plugins.projects.factories import ProjectPageFactory
from tests.frontend_api.receivers import Receiver, verified


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def test_publish_is_delivered_signed(db, receiver, run_on_commit):
    partner, _key, secret = create_partner("Kulturportal", webhook_url=receiver.url)
    page = run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    [(headers, body)] = receiver.received
    event = json.loads(body)
    assert event["event"] == "page.published" and event["type"] == "events" and event["id"] == page.pk
    assert event["locale"] == "de" and event["url"] == page.full_url and event["occurred_at"]
    timestamp = headers["X-Kulturhub-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["X-Kulturhub-Signature"] == expected
    assert verified(secret, headers, body)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts.get().status_code == 204


def test_unpublish_and_delete_are_delivered(db, receiver, run_on_commit):
    create_partner("Kulturportal", webhook_url=receiver.url)
    page = run_on_commit(lambda: ProjectPageFactory(title="Projekt"))
    run_on_commit(page.unpublish)
    run_on_commit(lambda: page.save_revision().publish())
    run_on_commit(page.delete)
    assert [(e["event"], e["reason"]) for e in receiver.events()] == [
        ("page.published", "published"), ("page.unpublished", "unpublished"),
        ("page.published", "published"), ("page.deleted", "deleted")]
    assert {e["id"] for e in receiver.events()} == {page.pk}


def test_only_partners_who_may_see_the_page_are_told(db, receiver, run_on_commit):
    other = Receiver()
    try:
        chosen, _key, _secret = create_partner("Kulturportal", webhook_url=receiver.url)
        create_partner("Engagement NRW", webhook_url=other.url)
        run_on_commit(lambda: EventPageFactory(title="Nur für das Kulturportal", partners=[chosen]))
        assert len(receiver.received) == 1 and other.received == []

        private = run_on_commit(lambda: EventPageFactory(title="Intern", publish=False))
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
        run_on_commit(lambda: private.save_revision().publish())
        assert len(receiver.received) == 1 and other.received == []
    finally:
        other.close()


def test_failures_are_recorded_and_retried_with_backoff_then_given_up(db, settings, run_on_commit):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    failing = Receiver(status=500)
    try:
        create_partner("Kulturportal", webhook_url=failing.url)
        run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "pending" and delivery.attempt_count == 1
        first_wait = delivery.next_attempt_at - delivery.attempts.get().attempted_at
        assert webhooks.deliver(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert delivery.next_attempt_at - delivery.attempts.last().attempted_at > first_wait  # backoff grows
        failing.status = 503
        assert webhooks.deliver(delivery.pk) == "failed"
        assert [a.status_code for a in delivery.attempts.all()] == [500, 500, 503]
        assert webhooks.deliver(delivery.pk) == "failed"  # no further attempts
        assert len(failing.received) == 3
    finally:
        failing.close()


def test_unreachable_endpoint_is_recorded_not_raised(db, run_on_commit):
    create_partner("Kulturportal", webhook_url="http://127.0.0.1:9/nothing-listens")
    run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    attempt = WebhookDelivery.objects.get().attempts.get()
    assert attempt.status_code is None and "ConnectionError" in attempt.error


def test_worker_delivers_queued_webhooks(db, settings, receiver, django_capture_on_commit_callbacks):
    """With the database queue, the editor's publish only queues; `db_worker --batch` sends."""
    from tests.search.helpers import DATABASE_QUEUE, run_worker

    settings.TASKS = DATABASE_QUEUE
    create_partner("Kulturportal", webhook_url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        EventPageFactory(title="Netzwerktreffen")
    assert receiver.received == []  # queued, not sent
    run_worker()
    assert [e["event"] for e in receiver.events()] == ["page.published"]
    assert WebhookDelivery.objects.get().status == "delivered"


# Partners are told of every change in what they may see ---------------------------------------------

@pytest.fixture
def receivers():
    servers = {name: Receiver() for name in ("a", "b", "c")}
    yield servers
    for server in servers.values():
        server.close()


@pytest.fixture
def three_partners(db, de, en, receivers):
    """Partners A, B and C, each with a webhook, and A's and B's API clients."""
    from tests.frontend_api.conftest import APIClient

    partners, clients = {}, {}
    for name, server in receivers.items():
        partner, key, _secret = create_partner(f"Partner {name.upper()}", webhook_url=server.url)
        partners[name], clients[name] = partner, APIClient(key)
    return partners, clients


def told(receiver: Receiver) -> list[tuple[str, int, str]]:
    """What a partner's webhook received since last asked: (event, page id, reason)."""
    events = [(e["event"], e["id"], e["reason"]) for e in receiver.events()]
    receiver.received.clear()
    return events


def listed(client, type_name="events") -> set[int]:
    return {item["id"] for item in client.json(f"/api/v1/{type_name}/", {"limit": 100})["results"]}


def found(client, q: str) -> set[int]:
    body = client.json("/api/v1/search/", {"q": q})
    assert body["engine"] == "database"
    return {hit["id"] for hit in body["results"]}


def test_expiry_is_announced_as_expired(db, receiver, run_on_commit):
    """What Wagtail's publish_scheduled does when a page's expiry time has passed."""
    create_partner("Kulturportal", webhook_url=receiver.url)
    page = run_on_commit(lambda: EventPageFactory(title="Abgelaufen"))
    run_on_commit(lambda: page.unpublish(set_expired=True))
    assert told(receiver) == [("page.published", page.pk, "published"), ("page.unpublished", page.pk, "expired")]


def test_sharing_changed_by_publishing_a_revision(three_partners, receivers, run_on_commit):
    from plugins.shared.models import PagePartner

    partners, clients = three_partners
    page = run_on_commit(lambda: EventPageFactory(title="Wanderausstellung", partners=[partners["a"]]))
    assert told(receivers["a"]) == [("page.published", page.pk, "published")]
    assert listed(clients["a"]) == {page.pk} and listed(clients["b"]) == set()  # both answers now cached
    assert found(clients["a"], "Wanderausstellung") == {page.pk}

    page.partner_links = [PagePartner(partner=partners["b"])]
    run_on_commit(lambda: page.save_revision().publish())

    assert told(receivers["a"]) == [("page.unpublished", page.pk, "unshared")]
    assert told(receivers["b"]) == [("page.published", page.pk, "published")]
    assert told(receivers["c"]) == []
    assert listed(clients["a"]) == set() and listed(clients["b"]) == {page.pk}
    assert found(clients["a"], "Wanderausstellung") == set()
    assert found(clients["b"], "Wanderausstellung") == {page.pk}


def test_sharing_changed_in_the_shell_without_publishing(three_partners, receivers, run_on_commit):
    """An import or a script changes the partner links directly: cached answers, search and
    webhooks follow at once, and one transaction is one event per partner."""
    from django.db import transaction

    from plugins.shared.models import PagePartner

    partners, clients = three_partners
    page = run_on_commit(lambda: EventPageFactory(title="Lesereise", partners=[partners["a"]]))
    told(receivers["a"])
    assert listed(clients["a"]) == {page.pk} and listed(clients["b"]) == set()
    assert found(clients["b"], "Lesereise") == set()

    def reshare():
        with transaction.atomic():
            PagePartner.objects.filter(page=page, partner=partners["a"]).delete()  # for a moment: everyone's
            PagePartner.objects.create(page=page, partner=partners["b"])

    run_on_commit(reshare)
    assert told(receivers["a"]) == [("page.unpublished", page.pk, "unshared")]
    assert told(receivers["b"]) == [("page.published", page.pk, "shared")]
    assert told(receivers["c"]) == []
    assert listed(clients["a"]) == set() and listed(clients["b"]) == {page.pk}
    assert found(clients["a"], "Lesereise") == set() and found(clients["b"], "Lesereise") == {page.pk}

    run_on_commit(lambda: PagePartner.objects.filter(page=page).delete())  # now shared with everyone
    assert told(receivers["a"]) == [("page.published", page.pk, "shared")]
    assert told(receivers["b"]) == [] and told(receivers["c"]) == [("page.published", page.pk, "shared")]
    assert listed(clients["a"]) == {page.pk}


def test_view_restriction_added_and_removed(db, receiver, run_on_commit):
    create_partner("Kulturportal", webhook_url=receiver.url)
    page = run_on_commit(lambda: ProjectPageFactory(title="Projekt"))
    restriction = run_on_commit(
        lambda: PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN))
    run_on_commit(restriction.delete)
    assert told(receiver) == [("page.published", page.pk, "published"), ("page.unpublished", page.pk, "restricted"),
                              ("page.published", page.pk, "unrestricted")]


def test_restricting_a_parent_and_moving_under_a_restricted_page(db, receiver, run_on_commit):
    create_partner("Kulturportal", webhook_url=receiver.url)
    parent = run_on_commit(lambda: EventPageFactory(title="Reihe"))
    moved = run_on_commit(lambda: EventPageFactory(title="Einzeltermin"))
    told(receiver)
    run_on_commit(lambda: PageViewRestriction.objects.create(page=parent, restriction_type=PageViewRestriction.LOGIN))
    assert told(receiver) == [("page.unpublished", parent.pk, "restricted")]
    run_on_commit(lambda: moved.move(parent, pos="last-child"))
    assert told(receiver) == [("page.unpublished", moved.pk, "restricted")]

    restriction = PageViewRestriction.objects.get(page=parent)
    run_on_commit(restriction.delete)  # the whole section comes back
    assert sorted(told(receiver)) == sorted([("page.published", parent.pk, "unrestricted"),
                                             ("page.published", moved.pk, "unrestricted")])


def test_a_deleted_partners_pages_become_everyones(three_partners, receivers, run_on_commit):
    partners, _clients = three_partners
    page = run_on_commit(lambda: EventPageFactory(title="Nur für A", partners=[partners["a"]]))
    told(receivers["a"])
    run_on_commit(partners["a"].delete)
    assert told(receivers["b"]) == [("page.published", page.pk, "shared")]
    assert told(receivers["c"]) == [("page.published", page.pk, "shared")]
    assert told(receivers["a"]) == []


def test_a_webhook_gets_the_same_json_as_the_changes_feed(db, receiver, run_on_commit):
    from frontend_api.models import PartnerChange

    create_partner("Kulturportal", webhook_url=receiver.url)
    page = run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    run_on_commit(page.unpublish)
    assert receiver.events() == [change.payload for change in PartnerChange.objects.order_by("pk")]


def test_a_sharing_change_is_announced_by_the_worker(db, settings, receiver, django_capture_on_commit_callbacks):
    """With the database queue, a sharing change queues its announcement (partners hear the state the
    transaction left, once); `db_worker --batch` announces and then delivers."""
    from plugins.shared.models import PagePartner
    from tests.search.helpers import DATABASE_QUEUE, run_worker

    partner, _key, _secret = create_partner("Kulturportal", webhook_url=receiver.url)
    other, _key, _secret = create_partner("Engagement NRW")
    with django_capture_on_commit_callbacks(execute=True):
        page = EventPageFactory(title="Netzwerktreffen")
    told(receiver)
    settings.TASKS = DATABASE_QUEUE
    with django_capture_on_commit_callbacks(execute=True):
        PagePartner.objects.create(page=page, partner=other)
    assert receiver.received == [] and WebhookDelivery.objects.filter(event="page.unpublished").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        run_worker()  # announces; the delivery is queued when that commits
    run_worker()  # delivers
    assert told(receiver) == [("page.unpublished", page.pk, "unshared")]
