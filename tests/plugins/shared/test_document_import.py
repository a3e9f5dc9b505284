"""Moving old web texts into the hub: plain text and HTML exports become draft pages."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PillowImage
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from plugins.events.models import EventPage
from plugins.projects.models import ProjectPage
from plugins.reports.models import ExperienceReportPage

SCRAPED = """S.U.B.kultur - Beispiel Coaching


S.U.B.kultur - Beispiel Coaching

Erfahrungsbericht: Sachsen wird sozial innovativ

Erfahrungsbericht: Sachsen wird sozial innovativ

Mit dem Projekt haben wir eine Dialogreihe begleitet und ein Konzept für eine Zukunftsplattform entwickelt.

Was wir gelernt haben
- Netzwerke brauchen Zeit
- Gute Formate brauchen Mut
Ihr Team[/fusion_builder_column][/fusion_builder_row][/fusion_builder_container]
"""

EXPORT = """<html><head><title>Alte Seite</title></head><body>
<nav>Menü</nav>
<h1>Ein soziokulturelles Netzwerk für Meißen</h1>
[vc_row][vc_column]<p>Aufgabe des Projektes ist es, ein Netzwerk in Meißen zu begleiten.</p>[/vc_column][/vc_row]
<h2>Was wollen wir erreichen?</h2>
<ul><li>Bündelung von Ressourcen</li><li>Sichtbarkeit der Soziokultur</li></ul>
[et_pb_section fb_built="1"]<p>Gefördert durch den Fonds Soziokultur.</p>[/et_pb_section]
<script>alert(1)</script>
</body></html>"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_text_export_becomes_a_clean_draft(db, tmp_path):
    out = StringIO()
    call_command("import_documents", "reports", str(write(tmp_path, "bericht.txt", SCRAPED)), stdout=out)
    page = ExperienceReportPage.objects.get()
    html = page.body[0].value.source
    assert not page.live and page.title == "S.U.B.kultur - Beispiel Coaching"
    assert html.count("Sachsen wird sozial innovativ") == 1  # repeated title lines dropped
    assert "fusion_builder" not in html and "fusion_builder" not in page.teaser
    assert "<ul><li>Netzwerke brauchen Zeit</li><li>Gute Formate brauchen Mut</li></ul>" in html
    assert "<h3>Was wir gelernt haben</h3>" in html
    assert page.teaser.startswith("Mit dem Projekt haben wir")
    assert "1 draft page(s) created" in out.getvalue()


def test_html_export_keeps_structure_drops_shortcodes(db, tmp_path):
    call_command("import_documents", "projects", str(write(tmp_path, "alt.html", EXPORT)), stdout=StringIO())
    page = ProjectPage.objects.get()
    html = page.body[0].value.source
    assert page.title == "Ein soziokulturelles Netzwerk für Meißen"
    assert "[vc_" not in html and "[et_pb" not in html and "alert" not in html and "Menü" not in html
    assert "<h3>Was wollen wir erreichen?</h3>" in html
    assert "<li>Bündelung von Ressourcen</li>" in html
    assert "Fonds Soziokultur" in html


def test_event_takes_date_and_time_from_the_text(db, tmp_path):
    text = "Dokumentation des Treffens am 20. November 2024 von 14 bis 16 Uhr per Zoom\nWir haben uns ausgetauscht.\n"
    call_command("import_documents", "events", str(write(tmp_path, "doku.txt", text)), stdout=StringIO())
    page = EventPage.objects.get()
    assert page.start.isoformat() == "2024-11-20T13:00:00+00:00" and page.end.hour == 15
    assert page.event_format == "online"


def test_bad_input_creates_nothing(db, tmp_path):
    good = write(tmp_path, "gut.txt", SCRAPED)
    binary = tmp_path / "bild.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x00")
    with pytest.raises(CommandError, match="bild.txt: not a text file"):
        call_command("import_documents", "reports", str(good), str(binary), stdout=StringIO())
    with pytest.raises(CommandError, match="missing.txt: cannot read file"):
        call_command("import_documents", "reports", str(good), str(tmp_path / "missing.txt"), stdout=StringIO())
    with pytest.raises(CommandError, match="unknown type 'news'; choose one of: projects, reports, events, funding"):
        call_command("import_documents", "news", str(good), stdout=StringIO())
    with pytest.raises(CommandError, match="an event needs a date"):
        call_command("import_documents", "events", str(good), stdout=StringIO())
    assert not ExperienceReportPage.objects.exists() and not EventPage.objects.exists()


# Built like seeds/000 (the "100 Tage" text): a plain-text export ending with Avada closing shortcodes.
SEED = Path(__file__).parent / "files" / "avada_residue_export.txt"


def body_html(page) -> str:
    return "".join(block.value.source for block in page.body if block.block_type == "rich_text")


@pytest.mark.parametrize("name, text, kept", [
    ("avada.txt", "[fusion_builder_container]Hello[/fusion_builder_container]", ["Hello"]),
    ("avada.html", '<div>[fusion_builder_container hundred_percent="no"][fusion_builder_row][fusion_builder_column]'
     "Unser Netzwerk wächst.\n\nJeden Monat kommen neue Initiativen dazu."
     "[/fusion_builder_column][/fusion_builder_row][/fusion_builder_container]</div>",
     ["Unser Netzwerk wächst.", "<p>Jeden Monat kommen neue Initiativen dazu.</p>"]),
    ("wpbakery.txt", "[vc_row][vc_column][vc_column_text]Stadtteilarbeit in Plauen[/vc_column_text]"
     '[vc_custom_heading text="Was wir vorhaben"][vc_column_text]Wir öffnen den Hof für alle.[/vc_column_text]'
     "[/vc_column][/vc_row]", ["Was wir vorhaben", "Wir öffnen den Hof für alle."]),
    ("divi.txt", '[et_pb_section fb_built="1"][et_pb_row][et_pb_column type="4_4"][et_pb_text]Kulturbahnhof Döbeln'
     '[/et_pb_text][et_pb_divider /][et_pb_text]Ein Ort für Begegnung und Kunst.[/et_pb_text]'
     '[et_pb_button button_url="https://kulturbahnhof.example.org" button_text="Zur Website"][/et_pb_button]'
     "[/et_pb_column][/et_pb_row][/et_pb_section]",
     ["Ein Ort für Begegnung und Kunst.", '<a href="https://kulturbahnhof.example.org">Zur Website</a>']),
    ("other.txt", '[custom_box color="red"]Zwischen Kunst und Nachbarschaft.[/custom_box][spacer height="20"/]'
     "[accordion][accordion_item]Wie finde ich euch? Am Markt 3.[/accordion_item][/accordion]",
     ["Wie finde ich euch? Am Markt 3."]),
    ("gutenberg.html", "<!-- wp:heading --><h2>Offener Hof</h2><!-- /wp:heading -->\n<!-- wp:paragraph -->"
     "<p>Jeden Freitag ist der Hof offen.</p><!-- /wp:paragraph -->\n<!-- wp:shortcode -->[vc_column_text]"
     "Bitte bringt Stühle mit.[/vc_column_text]<!-- /wp:shortcode -->",
     ["Offener Hof", "<p>Jeden Freitag ist der Hof offen.</p>", "<p>Bitte bringt Stühle mit.</p>"]),
])
def test_text_inside_shortcodes_is_kept(db, tmp_path, name, text, kept):
    call_command("import_documents", "projects", str(write(tmp_path, name, text)), stdout=StringIO())
    page = ProjectPage.objects.get()
    html = body_html(page)
    for fragment in kept:
        assert fragment in page.title + html  # the first line is the title
    assert "[" not in html + page.title + page.teaser and "wp:" not in html


def test_html_keeps_links_figures_and_local_images_and_reports_the_rest(db, tmp_path):
    PillowImage.new("RGB", (6, 4), "green").save(tmp_path / "hof.png")
    (tmp_path / "bilder").mkdir()
    PillowImage.new("RGB", (2, 2), "blue").save(tmp_path / "bilder" / "bühne.png")
    document = write(tmp_path, "alt.html", f"""<html><head><title>Kulturhof Görlitz</title></head><body>
<h1>Kulturhof Görlitz</h1>
<p>Der Hof ist ein Treffpunkt, <a href="https://kulturhof.example.org/geschichte">seine Geschichte</a> reicht weit zurück.</p>
<h2>Angebote</h2>
<ol><li>Werkstatt</li><li><a href="mailto:info@kulturhof.example.org">Beratung</a></li></ol>
<figure><img src="hof.png" alt="Der Innenhof im Sommer"><figcaption>Der Hof im Juli</figcaption></figure>
[caption id="attachment_7" width="300"]<img src="file://{tmp_path}/bilder/bühne.png" alt="Bühne"> Die Bühne[/caption]
<p><img src="https://cdn.example.net/remote.jpg" alt="entfernt"></p>
<iframe src="https://www.youtube.com/embed/xyz"></iframe>
[contact-form-7 id="12" title="Kontakt"]
<form action="/newsletter"><input name="email"></form>
<script src="https://tracker.example.net/t.js"></script>
</body></html>""")
    out = StringIO()
    call_command("import_documents", "projects", str(document), stdout=out)

    page = ProjectPage.objects.get()
    assert page.title == "Kulturhof Görlitz" and not page.live
    html = body_html(page)
    assert '<a href="https://kulturhof.example.org/geschichte">seine Geschichte</a>' in html
    assert '<ol><li>Werkstatt</li><li><a href="mailto:info@kulturhof.example.org">Beratung</a></li></ol>' in html
    assert "<h3>Angebote</h3>" in html
    images = [block.value for block in page.body if block.block_type == "image"]
    assert [(i["alt_text"], i["caption"], i["image"].width) for i in images] == [
        ("Der Innenhof im Sommer", "Der Hof im Juli", 6), ("Bühne", "Die Bühne", 2)]
    assert get_image_model().objects.count() == 2
    report = out.getvalue()
    assert "could not bring over: " in report
    for residue in ("remote image https://cdn.example.net/remote.jpg", "embed https://www.youtube.com/embed/xyz", 'form [contact-form-7 id="12" title="Kontakt"]',
                    "form /newsletter", "script https://tracker.example.net/t.js"):
        assert residue in report
    assert "2 image(s)" in report


def test_missing_local_image_is_reported_not_fatal(db, tmp_path):
    document = write(tmp_path, "bild.html", '<h1>Ausstellung</h1><p>Bilder einer Ausstellung.</p>'
                     '<figure><img src="fehlt.jpg" alt="x"></figure>')
    out = StringIO()
    call_command("import_documents", "projects", str(document), stdout=out)
    assert "image fehlt.jpg (file not found)" in out.getvalue()
    assert [b.block_type for b in ProjectPage.objects.get().body] == ["rich_text"]


def test_dry_run_shows_the_plan_and_writes_nothing(db, tmp_path):
    PillowImage.new("RGB", (3, 3), "red").save(tmp_path / "a.png")
    document = write(tmp_path, "plan.html", '<h1>Geplant</h1><p>Ein Absatz.</p><img src="a.png" alt="A">'
                     '<iframe src="https://player.vimeo.com/video/1"></iframe>')
    counts = (Page.objects.count(), Revision.objects.count(), get_image_model().objects.count())
    out = StringIO()
    call_command("import_documents", "projects", str(document), "--dry-run", stdout=out)
    assert (Page.objects.count(), Revision.objects.count(), get_image_model().objects.count()) == counts
    assert ("would create draft Projekt: Geplant (1 text block(s), 1 image(s); could not bring over: "
            "embed https://player.vimeo.com/video/1)") in out.getvalue()
    assert "nothing was written" in out.getvalue()


def test_export_with_avada_residue_like_seed_000_leaves_none(db):
    out = StringIO()
    call_command("import_documents", "reports", str(SEED), stdout=out)
    page = ExperienceReportPage.objects.get()
    everything = page.title + page.teaser + body_html(page)
    assert "fusion" not in everything and "[/" not in everything
    assert "<h3>Ihr Team des Zentrums</h3>" in body_html(page)
    assert "<li>13 neue Beratungsorte in Sachsen</li>" in body_html(page)
    assert page.publication_date.isoformat() == "2017-06-27"
    assert "could not bring over" not in out.getvalue()


def test_nothing_importable_is_a_clear_error(db, tmp_path):
    only_residue = write(tmp_path, "formular.html", '[contact-form-7 id="1"]<iframe src="https://x.example/"></iframe>')
    with pytest.raises(CommandError, match="formular.html: no text found; nothing was imported"):
        call_command("import_documents", "projects", str(only_residue), stdout=StringIO())
    empty = write(tmp_path, "leer.txt", "[fusion_builder_container][/fusion_builder_container]\n")
    with pytest.raises(CommandError, match="leer.txt: no text found"):
        call_command("import_documents", "projects", str(empty), stdout=StringIO())
    assert not ProjectPage.objects.exists()
