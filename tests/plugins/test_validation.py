"""Each validation message an editor can meet, in German, from the page editor."""

import pytest

from tests.plugins.admin_forms import add_page, inline_formset, streamfield
from tests.plugins.test_admin_pages import MODELS, index_of, values_for

CASES = [
    ("projects", {"start_date": "2022-01-01", "end_date": "2021-01-01"}, "Das Projektende liegt vor dem Projektbeginn."),
    ("projects", {"status": "completed", "end_date": ""}, "Ein abgeschlossenes Projekt braucht ein Enddatum."),
    ("reports", {"author_name": ""}, "Bitte eine Autorin, einen Autor oder eine Organisation angeben."),
    ("reports", {"quote_attribution": "Jemand"}, "Zur Quellenangabe fehlt das Zitat."),
    ("events", {"start": "2024-11-20 14:00", "end": "2024-11-20 12:00"},
     "Das Ende der Veranstaltung liegt vor ihrem Beginn."),
    ("events", {"registration_deadline": "2024-11-21 12:00"},
     "Der Anmeldeschluss liegt nach dem Beginn der Veranstaltung."),
    ("events", {"event_format": "in_person", "venue": "", "address": ""},
     "Für eine Veranstaltung vor Ort bitte Ort oder Adresse angeben."),
    ("events", {"online_access": "", "registration_url": ""},
     "Für eine Online-Veranstaltung bitte den Zugang oder einen Anmeldelink angeben."),
    ("events", {"agenda": streamfield([("item", {"start_time": "15:00", "end_time": "14:00", "title": "Pause",
                                                 "description": "", "speakers": ""})])},
     "Das Ende liegt vor dem Beginn des Programmpunkts."),
    ("funding", {"amount_min": "9000", "amount_max": "5000"}, "Die Mindestsumme liegt über der Höchstsumme."),
    ("funding", {"deadlines": inline_formset([
        {"label": "Runde 2", "opens_on": "2027-01-01", "closes_on": "2027-06-30"},
        {"label": "Runde 1", "opens_on": "2026-09-01", "closes_on": "2026-12-31"},
    ])}, "Die Förderrunden sind nicht in zeitlicher Reihenfolge"),
    ("funding", {"deadlines": inline_formset([{"label": "Runde", "opens_on": "2027-06-01", "closes_on": "2027-01-01"}])},
     "Die Frist liegt vor dem Antragsstart."),
    ("funding", {"deadlines": inline_formset([]), "rolling": ""},
     "Bitte mindestens eine Förderrunde mit Frist angeben"),
]


@pytest.mark.parametrize(("type_name", "override", "message"), CASES, ids=[c[2][:40] for c in CASES])
def test_editor_sees_german_message_and_nothing_is_saved(editor_client, editor, type_name, override, message):
    model = MODELS[type_name]
    values = {**values_for(type_name), **override}
    response = add_page(editor_client, editor, model, index_of(model), values)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not model.objects.exists()
