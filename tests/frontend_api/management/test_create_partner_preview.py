"""create_partner --preview-url: the partner's preview address, validated and printed like the origins."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from plugins.shared.models import Partner
from tests.frontend_api.conftest import APIClient


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("create_partner", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_preview_url_is_stored_and_printed(db):
    lines = run("Vorschauportal", "--preview-url", "https://portal.example.org/vorschau/?from=hub")
    assert "preview-url: https://portal.example.org/vorschau/?from=hub" in lines
    assert Partner.objects.get(name="Vorschauportal").preview_url == "https://portal.example.org/vorschau/?from=hub"
    assert APIClient(lines[-1]).get("/api/v1/events/").status_code == 200, "the key is still the last line"


def test_an_existing_partner_gets_its_preview_url(db):
    run("Spätstarter")
    run("Spätstarter", "--preview-url", "http://127.0.0.1:9000/preview/")
    assert Partner.objects.get(name="Spätstarter").preview_url == "http://127.0.0.1:9000/preview/"


@pytest.mark.parametrize("url", ["ftp://x", "not a url", "javascript:alert(1)"])
def test_a_bad_preview_url_is_refused_naming_it(db, url):
    with pytest.raises(CommandError, match=re.escape(repr(url))):
        run("Falsch", "--preview-url", url)
    assert not Partner.objects.filter(name="Falsch").exists()
