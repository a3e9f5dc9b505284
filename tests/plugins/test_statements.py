"""Queries compiled once per shape (plugins.shared.statements): each run answers for its own values."""

import pytest
from wagtail.models import Page

from plugins.events.factories import EventPageFactory
from plugins.shared.factories import PartnerFactory
from plugins.shared.models import PagePartner
from plugins.shared.statements import STATEMENTS, run
from plugins.shared.visibility import visibility_facts


def test_a_compiled_visibility_query_answers_for_each_partner_its_own(db):
    mine, theirs = PartnerFactory(), PartnerFactory()
    shared, everyone = EventPageFactory(), EventPageFactory()
    PagePartner.objects.create(page=shared, partner=theirs)
    STATEMENTS.clear()
    ids = [shared.pk, everyone.pk]
    assert {pk: fact.visible for pk, fact in visibility_facts(ids, mine).items()} == {
        shared.pk: False, everyone.pk: True}
    compiled = len(STATEMENTS)
    assert {pk: fact.visible for pk, fact in visibility_facts(ids, theirs).items()} == {
        shared.pk: True, everyone.pk: True}
    assert {pk: fact.visible for pk, fact in visibility_facts(ids, None).items()} == {
        shared.pk: False, everyone.pk: True}
    assert len(STATEMENTS) == compiled + 1, "the second partner reuses the first's statement; no partner has its own"


def test_values_take_the_stand_ins_places_and_a_lost_stand_in_is_refused(db):
    page = EventPageFactory(title="Fest")

    def titles(stand_ins):
        return Page.objects.filter(pk=stand_ins.number("pk")).values_list("title")

    assert run(("test-titles",), titles, {"pk": page.pk}) == [("Fest",)]
    assert run(("test-titles",), titles, {"pk": page.pk + 1000}) == []

    def pattern(stand_ins):  # LIKE wraps the value: it cannot be replaced in the parameters
        return Page.objects.filter(title__contains=stand_ins.text("part")).values_list("pk")

    with pytest.raises(ValueError, match="part"):
        run(("test-pattern",), pattern, {"part": "es"})
