"""The admin's record of webhook deliveries: read-only listing and inspect page, redelivery by POST."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from wagtail.permissions import policy_registry

from frontend_api import webhooks
from frontend_api.models import WebhookDelivery
from frontend_api.partners import create_partner
from plugins.events.factories import EventPageFactory
from tests.frontend_api.receivers import Receiver

INDEX = "/admin/webhookdelivery/"


def inspect_url(delivery) -> str:
    return reverse("webhookdelivery:inspect", args=[delivery.pk])


def redeliver_url(delivery) -> str:
    return reverse("webhookdelivery:redeliver", args=[delivery.pk])


def html(response) -> str:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    return response.content.decode()


def has_button(page: str, label: str) -> bool:
    """Whether the page has a link or button (icon and text) labelled `label`."""
    return re.search(rf"</svg>\s*{re.escape(label)}\s*</(a|button)>", page) is not None


def attempt_rows(page: str) -> list[list[str]]:
    """The cells of the inspect page's attempts table, row by row."""
    table = page[page.index('id="delivery-attempts"'):]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    return [
        [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def failing():
    server = Receiver(status=500)
    yield server
    server.close()


@pytest.fixture
def working():
    server = Receiver(status=204)
    yield server
    server.close()


@pytest.fixture
def failed_delivery(db, settings, failing, run_on_commit):
    """Kulturportal's endpoint answered 500 to the only attempt allowed: the delivery is given up."""
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    create_partner("Kulturportal", webhook_url=failing.url)
    page = run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempt_count == 1
    delivery.page = page
    return delivery


def user_with(username: str, *codenames: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw")
    group = Group.objects.create(name=f"Gruppe {username}")
    group.permissions.set(Permission.objects.filter(codename__in=["access_admin", *codenames]))
    user.groups.add(group)
    return user


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(db):
    return logged_in(get_user_model().objects.create_superuser("admin", "admin@example.org", "pw"))


@pytest.fixture
def viewer_client(db):
    """An editor who may look at deliveries but not change webhooks."""
    return logged_in(user_with("leserin", "view_webhookdelivery"))


@pytest.fixture
def webhook_editor_client(db):
    return logged_in(user_with("technik", "view_webhookdelivery", "change_webhook"))


@pytest.fixture
def outsider_client(db):
    """An editor of pages with admin access and no permission on deliveries."""
    return logged_in(user_with("redaktion"))


def test_menu_offers_deliveries_to_those_who_may_see_them(admin_client, viewer_client, outsider_client):
    for client in (admin_client, viewer_client):
        dashboard = html(client.get(reverse("wagtailadmin_home")))
        assert "Zustellungen" in dashboard and INDEX in dashboard
    dashboard = html(outsider_client.get(reverse("wagtailadmin_home")))
    assert "Zustellungen" not in dashboard and INDEX not in dashboard
    response = outsider_client.get(INDEX)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_listing_shows_a_failed_delivery_with_its_error(admin_client, failed_delivery):
    listing = html(admin_client.get(INDEX))
    assert "aufgegeben" in listing and "HTTP 500" in listing and "Kulturportal" in listing
    assert "page.published" in listing
    page_edit = reverse("wagtailadmin_pages:edit", args=[failed_delivery.page_id])
    assert f'<a href="{page_edit}">Netzwerktreffen</a>' in listing
    assert f'href="{inspect_url(failed_delivery)}"' in listing  # the row's title links to the inspect page


def test_listing_is_newest_first_and_filters_by_status_partner_and_event(
    admin_client, failed_delivery, working, run_on_commit
):
    other, _key, _secret = create_partner("Engagement NRW", webhook_url=working.url)
    run_on_commit(lambda: failed_delivery.page.unpublish())
    unpublished = WebhookDelivery.objects.filter(event="page.unpublished")
    unpublished_failed = unpublished.get(webhook__partner__name="Kulturportal")
    unpublished_ok = unpublished.get(webhook__partner=other)
    assert unpublished_ok.status == "delivered" and unpublished_failed.status == "failed"

    def rows(query: str = "") -> list[int]:
        listing = html(admin_client.get(INDEX + query))
        return [int(pk) for pk in re.findall(r'href="/admin/webhookdelivery/inspect/(\d+)/"', listing)]

    everything = rows()
    assert sorted(set(everything)) == sorted([failed_delivery.pk, unpublished_failed.pk, unpublished_ok.pk])
    assert list(dict.fromkeys(everything))[-1] == failed_delivery.pk  # the oldest comes last
    assert set(rows("?status=failed")) == {failed_delivery.pk, unpublished_failed.pk}
    assert set(rows("?status=delivered")) == {unpublished_ok.pk}
    assert set(rows(f"?webhook__partner={other.pk}")) == {unpublished_ok.pk}
    assert set(rows("?event=page.published")) == {failed_delivery.pk}


def test_a_deleted_page_is_named_by_its_id(admin_client, working, run_on_commit):
    create_partner("Kulturportal", webhook_url=working.url)
    page = run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    page_id = page.pk
    run_on_commit(page.delete)
    deleted = WebhookDelivery.objects.get(event="page.deleted")
    assert f"Seite #{page_id} (gelöscht)" in html(admin_client.get(INDEX))
    assert f"Seite #{page_id} (gelöscht)" in html(admin_client.get(inspect_url(deleted)))


def test_listing_queries_do_not_grow_with_the_rows(admin_client, failed_delivery, run_on_commit):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            html(admin_client.get(INDEX))
        return len(captured)

    one = queries()
    for title in ("Zweites Treffen", "Drittes Treffen", "Viertes Treffen"):
        run_on_commit(lambda title=title: EventPageFactory(title=title))
    assert WebhookDelivery.objects.count() == 4
    assert queries() == one


def test_inspect_page_lists_every_attempt_oldest_first(admin_client, settings, failed_delivery, failing):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    WebhookDelivery.objects.filter(pk=failed_delivery.pk).update(status="pending")
    webhooks.deliver(failed_delivery.pk)
    failing.status = 503
    assert webhooks.deliver(failed_delivery.pk) == "failed"

    page = html(admin_client.get(inspect_url(failed_delivery)))
    assert [row[1:3] for row in attempt_rows(page)] == [["500", "HTTP 500"], ["500", "HTTP 500"], ["503", "HTTP 503"]]
    assert failing.url in page and "Kulturportal" in page and "aufgegeben" in page
    body = page[page.index('<pre id="delivery-body">'):]
    assert body.startswith('<pre id="delivery-body">{\n  &quot;event&quot;: &quot;page.published&quot;,\n')


def test_nothing_can_be_added_edited_or_deleted(admin_client, failed_delivery):
    for name, args in (("add", []), ("edit", [failed_delivery.pk]), ("delete", [failed_delivery.pk]),
                       ("copy", [failed_delivery.pk])):
        with pytest.raises(NoReverseMatch):
            reverse(f"webhookdelivery:{name}", args=args)
    for path in ("new/", f"edit/{failed_delivery.pk}/", f"delete/{failed_delivery.pk}/",
                 f"copy/{failed_delivery.pk}/"):
        assert admin_client.get(INDEX + path).status_code == 404
        assert admin_client.post(INDEX + path).status_code == 404
    for page in (html(admin_client.get(INDEX)), html(admin_client.get(inspect_url(failed_delivery)))):
        assert not any(has_button(page, label) for label in ("Webhook-Zustellung hinzufügen", "Bearbeiten", "Löschen"))
        assert not re.search(r'href="/admin/webhookdelivery/(new|edit|delete|copy)/', page)
    assert WebhookDelivery.objects.filter(pk=failed_delivery.pk).exists()
    webhooks_listing = html(admin_client.get(reverse("webhook:index")))  # where editing is allowed, it shows
    assert has_button(webhooks_listing, "Webhook hinzufügen") and has_button(webhooks_listing, "Bearbeiten")


def test_redeliver_sends_again_and_shows_the_delivery_as_delivered(
    admin_client, failed_delivery, failing, django_capture_on_commit_callbacks
):
    inspect = html(admin_client.get(inspect_url(failed_delivery)))
    assert "Erneut zustellen" in inspect and f'action="{redeliver_url(failed_delivery)}"' in inspect

    failing.status = 204  # the partner fixed the endpoint
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(redeliver_url(failed_delivery))
    assert response.status_code == 302 and response["Location"] == inspect_url(failed_delivery)
    assert len(failing.received) == 2

    page = html(admin_client.get(response["Location"]))
    assert "erneut angestoßen" in page  # the success message
    assert "zugestellt" in page and "Erneut zustellen" not in page
    assert [row[1] for row in attempt_rows(page)] == ["500", "204"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempt_count == 2 and delivery.delivered_at


def test_a_redelivery_gets_its_own_retries(admin_client, settings, failed_delivery, failing,
                                          django_capture_on_commit_callbacks):
    """Earlier attempts stay counted and shown, but do not use up the redelivery's retry limit."""
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(redeliver_url(failed_delivery))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempt_count == 2 and delivery.next_attempt_at
    assert webhooks.deliver(delivery.pk) == "failed"
    assert len(failing.received) == 3
    assert len(attempt_rows(html(admin_client.get(inspect_url(delivery))))) == 3


def test_get_on_the_redeliver_url_changes_nothing(admin_client, failed_delivery, failing,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.get(redeliver_url(failed_delivery)).status_code == 405
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempt_count == 1 and len(failing.received) == 1


def test_redeliver_needs_the_csrf_token(failed_delivery, failing, django_capture_on_commit_callbacks):
    superuser = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client = logged_in(superuser, enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(redeliver_url(failed_delivery)).status_code == 403
    assert WebhookDelivery.objects.get().status == "failed" and len(failing.received) == 1


def test_a_delivered_delivery_is_not_sent_again(admin_client, working, run_on_commit,
                                               django_capture_on_commit_callbacks):
    create_partner("Kulturportal", webhook_url=working.url)
    run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    delivery = WebhookDelivery.objects.get()
    assert "Erneut zustellen" not in html(admin_client.get(inspect_url(delivery)))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(redeliver_url(delivery), follow=True)
    assert "Nur aufgegebene Zustellungen werden erneut gesendet" in html(response)
    assert len(working.received) == 1 and WebhookDelivery.objects.get().attempt_count == 1


def test_viewers_without_webhook_permission_cannot_redeliver(viewer_client, failed_delivery, failing,
                                                             django_capture_on_commit_callbacks):
    inspect = html(viewer_client.get(inspect_url(failed_delivery)))
    assert "HTTP 500" in inspect and "Erneut zustellen" not in inspect
    with django_capture_on_commit_callbacks(execute=True):
        response = viewer_client.post(redeliver_url(failed_delivery))
    # Wagtail answers a permission error in the admin with the dashboard and an error message.
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert WebhookDelivery.objects.get().status == "failed" and len(failing.received) == 1


def test_editors_who_may_change_webhooks_can_redeliver(webhook_editor_client, failed_delivery, failing,
                                                       django_capture_on_commit_callbacks):
    assert "Erneut zustellen" in html(webhook_editor_client.get(inspect_url(failed_delivery)))
    failing.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        webhook_editor_client.post(redeliver_url(failed_delivery))
    assert WebhookDelivery.objects.get().status == "delivered"


def test_outsiders_see_no_delivery(outsider_client, failed_delivery):
    for url in (INDEX, inspect_url(failed_delivery)):
        response = outsider_client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_webhook_listing_counts_failed_deliveries(admin_client, failed_delivery):
    listing = html(admin_client.get(reverse("webhook:index")))
    assert "Aufgegebene Zustellungen" in listing
    link = f"{INDEX}?status=failed&amp;webhook__partner={failed_delivery.webhook.partner_id}"
    assert f'<a href="{link}">1</a>' in listing


def test_groups_can_only_be_given_the_view_permission_on_deliveries(admin_client):
    form = html(admin_client.get(reverse("wagtailusers_groups:add")))
    perms = dict(Permission.objects.filter(content_type__model="webhookdelivery").values_list("codename", "pk"))
    offered = {codename for codename, pk in perms.items() if f'name="permissions" value="{pk}"' in form}
    assert offered == {"view_webhookdelivery"}
    superuser = get_user_model().objects.get(username="admin")
    policy = policy_registry.get_by_type(WebhookDelivery)
    assert [action for action in ("add", "change", "delete", "view") if policy.user_has_permission(superuser, action)] == [
        "view"]
