import io

import pytest
from django.core.management import CommandError, call_command

from frontend_api.models import Webhook
from plugins.shared.models import Partner
from tests.frontend_api.conftest import APIClient


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("create_partner", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_key_is_the_last_line_and_alone(db):
    lines = run("Stadtteilnetz", "--origin", "https://a.example.org", "--origin", "https://b.example.org")
    key = lines[-1]
    assert key == key.strip() and " " not in key
    assert APIClient(key).get("/api/v1/events/").status_code == 200
    assert Partner.objects.get(name="Stadtteilnetz").origins == [
        "https://a.example.org",
        "https://b.example.org",
    ]


def test_webhook_secret_line(db):
    lines = run("Hooked", "--webhook", "https://hooks.example.org/x")
    secret_lines = [line for line in lines if line.startswith("webhook-secret: ")]
    assert len(secret_lines) == 1
    assert Webhook.objects.get(partner__name="Hooked").secret == secret_lines[0].removeprefix(
        "webhook-secret: "
    )
    assert APIClient(lines[-1]).get("/api/v1/events/").status_code == 200


@pytest.mark.parametrize("args", [("Bad", "--origin", "nope"), ("Bad", "--webhook", "not a url")])
def test_bad_input_is_a_command_error(db, args):
    with pytest.raises(CommandError):
        run(*args)
    assert not Partner.objects.filter(name="Bad").exists()


def test_an_existing_name_gets_an_additional_key(db):
    first = run("Einmalig", "--origin", "https://a.example.org")[-1]
    second = run("Einmalig", "--origin", "https://b.example.org")[-1]
    assert first != second
    partner = Partner.objects.get(name="Einmalig")
    assert partner.origins == ["https://a.example.org", "https://b.example.org"]
    assert APIClient(first).get("/api/v1/events/").status_code == 200
    assert APIClient(second).get("/api/v1/events/").status_code == 200


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://x", "only http and https URLs are delivered to, not ftp"),
    ("https://hooks example.org/x", "Enter a valid URL."),
    ("https://hooks.example.org/" + "x" * 500, "Ensure this value has at most 500 characters"),
])
def test_a_refused_webhook_is_one_english_message_naming_url_and_reason(db, url, reason):
    with pytest.raises(CommandError) as refused:
        run("Hooked", "--webhook", url)
    message = str(refused.value)
    assert message.startswith(f"webhook URL {url!r} refused: {reason}"), message
    assert message.count("refused") == 1 and "gültige" not in message and "Bitte" not in message, message
    assert not Partner.objects.exists()
