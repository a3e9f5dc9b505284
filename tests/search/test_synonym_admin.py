"""Editors keep the search's synonyms in the admin (German and English); operators use
`search_synonyms`. The starter list ships with the hub."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.users.models import UserProfile

from search import queries
from search.models import SearchSynonym

pytestmark = pytest.mark.django_db

LISTING = "/admin/snippets/kulturhub_search/searchsynonym/"
ADD = LISTING + "add/"


def speak(editor, language):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()


def test_the_starter_list_ships_with_the_hub(db):
    german = set(SearchSynonym.objects.filter(language="de").values_list("terms", flat=True))
    assert "Nordrhein-Westfalen, NRW" in german and "KI, Künstliche Intelligenz" in german
    assert len([t for t in german if "=>" in t or "," in t]) >= 20
    states = ["Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen", "Niedersachsen", "Saarland",
              "Sachsen", "Thüringen", "Baden-Württemberg", "Mecklenburg-Vorpommern", "Nordrhein-Westfalen",
              "Rheinland-Pfalz", "Sachsen-Anhalt", "Schleswig-Holstein"]
    assert all(any(state in entry for entry in german) for state in states)
    assert SearchSynonym.objects.filter(language="en", terms="AI, artificial intelligence").exists()


def test_an_editor_adds_an_entry_in_german(editor_client):
    listing = editor_client.get(LISTING).content.decode()
    assert "Suchsynonyme" in listing and "Nordrhein-Westfalen, NRW" in listing
    form = editor_client.get(ADD).content.decode()
    assert "Begriffe" in form and "in beide Richtungen" in form
    response = editor_client.post(ADD, {"language": "de", "terms": "Soziokultur, soziokulturelle Arbeit"})
    assert response.status_code == 302
    assert SearchSynonym.objects.filter(language="de", terms="Soziokultur, soziokulturelle Arbeit").exists()


def test_a_bad_entry_is_refused_with_a_german_message(editor_client):
    response = editor_client.post(ADD, {"language": "de", "terms": "KI"})
    assert response.status_code == 200
    assert "nennt nur eine Form" in response.content.decode()
    assert not SearchSynonym.objects.filter(terms="KI").exists()


def test_an_editor_works_in_english(editor_client, editor):
    speak(editor, "en")
    assert "Search synonyms" in editor_client.get(LISTING).content.decode()
    form = editor_client.get(ADD).content.decode()
    assert "Words" in form and "two-way" in form
    response = editor_client.post(ADD, {"language": "en", "terms": "cinema => "})
    assert "An empty form in “cinema =&gt;”" in response.content.decode()
    entry = SearchSynonym.objects.get(language="en", terms="AI, artificial intelligence")
    edit = f"{LISTING}edit/{entry.pk}/"
    assert editor_client.post(edit, {"language": "en", "terms": "AI, A.I., artificial intelligence"}).status_code == 302
    entry.refresh_from_db()
    assert entry.terms == "AI, A.I., artificial intelligence"


def test_an_entry_saved_in_the_admin_applies_to_the_next_search(editor_client):
    from plugins.projects.factories import ProjectPageFactory

    page = ProjectPageFactory(title="Bürgerbühne in Dresden")
    assert queries.search("Laientheater", partner=None, locale="de")["count"] == 0
    editor_client.post(ADD, {"language": "de", "terms": "Laientheater, Bürgerbühne"})
    assert [r["id"] for r in queries.search("Laientheater", partner=None, locale="de")["results"]] == [page.pk]


# --- the command ------------------------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("search_synonyms", *args, stdout=out)
    return out.getvalue()


def test_the_command_lists_and_adds(db):
    assert "Nordrhein-Westfalen, NRW" in run("--list")
    out = run("--add", "Soziokultur, soziokulturelle Arbeit", "--add", "Lichtspielhaus => Kino")
    assert "added (de): Soziokultur, soziokulturelle Arbeit" in out and "added (de): Lichtspielhaus => Kino" in out
    assert "already there" in run("--add", "Lichtspielhaus => Kino")
    assert "AI, artificial intelligence" in run("--list", "--locale", "en")
    assert "Lichtspielhaus" not in run("--list", "--locale", "en")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--add", "KI"], "KI"),
        (["--add", "a => b => c"], "=>"),
        (["--add", "KI, "], "KI, "),
        (["--add", "der, die"], "der"),
        (["--add", "KI, AI", "--locale", "fr"], "--locale"),
    ],
)
def test_bad_input_is_a_clear_error_and_adds_nothing(db, args, message):
    before = SearchSynonym.objects.count()
    with pytest.raises(CommandError, match=message.replace(" ", r"\s").replace("=>", "=>")):
        run(*args)
    assert SearchSynonym.objects.count() == before
