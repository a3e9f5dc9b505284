"""factory_boy factories for tests, benchmarks and fixtures.

Page factories add the page under the index page of its type in the given locale (default German)
and publish it unless `publish=False`; `topics`, `regions`, `contacts` and `partners` take objects.
"""

import factory
from django.apps import apps
from wagtail.models import Locale

from plugins.shared.models import (
    ContactPerson,
    Organisation,
    PageContact,
    PagePartner,
    PageRegion,
    PageTopic,
    Partner,
    Region,
    Topic,
)


def locale_of(code_or_locale) -> Locale:
    if isinstance(code_or_locale, Locale):
        return code_or_locale
    return Locale.objects.get(language_code=code_or_locale or Locale.get_default().language_code)


class TranslatableSnippetFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    locale = factory.LazyFunction(Locale.get_default)


class TopicFactory(TranslatableSnippetFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")


class RegionFactory(TranslatableSnippetFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    kind = Region.Kind.STADT


class OrganisationFactory(TranslatableSnippetFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} e.V.")
    kind = Organisation.Kind.ASSOCIATION
    website = "https://example.org/"


class ContactPersonFactory(TranslatableSnippetFactory):
    class Meta:
        model = ContactPerson

    name = factory.Sequence(lambda n: f"Person {n}")
    role = "Projektkoordination"
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")


class ContentPageFactory(factory.django.DjangoModelFactory):
    """Creates a page of the factory's model under its index page; publishes unless publish=False."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Seite {n}")
    teaser = "Ein kurzer Teaser für Listen und Suchergebnisse."

    @classmethod
    def _create(cls, model_class, *args, locale=None, parent=None, publish=True, topics=(), regions=(),
                contacts=(), partners=(), **kwargs):
        locale = locale_of(locale)
        if parent is None:
            index_model = apps.get_model(model_class.parent_page_types[0])
            parent = index_model.objects.get(locale=locale)
        page = model_class(*args, locale=locale, **kwargs)
        page.topic_links = [PageTopic(topic=t) for t in topics]
        page.region_links = [PageRegion(region=r) for r in regions]
        page.contact_links = [PageContact(contact=c) for c in contacts]
        page.partner_links = [PagePartner(partner=p) for p in partners]
        if not publish:
            page.live = False
        parent.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
            page.refresh_from_db()
        return page
