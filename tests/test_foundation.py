"""What a newcomer meets first: the hub script, settings that refuse bad configuration, the
site skeleton per locale, the health endpoint and a compose file that matches the settings."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import Translation

from plugins.shared import content_types
from plugins.shared.models import HomePage

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


def test_hub_rejects_unknown_command():
    result = subprocess.run([str(ROOT / "hub"), "deploy"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "unknown command 'deploy'" in result.stderr
    assert "usage: ./hub" in result.stderr


def test_hub_without_command_shows_usage():
    result = subprocess.run([str(ROOT / "hub")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "setup" in result.stderr and "demo" in result.stderr


def test_production_refuses_the_development_secret():
    result = manage("check", DJANGO_SETTINGS_MODULE="cms.settings.production", SECRET_KEY="")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("configuration error: SECRET_KEY is not set")


def test_production_refuses_debug():
    result = manage("check", DJANGO_SETTINGS_MODULE="cms.settings.production", SECRET_KEY="x" * 20 + "y" * 40,
                    DEBUG="true")
    assert result.returncode == 2 and "DEBUG is on in production" in result.stderr


def test_production_passes_check_deploy_with_a_real_secret():
    secret = "k8#Vq2!rT9zL0pWm4sXe7bNc1dFg6hJy3uIo5aQ-_+=ZxCvBnM"
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    DJANGO_SETTINGS_MODULE="cms.settings.production", SECRET_KEY=secret, ALLOWED_HOSTS="hub.example.org")
    assert result.returncode == 0, result.stdout + result.stderr


def test_wrong_database_url_is_one_clear_line():
    result = manage("check", DATABASE_URL="mysqlx://nowhere")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("configuration error: DATABASE_URL is not a database URL")


def test_unreachable_database_is_one_clear_line():
    result = manage("migrate", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("database error:")
    assert "DATABASE_URL" in result.stderr


def test_migrations_are_complete(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_every_content_language_has_a_translated_home(db):
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"de", "en"}
    german = HomePage.objects.get(locale__language_code="de")
    english = HomePage.objects.get(locale__language_code="en")
    assert english.translation_key == german.translation_key
    assert Translation.objects.filter(source__object_id=german.translation_key,
                                      target_locale=english.locale).exists()
    assert Site.objects.get(is_default_site=True).root_page_id == german.pk
    index_titles = sorted(p.title for p in Page.objects.child_of(english))
    assert index_titles == sorted(d.index_pages["en"].title for d in content_types.all())
    assert {"Events", "Experience reports", "Funding", "Projects"} <= set(index_titles)


def test_page_previews_per_language(client, db):
    assert client.get("/de/veranstaltungen/").status_code == 200
    response = client.get("/en/events/")
    assert response.status_code == 200 and b'lang="en"' in response.content


def test_health_answers_without_a_key(client, db):
    response = client.get("/api/v1/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] in ("ok", "degraded") and body["checks"]["database"] == "ok"


def settings_environment_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "cms" / "settings").glob("*.py"):
        source = path.read_text()
        names |= set(re.findall(r"""(?:environ\.get|environ\[|env_bool|env_list)\(?\s*["']([A-Z_]+)["']""", source))
    return names


def test_compose_environment_matches_settings():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    known = settings_environment_names() | {"DJANGO_SETTINGS_MODULE"}
    for service in ("web", "worker"):
        environment = compose["services"][service]["environment"]
        unknown = sorted(set(environment) - known)
        assert not unknown, f"{service} sets variables the settings never read: {unknown}"
        assert {"DATABASE_URL", "OPENSEARCH_URL", "SECRET_KEY"} <= set(environment)
    images = {name: svc.get("image", "") for name, svc in compose["services"].items()}
    assert images["postgres"].startswith("postgres:") and images["opensearch"].startswith("opensearchproject/")
    for name in ("postgres", "opensearch", "web", "worker"):
        assert "healthcheck" in compose["services"][name], name


@pytest.mark.parametrize("command", ["import_demo", "import_documents", "create_partner", "rebuild_search_index",
                                     "search_status", "db_worker"])
def test_contract_commands_exist(command):
    from django.core.management import get_commands

    assert command in get_commands()
