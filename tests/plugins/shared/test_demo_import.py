"""The demo content: built from the project's own files, translated through wagtail-localize,
idempotent, and all-or-nothing."""

import shutil
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from wagtail.models import Page
from wagtail_localize.models import StringTranslation, Translation

from cms.tooling.demo import DEMO_DIR, DemoLoader
from plugins.events import demo as events_demo
from plugins.events.models import EventPage
from plugins.funding.models import FundingPage
from plugins.projects.models import ProjectPage
from plugins.reports.models import ExperienceReportPage
from plugins.shared.models import Organisation, Topic


@pytest.fixture
def import_demo(db, django_capture_on_commit_callbacks):
    """Runs the command; wagtail-localize publishes translations when the import's transaction commits."""
    def run(out=None):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("import_demo", stdout=out or StringIO())
    return run

PERSONAL = ["melzig", "elßner", "elssner", "heddergott", "stephanie krause", "tonigs", "sophia kiefl",
            "@lwl.org", "buergerstiftung-meissen.de", "591 5081", "jon tyson"]


def counts() -> dict:
    return {
        (model.__name__, code): model.objects.live().filter(locale__language_code=code).count()
        for model in (ProjectPage, ExperienceReportPage, EventPage, FundingPage)
        for code in ("de", "en")
    }


def test_import_demo_builds_translated_content_once(import_demo):
    import_demo()
    first = counts()
    assert first[("ProjectPage", "de")] >= 2 and first[("ExperienceReportPage", "de")] >= 2
    assert first[("EventPage", "de")] >= 4 and first[("FundingPage", "de")] >= 2
    for (name, code), number in first.items():
        assert number == first[(name, "de")], f"{name}: {number} {code} pages"

    # real wagtail-localize translations, with manual string translations the admin can sync
    event = EventPage.objects.get(locale__language_code="de", start__date="2024-11-20")
    english = event.get_translation(event.locale.__class__.objects.get(language_code="en")).specific
    assert Translation.objects.filter(source__object_id=event.translation_key, enabled=True).exists()
    assert StringTranslation.objects.filter(locale=english.locale).count() > 100
    assert english.title != event.title and english.live
    assert len(event.agenda) >= 10 and len(english.agenda) == len(event.agenda)
    assert english.agenda[0].value["start_time"] == event.agenda[0].value["start_time"]
    assert [a.value["document"].pk for a in english.attachments] == [a.value["document"].pk for a in event.attachments]
    assert Topic.objects.filter(locale__language_code="en").count() == Topic.objects.filter(
        locale__language_code="de").count()

    # the second run changes nothing
    pages_before = Page.objects.count()
    strings_before = StringTranslation.objects.count()
    out = StringIO()
    import_demo(out)
    assert "nothing to do" in out.getvalue()
    assert Page.objects.count() == pages_before and StringTranslation.objects.count() == strings_before
    assert counts() == first


def test_demo_keeps_seed_facts_and_no_personal_data(import_demo):
    import_demo()
    dates = {p.start.date().isoformat() for p in EventPage.objects.filter(locale__language_code="de")}
    assert {"2024-05-17", "2024-11-20", "2025-03-06", "2025-09-08"} <= dates
    meissen = ProjectPage.objects.get(locale__language_code="de", slug__contains="meissen")
    assert "28.000" in str(meissen.body.raw_data) and "Soziokultur" in meissen.title
    assert Organisation.objects.filter(name="Fonds Soziokultur").exists()
    text = " ".join(str(p.specific.__dict__) for p in Page.objects.all()).lower()
    text += " ".join(str(o.__dict__) for o in Organisation.objects.all()).lower()
    for word in PERSONAL:
        assert word not in text
    assert "[fusion_builder" not in text and "[/fusion_builder" not in text


def test_failed_import_leaves_nothing_behind(db, tmp_path, monkeypatch):
    data = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, data)
    events = yaml.safe_load(events_demo.DATA.read_text())
    events["events"][-1]["organiser"] = None
    events["events"][-1]["start"] = "not a date"
    (data / "events.yaml").write_text(yaml.safe_dump(events, allow_unicode=True))
    monkeypatch.setattr(events_demo, "DATA", data / "events.yaml")
    pages_before = Page.objects.count()
    with pytest.raises(ValueError, match="not an ISO datetime"):
        DemoLoader(data_dir=data).load()
    assert Page.objects.count() == pages_before
    assert not Topic.objects.exists() and not Organisation.objects.exists()


def test_unreadable_demo_file_is_a_clear_command_error(db, tmp_path, monkeypatch):
    monkeypatch.setattr("cms.tooling.demo.DEMO_DIR", tmp_path)
    with pytest.raises(CommandError, match="cannot read demo data file"):
        call_command("import_demo", stdout=StringIO())
