"""Editors' actions reach the index by themselves: publish, unpublish, delete, move, view
restrictions, renamed snippets and wagtail-localize translations (immediate task backend)."""

import socket

import pytest
from wagtail.models import Locale, PageViewRestriction

from plugins.events.factories import EventPageFactory
from plugins.events.models import EventIndexPage
from plugins.projects.factories import ProjectPageFactory
from plugins.projects.models import ProjectParticipant
from plugins.reports.factories import ExperienceReportPageFactory
from plugins.shared.factories import ContactPersonFactory, OrganisationFactory, PartnerFactory, TopicFactory
from plugins.shared.translation import merge, plain_pair, translate_with_strings
from search import queries, status
from search.models import SearchDocument
from search.tasks import update_pages
from tests.search.helpers import DATABASE_QUEUE

pytestmark = pytest.mark.django_db


def found(q, locale="de", partner=None):
    return {r["id"]: r for r in queries.search(q, partner=partner, locale=locale)["results"]}


def test_publish_makes_a_page_searchable_and_unpublish_removes_it():
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    assert list(found("Kulturscheune")) == [page.pk]
    page.unpublish()
    assert found("Kulturscheune") == {}


def test_republishing_updates_the_document():
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    page.title = "Kulturscheune Uckermark"
    page.save_revision().publish()
    assert found("Uckermark")[page.pk]["title"] == "Kulturscheune Uckermark"
    assert found("Oderbruch") == {}


def test_a_draft_change_does_not_reach_the_index():
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    page.title = "Kulturscheune Entwurf"
    page.save_revision()
    assert found("Entwurf") == {}
    assert found("Oderbruch")[page.pk]["title"] == "Kulturscheune Oderbruch"


def test_deleting_a_page_removes_its_document():
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    page_id = page.pk
    page.delete()
    assert found("Kulturscheune") == {}
    assert not SearchDocument.objects.filter(id=page_id).exists()


def test_moving_a_page_updates_its_url(de):
    page = EventPageFactory(title="Sommerfest der Kulturscheune")
    home = EventIndexPage.objects.get(locale=de).get_parent()
    archive = home.add_child(instance=EventIndexPage(title="Archiv", slug="archiv", locale=de))
    page.move(archive, pos="last-child")
    assert "/archiv/" in found("Sommerfest")[page.pk]["url"]


def test_view_restriction_on_an_ancestor_hides_and_its_removal_shows_again(de):
    page = EventPageFactory(title="Sommerfest der Kulturscheune")
    index = EventIndexPage.objects.get(locale=de)
    restriction = PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    assert found("Sommerfest") == {}
    restriction.delete()
    assert list(found("Sommerfest")) == [page.pk]


def test_changing_partners_changes_who_finds_the_page():
    partner = PartnerFactory()
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    assert page.pk in found("Kulturscheune", partner=None)
    page.partner_links.create(partner=partner)
    page.save_revision().publish()
    assert found("Kulturscheune", partner=None) == {}
    assert page.pk in found("Kulturscheune", partner=partner)


def test_deleting_the_only_partner_shares_the_page_with_everyone(django_capture_on_commit_callbacks):
    partner = PartnerFactory()
    page = ProjectPageFactory(title="Kulturscheune Oderbruch", partners=[partner])
    assert found("Kulturscheune", partner=None) == {}
    with django_capture_on_commit_callbacks(execute=True):
        partner.delete()
    assert page.pk in found("Kulturscheune", partner=None)


def test_renaming_a_topic_updates_the_pages_that_show_it():
    topic = TopicFactory(name="Dorfkultur", slug="dorfkultur")
    page = ProjectPageFactory(title="Kulturscheune Oderbruch", topics=[topic])
    topic.name = "Landkultur"
    topic.save()
    assert page.pk in found("Landkultur")


def test_renaming_an_organisation_updates_pages_that_name_it_directly_or_through_a_contact(
    django_capture_on_commit_callbacks,
):
    verein = OrganisationFactory(name="Dorfverein Oderbruch e.V.")
    project = ProjectPageFactory(title="Kulturscheune Oderbruch")
    project.participants = [ProjectParticipant(organisation=verein)]
    project.save_revision().publish()
    event = EventPageFactory(title="Scheunenfest", organiser=verein)
    contact = ContactPersonFactory(name="Kim Beispiel", organisation=verein)
    report = ExperienceReportPageFactory(title="Ein Jahr Scheune", contacts=[contact])
    assert set(found("Dorfverein")) == {project.pk, event.pk, report.pk}

    verein.name = "Landverein Barnim e.V."
    verein.save()
    assert set(found("Landverein")) == {project.pk, event.pk, report.pk}
    assert found("Dorfverein") == {}


def test_a_renamed_snippet_translation_updates_the_pages_in_its_language(en, django_capture_on_commit_callbacks):
    topic = TopicFactory(name="Dorfkultur", slug="dorfkultur")
    page = ProjectPageFactory(title="Kulturscheune Oderbruch", topics=[topic])
    with django_capture_on_commit_callbacks(execute=True):
        translated = translate_with_strings(
            page, en, plain_pair("Kulturscheune Oderbruch", "Culture barn"), confirm_rest=True
        )
        translate_with_strings(topic, en, {"Dorfkultur": "Village culture"})
    assert translated.pk in found("village", locale="en")
    with django_capture_on_commit_callbacks(execute=True):
        translate_with_strings(topic, en, {"Dorfkultur": "Rural culture"})  # the translator changes it
    assert translated.pk in found("rural", locale="en")
    assert found("village", locale="en") == {}


def test_deleting_a_topic_updates_the_pages_that_showed_it(django_capture_on_commit_callbacks):
    topic = TopicFactory(name="Dorfkultur", slug="dorfkultur")
    page = ProjectPageFactory(title="Kulturscheune Oderbruch", topics=[topic])
    assert page.pk in found("Dorfkultur")
    with django_capture_on_commit_callbacks(execute=True):
        topic.delete()
    assert found("Dorfkultur") == {}
    assert page.pk in found("Kulturscheune")


def test_a_wagtail_localize_translation_is_indexed_in_its_language(
    de, en, django_capture_on_commit_callbacks
):
    """wagtail-localize publishes a translation after the commit, through Wagtail's page_published."""
    page = ProjectPageFactory(title="Kulturscheune Oderbruch", teaser="Ein Ort für Konzerte und Lesungen.")
    strings = merge(
        [
            plain_pair("Kulturscheune Oderbruch", "Culture barn Oderbruch"),
            plain_pair("Ein Ort für Konzerte und Lesungen.", "A venue for concerts and readings."),
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        translated = translate_with_strings(page, en, strings, confirm_rest=True)
    assert list(found("concerts", locale="en")) == [translated.pk]
    assert found("barn", locale="en")[translated.pk]["locale"] == "en"

    # a later sync of the translation (source edited, translation re-saved) updates the document
    page.teaser = "Ein Ort für Konzerte, Lesungen und Theater."
    page.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        translate_with_strings(
            page,
            en,
            merge(
                [
                    strings,
                    plain_pair(
                        "Ein Ort für Konzerte, Lesungen und Theater.",
                        "A venue for concerts, readings and theatre.",
                    ),
                ]
            ),
        )
    assert "theatre" in found("theatre", locale="en")[translated.pk]["teaser"]
    assert list(found("Konzerte", locale="de")) == [page.pk]


@pytest.mark.parametrize("engine", ["database", pytest.param("opensearch", marks=pytest.mark.opensearch)])
def test_an_unfinished_translation_is_not_searchable_in_its_language(request, engine, de, en):
    """A translation published with untranslated segments shows German text: an English search must not
    offer it as English. Once finished and published, it is found."""
    from tests.frontend_api.content import publish_translation, submit_translation, translate_segments

    if engine == "opensearch":
        from search import indexing
        from search.backends import opensearch

        request.getfixturevalue("opensearch_prefix")
        assert indexing.rebuild_opensearch().ok
        refresh = opensearch.refresh
    else:
        def refresh():
            return None

    page = ProjectPageFactory(title="Kulturscheune Oderbruch", teaser="Ein Ort für Konzerte und Lesungen.")
    translation = submit_translation(page)
    translate_segments(translation, {"Kulturscheune Oderbruch": "Culture barn Oderbruch"})
    english = publish_translation(translation)
    refresh()
    assert english.live
    assert found("Konzerte", locale="en") == {} and found("barn", locale="en") == {}
    assert list(found("Konzerte", locale="de")) == [page.pk]

    translate_segments(translation, {"Ein Ort für Konzerte und Lesungen.": "A venue for concerts and readings."},
                       rest=True)
    publish_translation(translation)
    refresh()
    assert list(found("concerts", locale="en")) == [english.pk]
    assert found("barn", locale="en")[english.pk]["locale"] == "en"


def test_the_editor_never_waits_for_opensearch(settings):
    """With a durable queue, publishing only enqueues: it does not even open a connection to
    OpenSearch (a listening socket counts the connections it is offered)."""
    settings.TASKS = DATABASE_QUEUE
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        settings.OPENSEARCH_URL = f"http://127.0.0.1:{listener.getsockname()[1]}"
        ProjectPageFactory(title="Kulturscheune Oderbruch")
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody knocked
    assert status.pending_index_updates() == 1


def test_the_editor_never_fails_because_of_opensearch(settings):
    """Even when the update runs at once (immediate backend) and OpenSearch is unreachable."""
    settings.OPENSEARCH_URL = "http://127.0.0.1:9"
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    settings.OPENSEARCH_URL = None
    assert page.live and list(found("Kulturscheune")) == [page.pk]  # the database copy was written


def test_the_editor_never_fails_because_enqueueing_fails(monkeypatch):
    class Broken:
        name = update_pages.name

        def enqueue(self, *args, **kwargs):
            raise RuntimeError("queue table locked")

    monkeypatch.setattr("search.tasks.update_pages", Broken())
    page = ProjectPageFactory(title="Kulturscheune Oderbruch")
    assert page.live and found("Kulturscheune") == {}


def test_pages_that_are_not_content_are_not_indexed(de):
    from plugins.shared.models import HomePage

    home = HomePage.objects.get(locale=de)
    home.save_revision().publish()
    assert not SearchDocument.objects.filter(id=home.pk).exists()
    assert Locale.objects.count() == 2
