"""Moving old web texts into the hub: plain text and HTML exports become draft pages."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

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
