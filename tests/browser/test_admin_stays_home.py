"""No request leaves the hub from an admin page: the main admin screens, rendered for the demo admin in
German and in English, name nothing outside the hub that a browser would load by itself (avatars,
fonts, stylesheets, scripts, images). Plain links to documentation are allowed. The browser test of
the editor's path checks the same in Chromium, request by request."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from wagtail.users.models import UserProfile
from wagtail_localize.models import Translation, TranslationSource

from cms.tooling.partner_demo import DEMO_PARTNER
from plugins.events.factories import EventPageFactory
from plugins.funding.factories import FundingPageFactory, a_round
from plugins.projects.factories import ProjectPageFactory
from plugins.reports.factories import ExperienceReportPageFactory
from plugins.shared.factories import TopicFactory
from plugins.shared.models import Partner
from plugins.shared.translation import plain_pair, translate_with_strings
from tests.browser.outside import scan_css, scan_html

BASE = "http://testserver/"
# a 1×1 PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2e1d8"
    "fb0000000049454e44ae426082"
)


@pytest.fixture
def demo_admin(db, de, en, settings, tmp_path, client):
    """The demo admin of `./hub setup` (its partner key file in a temporary directory), logged in."""
    settings.BASE_DIR = tmp_path
    call_command("setup_demo", "--allow-production", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def sidebar_urls(html: str) -> list[str]:
    """The admin menu's own URLs (every main screen), from the sidebar's JSON props."""
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)
    assert props, "the admin's sidebar props"
    urls = re.findall(r'"url": "(/admin/[^"#]*)"', props.group(1))
    return sorted(set(urls))


def admin_screens(client, en, every_menu_entry: bool = True) -> list[str]:
    """Dashboard, every menu entry (or only the content listings, snippets and partners), and the screens of
    one item of each kind: explorer, the edit form of each content type, a translation in wagtail-localize's
    editor, a snippet, the partner."""
    topic = TopicFactory(name="Soziokultur")
    pages = [
        ProjectPageFactory(title="Kulturscheune Oderbruch", topics=[topic]),
        ExperienceReportPageFactory(title="100 Tage Kreatives Sachsen"),
        EventPageFactory(title="Netzwerktreffen in Meißen"),
        FundingPageFactory(title="Kultur in Westfalen", rounds=[a_round(-5, 20)]),
    ]
    event = pages[2]
    english = translate_with_strings(event, en, plain_pair(event.title, "Network meeting in Meissen"))
    translation = Translation.objects.get(source=TranslationSource.objects.get_for_instance(event), target_locale=en)
    partner = Partner.objects.get(name=DEMO_PARTNER)
    menu = sidebar_urls(client.get("/admin/").content.decode())
    if not every_menu_entry:
        menu = [
            url for url in menu if url.endswith("_pages/") or url.startswith(("/admin/snippets/", "/admin/partner"))
        ]
    screens = ["/admin/", *menu]
    screens += [
        reverse("wagtailadmin_explore", args=(event.get_parent().pk,)),
        reverse("wagtailadmin_pages:add", args=("events", "eventpage", event.get_parent().pk)),
        *(reverse("wagtailadmin_pages:edit", args=(page.pk,)) for page in pages),
        reverse("wagtailadmin_pages:edit", args=(english.pk,)),  # wagtail-localize's translation editor
        reverse("wagtail_localize:submit_page_translation", args=(event.pk,)),
        reverse("wagtail_localize:update_translations", args=(translation.source.pk,)),
        reverse("wagtailsnippets_shared_topic:edit", args=(topic.pk,)),
        reverse("partner:edit", args=(partner.pk,)),
        reverse("wagtailadmin_pages:search") + "?q=Meißen",
    ]
    return screens


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_admin_screen_loads_anything_from_outside_the_hub(demo_admin, en, language):
    """Every screen in German; in English (the same templates, other catalogues) the editors' main ones."""
    admin = get_user_model().objects.get(username="admin")
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = language
    profile.save()

    findings, stylesheets, seen = [], set(), []
    for url in admin_screens(demo_admin, en, every_menu_entry=language == "de"):
        response = demo_admin.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        assert f'lang="{language}"' in html, url
        page_findings, page_stylesheets = scan_html(html, url, BASE)
        findings += page_findings
        stylesheets.update(page_stylesheets)
        seen.append(url)
    for stylesheet in sorted(stylesheets):
        path = stylesheet.removeprefix(BASE.rstrip("/"))
        response = demo_admin.get(path)
        assert response.status_code == 200, path
        findings += scan_css(
            b"".join(response.streaming_content if response.streaming else [response.content]).decode(), path, BASE
        )

    assert len(seen) > (30 if language == "de" else 15) and stylesheets, (seen, stylesheets)
    assert not findings, "\n".join(map(str, findings))


def sidebar_avatar(client) -> str:
    html = client.get("/admin/").content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)
    return re.search(r'"avatarUrl": "([^"]*)"', props.group(1)).group(1)


def test_avatars_are_the_hubs_own(demo_admin, settings):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    default = sidebar_avatar(demo_admin)
    assert default.startswith(settings.STATIC_URL) and demo_admin.get(default).status_code == 200

    profile = UserProfile.get_for_user(get_user_model().objects.get(username="admin"))
    profile.avatar = SimpleUploadedFile("me.png", PNG, content_type="image/png")
    profile.save()
    assert sidebar_avatar(demo_admin).startswith(settings.MEDIA_URL)
