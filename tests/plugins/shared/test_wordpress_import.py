"""A WordPress export becomes draft pages: page-builder content, umlauts, images from the media library,
mapped and unmapped items, and a second run that updates instead of duplicating."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from plugins.events.models import EventPage
from plugins.funding.models import FundingPage
from plugins.projects.models import ProjectPage
from plugins.reports.models import ExperienceReportPage
from plugins.shared.models import WordPressImport

EXPORT = Path(__file__).parent / "files" / "wordpress_export.xml"
MAPS = ["--map", "veranstaltungen=events", "--map", "Berichte=reports", "--map", "page=projects",
        "--map", "Förderung=funding"]


@pytest.fixture
def export(tmp_path) -> Path:
    """The export next to a copy of wp-content/uploads holding the one image of its media library."""
    path = tmp_path / "export.xml"
    shutil.copy(EXPORT, path)
    uploads = tmp_path / "wp-content" / "uploads" / "2024" / "05"
    uploads.mkdir(parents=True)
    PillowImage.new("RGB", (4, 3), "orange").save(uploads / "tanz.png")
    return path


def run(*args) -> str:
    out = StringIO()
    call_command("import_wordpress", *args, stdout=out)
    return out.getvalue()


def blocks(page, kind):
    return [block.value for block in page.body if block.block_type == kind]


def rich_text(page) -> str:
    return "".join(value.source for value in blocks(page, "rich_text"))


def test_export_becomes_drafts_of_the_mapped_types(db, export):
    out = run(str(export), *MAPS)

    event = EventPage.objects.get()
    assert not event.live and event.title == "Sommerfest im Görlitzer Hof"
    assert event.teaser == "Musik, Tanz & Gespräche im Görlitzer Hof – für Groß und Klein."
    assert (event.start.isoformat(), event.end.hour) == ("2025-06-14T13:00:00+00:00", 20)
    text = rich_text(event)
    assert "<h3>Ein Fest für alle</h3>" in text  # [fusion_title]
    assert "Eintritt frei für Groß und Klein" in text  # bare text directly inside the Fusion column
    assert '<a href="https://kultur.example.org/programm">unserer Programmseite</a>' in text
    assert '<a href="https://alt.example.org/kontakt/">Kontaktformular</a>' in text  # site-relative link
    assert "fusion_" not in text and "[" not in text
    [image] = blocks(event, "image")
    assert image["alt_text"] == "Menschen tanzen im Hof der Brüderstraße"  # from the media library
    assert image["caption"] == "Foto: Jörg Weiß"
    assert (image["image"].width, image["image"].height) == (4, 3)
    assert event.lead_image == image["image"] and event.lead_image_alt == image["alt_text"]  # featured image

    report = ExperienceReportPage.objects.get()
    assert report.author_name == "Anna Müller" and "@" not in report.author_name
    assert report.publication_date.isoformat() == "2024-03-10"
    text = rich_text(report)
    assert "<h3>Räume für Kultur</h3>" in text and "Größe des Ehrenamts" in text  # entity decoded
    assert '<a href="https://kultur.example.org/bericht">Zum ganzen Bericht</a>' in text  # vc_btn
    assert blocks(report, "image")[0]["image"] == image["image"]  # same file, one Wagtail image
    assert get_image_model().objects.count() == 1

    project = ProjectPage.objects.get()
    text = rich_text(project)
    assert "<h3>Über das Projekt „Brücken bauen“</h3>" in text and "wp:" not in text
    assert "Löbau und Weißwasser &amp; öffnen Türen" in text
    assert "<ul><li>Treffpunkte schaffen</li><li>Ehrenamt stärken</li></ul>" in text
    assert [(b["alt_text"], b["caption"]) for b in blocks(project, "image")] == [("Tanz im Hof", "Tanz beim Sommerfest")]

    funding = FundingPage.objects.get()
    assert funding.title == "Förderprogramm „Soziokultur vor Ort“"
    assert '<a href="https://foerderung.example.org/antrag">Jetzt beantragen</a>' in rich_text(funding)

    lines = out.splitlines()
    event_line = next(line for line in lines if "Sommerfest" in line)
    assert event_line.startswith(f"created draft Veranstaltung {event.pk}: Sommerfest im Görlitzer Hof")
    assert "could not bring over: embed https://www.youtube.com/watch?v=abc123, form [contact-form-7" in event_line
    project_line = next(line for line in lines if "Brücken" in line)
    assert "remote image https://cdn.example.net/fremd.jpg" in project_line and "embed https://vimeo.com/12345" in project_line
    assert "not imported, no --map for it: “Neuigkeiten aus dem Büro” (post; categories: Aktuelles)" in lines
    assert "4 created; 1 not mapped; 0 failed" in out
    assert "Start" not in out.replace("left out as not content: nav_menu_item: 1", "")
    assert WordPressImport.objects.get(page=event).guid == "https://alt.example.org/?p=201"


def test_second_run_updates_the_same_drafts(db, export):
    run(str(export), *MAPS)
    pages_before = Page.objects.count()
    event = EventPage.objects.get()
    export.write_text(export.read_text(encoding="utf-8").replace("Ein Fest für alle", "Ein Fest für alle Nachbarn"),
                      encoding="utf-8")

    out = run(str(export), *MAPS)

    assert Page.objects.count() == pages_before and get_image_model().objects.count() == 1
    event.refresh_from_db()
    assert "<h3>Ein Fest für alle Nachbarn</h3>" in rich_text(event)
    assert Revision.objects.for_instance(event).count() == 2
    assert f"updated draft Veranstaltung {event.pk}: Sommerfest im Görlitzer Hof" in out
    assert "4 updated; 1 not mapped" in out and "created" not in out


def test_an_editor_published_page_keeps_its_live_version_on_reimport(db, export):
    run(str(export), *MAPS)
    event = EventPage.objects.get()
    event.save_revision().publish()
    export.write_text(export.read_text(encoding="utf-8").replace("Ein Fest für alle", "Geänderter Titel"),
                      encoding="utf-8")

    run(str(export), *MAPS)

    event.refresh_from_db()
    assert event.live and event.has_unpublished_changes
    assert "Ein Fest für alle" in rich_text(event)  # live content unchanged until someone publishes
    assert "Geänderter Titel" in rich_text(event.get_latest_revision_as_object())


def test_dry_run_writes_nothing(db, export):
    pages, revisions = Page.objects.count(), Revision.objects.count()
    out = run(str(export), *MAPS, "--dry-run")
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)
    assert not get_image_model().objects.exists() and not WordPressImport.objects.exists()
    assert "would create draft Veranstaltung: Sommerfest im Görlitzer Hof" in out
    assert "1 image(s)" in out and "dry run: nothing was written" in out


def test_media_dir_option_finds_uploads_elsewhere(db, export, tmp_path):
    media = tmp_path / "kopie-der-uploads"
    shutil.move(tmp_path / "wp-content" / "uploads", media)
    out = run(str(export), "--map", "page=projects", "--media-dir", str(media))
    assert len(blocks(ProjectPage.objects.get(), "image")) == 1 and "remote image https://alt" not in out


def test_nothing_mapped_is_an_error_that_still_lists_the_items(db, export):
    out = StringIO()
    with pytest.raises(CommandError, match=r"nothing could be imported \(use --map CATEGORY=TYPE\)"):
        call_command("import_wordpress", str(export), stdout=out)
    assert "not imported, no --map for it: “Sommerfest im Görlitzer Hof”" in out.getvalue()
    assert not WordPressImport.objects.exists()


def test_bad_arguments_and_files_are_clear_errors(db, export, tmp_path):
    with pytest.raises(CommandError, match="--map 'berichte=news': unknown type 'news'; choose one of: projects"):
        run(str(export), "--map", "berichte=news")
    with pytest.raises(CommandError, match="--map 'berichte': expected CATEGORY=TYPE"):
        run(str(export), "--map", "berichte")
    with pytest.raises(CommandError, match="fehlt.xml: cannot read file"):
        run(str(tmp_path / "fehlt.xml"), *MAPS)
    broken = tmp_path / "kaputt.xml"
    broken.write_text("<rss><channel><item>", encoding="utf-8")
    with pytest.raises(CommandError, match="kaputt.xml: not a readable XML file"):
        run(str(broken), *MAPS)
    feed = tmp_path / "feed.xml"
    feed.write_text("<rss><channel><title>Ein RSS-Feed</title></channel></rss>", encoding="utf-8")
    with pytest.raises(CommandError, match="feed.xml: not a WordPress export"):
        run(str(feed), *MAPS)
    assert not Page.objects.filter(title__contains="Sommerfest").exists()


def test_entity_bombs_are_refused_at_once(db, tmp_path):
    entities = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{entities}]><rss><channel>&l9;</channel></rss>',
                    encoding="utf-8")
    with pytest.raises(CommandError, match="bomb.xml: refused, the file declares XML entities"):
        run(str(bomb), *MAPS)


def test_editors_can_open_and_save_the_imported_drafts_in_the_admin(admin_client, export):
    run(str(export), *MAPS)
    for page in (EventPage.objects.get(), ProjectPage.objects.get()):
        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200
        assert page.title in response.content.decode()
        block = page.body.stream_block
        block.clean(page.body)  # the imported body passes the same validation as the admin's form
