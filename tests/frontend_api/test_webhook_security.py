"""Webhooks cannot be aimed into the hub's own network (refused when saved, and again at delivery on the
resolved address), and their signatures carry the send time so receivers can refuse replays."""

import io
import ipaddress

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from frontend_api import webhook_targets
from frontend_api.models import Webhook, WebhookDelivery
from frontend_api.partners import create_partner
from plugins.events.factories import EventPageFactory
from plugins.shared.models import Partner
from tests.frontend_api.receivers import Receiver, verified

# (URL, words the refusal must contain): every class of internal address, as written in a URL.
REFUSED = [
    ("http://127.0.0.1:8000/hook", "loopback"),
    ("http://127.1/hook", "loopback"),
    ("http://[::1]/hook", "loopback"),
    ("http://localhost:8000/hook", "loopback"),
    ("http://partner.localhost/hook", "loopback"),
    ("http://10.1.2.3/hook", "private"),
    ("http://172.16.0.1/hook", "private"),
    ("https://192.168.178.1/hook", "private"),
    ("http://[fc00::1]/hook", "private"),
    ("http://[fd12:3456::1]/hook", "private"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://169.254.1.1/hook", "link-local"),
    ("http://[fe80::1]/hook", "link-local"),
    ("http://224.0.0.1/hook", "multicast"),
    ("http://[ff02::1]/hook", "multicast"),
    ("http://0.0.0.0/hook", "unspecified"),
    ("http://[::]/hook", "unspecified"),
    ("http://100.64.0.1/hook", "carrier-grade NAT"),
    ("http://240.0.0.1/hook", "reserved"),
    ("http://[::ffff:127.0.0.1]/hook", "a loopback address (IPv4-mapped 127.0.0.1)"),
    ("http://[::ffff:169.254.169.254]/hook", "metadata"),
    ("http://[::ffff:10.0.0.1]/hook", "private"),
    # IPv6 forms that reach an IPv4 address through a translator or tunnel: judged by that IPv4 address.
    ("http://[64:ff9b::7f00:1]/hook", "a loopback address (NAT64 127.0.0.1)"),
    ("http://[64:ff9b::a9fe:a9fe]/hook", "metadata service (link-local) (NAT64 169.254.169.254)"),
    ("http://[64:ff9b:1::a00:1]/hook", "a private address (NAT64 10.0.0.1)"),  # local-use prefix, /96
    ("http://[64:ff9b:1:a00:0:100::]/hook", "a private address (NAT64 10.0.0.1)"),  # local-use prefix, /48
    ("http://[2002:7f00:1::1]/hook", "a loopback address (6to4 127.0.0.1)"),
    ("http://[2002:a9fe:a9fe::]/hook", "metadata service (link-local) (6to4 169.254.169.254)"),
    ("http://[2002:c0a8:101::1]/hook", "a private address (6to4 192.168.1.1)"),
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook", "a loopback address (Teredo 127.0.0.1)"),
    ("http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook", "a private address (Teredo 10.0.0.1)"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
    ("http://metadata/hook", "metadata"),
]
NOT_A_TARGET = [
    ("ftp://hooks.example.org/x", "only http and https"),
    ("https://user:secret@hooks.example.org/x", "credentials"),
]


@pytest.fixture
def private_networks_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def names(monkeypatch):
    """A resolver for made-up names (no network): {name: [addresses]}; other names resolve as usual."""
    table: dict[str, list[str]] = {}
    real = webhook_targets.resolve

    def resolve(host, port):
        if host in table:
            return [ipaddress.ip_address(address) for address in table[host]]
        return real(host, port)

    monkeypatch.setattr(webhook_targets, "resolve", resolve)
    return table


def create_partner_command(*args) -> list[str]:
    out = io.StringIO()
    call_command("create_partner", *args, stdout=out)
    return out.getvalue().splitlines()


# When the webhook is saved ------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "reason"), REFUSED + NOT_A_TARGET)
def test_create_partner_refuses_internal_targets_naming_url_and_reason(db, private_networks_refused, url, reason):
    with pytest.raises(CommandError) as refused:
        create_partner_command("Kulturportal", "--webhook", url)
    assert url in str(refused.value) and reason in str(refused.value)
    assert not Webhook.objects.exists() and not Partner.objects.exists(), "nothing half-created"


@pytest.mark.parametrize(("url", "reason"), [REFUSED[0], REFUSED[10], NOT_A_TARGET[1]])
def test_the_admin_form_shows_the_refusal_at_the_url_field(admin_client, private_networks_refused, url, reason):
    partner = Partner.objects.create(name="P", slug="p")
    response = admin_client.post(reverse("webhook:add"), {"partner": partner.pk, "url": url, "active": "on"})
    assert response.status_code == 200 and not Webhook.objects.exists()
    errors = response.context["form"].errors
    assert list(errors) == ["url"] and reason in errors["url"][0]


def test_a_name_resolving_to_an_internal_address_is_refused_when_saved(db, private_networks_refused, names):
    names["hooks.partner.example"] = ["93.184.215.14", "10.0.0.7"]
    with pytest.raises(ValidationError, match=r"hooks\.partner\.example resolves to 10\.0\.0\.7, a private address"):
        create_partner("Kulturportal", webhook_url="https://hooks.partner.example/x")


def test_public_targets_are_accepted(db, private_networks_refused, names):
    names["hooks.partner.example"] = ["93.184.215.14"]
    partner = Partner.objects.create(name="Kulturportal", slug="kulturportal")
    # 64:ff9b::5db8:d70e is 93.184.215.14 through NAT64 (how an IPv6-only hub with DNS64 sees a public host).
    for url in ("https://hooks.partner.example/x", "https://93.184.215.14/hook", "https://[2606:4700::1111]/",
                "https://[64:ff9b::5db8:d70e]/hook", "https://[2002:5db8:d70e::1]/hook"):
        Webhook(partner=partner, url=url).full_clean()


def test_internal_targets_are_allowed_when_the_operator_says_so(db, settings, receiver, run_on_commit):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    create_partner("Kulturportal", webhook_url=receiver.url)
    run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    assert [event["event"] for event in receiver.events()] == ["page.published"]
    partner = Partner.objects.create(name="Engagement NRW", slug="engagement-nrw")
    for url, reason in NOT_A_TARGET:
        with pytest.raises(ValidationError, match=reason):
            Webhook(partner=partner, url=url).full_clean()


# When it is delivered -----------------------------------------------------------------------------

def delivery_error(run_on_commit) -> str:
    run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    attempt = WebhookDelivery.objects.get().attempts.get()
    assert attempt.status_code is None
    return attempt.error


def stored_webhook(url: str) -> Webhook:
    """A webhook saved while the target was allowed (or before these checks existed)."""
    partner = Partner.objects.create(name="Kulturportal", slug="kulturportal", active=True)
    return Webhook.objects.create(partner=partner, url=url)


@pytest.mark.parametrize(("url", "reason"), [case for case in REFUSED if "localhost" not in case[0]])
def test_delivery_refuses_internal_addresses(db, private_networks_refused, run_on_commit, url, reason):
    stored_webhook(url)
    error = delivery_error(run_on_commit)
    assert error.startswith("refused: ") and reason in error, error


def test_delivery_refuses_localhost_even_with_a_listener(db, private_networks_refused, receiver, run_on_commit):
    stored_webhook(receiver.url.replace("127.0.0.1", "localhost"))
    assert "localhost is a loopback name" in delivery_error(run_on_commit)
    assert receiver.received == []


def test_dns_rebinding_is_refused_at_delivery(db, private_networks_refused, names, receiver, run_on_commit):
    """Public when saved, loopback when sent: the connection's address decides."""
    names["hooks.partner.example"] = ["93.184.215.14"]
    port = receiver.url.split(":")[2].split("/")[0]
    create_partner("Kulturportal", webhook_url=f"http://hooks.partner.example:{port}/hook")
    names["hooks.partner.example"] = ["127.0.0.1"]
    error = delivery_error(run_on_commit)
    assert "hooks.partner.example resolves to 127.0.0.1, a loopback address" in error
    assert receiver.received == []
    assert WebhookDelivery.objects.get().status == "pending", "retried later like any failed attempt"


def test_the_resolver_is_what_delivery_connects_to(db, names, receiver, run_on_commit):
    """With private networks allowed, a made-up name resolving to the loopback receiver is delivered to:
    the connection follows `resolve`, and the Host header keeps the name."""
    names["hooks.partner.example"] = ["127.0.0.1"]
    port = receiver.url.split(":")[2].split("/")[0]
    create_partner("Kulturportal", webhook_url=f"http://hooks.partner.example:{port}/hook")
    run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    [(headers, _body)] = receiver.received
    assert headers["Host"] == f"hooks.partner.example:{port}"


def test_credentials_stored_in_a_url_are_never_sent(db, receiver, run_on_commit):
    stored_webhook(receiver.url.replace("http://", "http://user:secret@"))
    assert "credentials" in delivery_error(run_on_commit)
    assert receiver.received == []


# Signatures ---------------------------------------------------------------------------------------

def test_a_captured_delivery_is_refused_as_a_replay_after_five_minutes(db, receiver, run_on_commit):
    _partner, _key, secret = create_partner("Kulturportal", webhook_url=receiver.url)
    run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
    [(headers, body)] = receiver.received
    sent_at = int(headers["X-Kulturhub-Timestamp"])
    assert verified(secret, headers, body, now=sent_at + 299)
    assert not verified(secret, headers, body, now=sent_at + 301), "too old: a replay"
    moved = {**headers, "X-Kulturhub-Timestamp": str(sent_at + 290)}
    assert not verified(secret, moved, body, now=sent_at + 301), "the timestamp is signed, not just sent"
    assert not verified(secret, headers, body.replace(b"page.published", b"page.deleted"), now=sent_at)
    assert not verified("another secret", headers, body, now=sent_at)


def test_the_readme_receiver_accepts_deliveries_and_refuses_replays(db, monkeypatch, run_on_commit):
    """The receiver the README shows, run as written against real deliveries."""
    import threading
    import time
    from http.server import HTTPServer
    from pathlib import Path

    import requests

    from frontend_api.webhooks import sign

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    code = readme.split("refuses deliveries older than five minutes")[1].split("```python\n")[1].split("```")[0]
    assert 'HTTPServer(("", 8080), Receiver).serve_forever()' in code
    partner, _key, _secret = create_partner("Kulturportal")
    webhook = Webhook(partner=partner, url="")
    monkeypatch.setenv("WEBHOOK_SECRET", webhook.secret)
    namespace: dict = {}
    exec(code.replace('HTTPServer(("", 8080), Receiver).serve_forever()', ""), namespace)  # noqa: S102
    server = HTTPServer(("127.0.0.1", 0), namespace["Receiver"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        webhook.url = f"http://127.0.0.1:{server.server_port}/hook"
        webhook.save()
        run_on_commit(lambda: EventPageFactory(title="Netzwerktreffen"))
        assert WebhookDelivery.objects.get().attempts.get().status_code == 204
        body = WebhookDelivery.objects.get().body.encode()
        for sent_at, expected in ((int(time.time()), 204), (int(time.time()) - 301, 401)):
            headers = {"X-Kulturhub-Timestamp": str(sent_at), "X-Kulturhub-Signature": sign(webhook.secret, sent_at, body)}
            assert requests.post(webhook.url, data=body, headers=headers, timeout=5).status_code == expected
    finally:
        server.shutdown()
        server.server_close()
