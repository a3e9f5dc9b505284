"""The editor's path in a real Chromium: log in, create an event in German (the form first refuses it and
says why), publish it, translate it to English with wagtail-localize and publish the translation, see it
on the demo partner site in English, preview a changed draft on the partner's site, and find the event
on the partner site with a typo.

Elements are found by names, ids, data attributes and URLs, not by their wording (the admin's wording
is translated). Screenshots of three steps go to var/screenshots/happy/ and, with
UPDATE_DOCS_SCREENSHOTS=1, to docs/screenshots/ for the README's editor guide.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from wagtail.models import Locale

from cms.tooling.partner_demo import DEMO_PARTNER
from frontend_api.authentication import forget_keys
from frontend_api.caching import forget_content_version
from plugins.events.models import BERLIN, EventPage
from plugins.shared.models import Partner
from tests.browser.conftest import DOCS_SCREENSHOTS, FAILURE_SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "browser-test-secret-42"
WAIT = 15  # seconds for a page or a script to answer; generous for a busy CI machine
HAPPY = FAILURE_SCREENSHOTS / "happy"

TITLE = "Lesenacht in Görlitz"
TEASER = "Eine Nacht voller Geschichten am Neißeufer."
VENUE = "Kulturhaus Görlitz"
# the translator's English for each German segment wagtail-localize offers
ENGLISH = {
    TITLE: "Reading night in Görlitz",
    TEASER: "A night full of stories on the banks of the Neisse.",
    VENUE: "Kulturhaus Görlitz",
    "lesenacht-in-görlitz": "reading-night-in-goerlitz",
}


@pytest.fixture
def hub(live_server, settings, tmp_path, monkeypatch):
    """The live hub as `./hub setup` leaves it: the demo admin and the demo partner, whose preview URL is
    the demo partner site's preview page on this server. Returns the hub's base URL."""
    port = live_server.thread.port
    settings.BASE_DIR = tmp_path  # the demo key file, not the developer's var/
    # Wagtail's autosave stores a draft half a second after each change, in the background; the test saves
    # and publishes explicitly, and a background save racing those would make it flaky.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    monkeypatch.setenv("PORT", str(port))
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", PASSWORD)
    cache.clear()
    forget_keys()
    forget_content_version()
    call_command("setup_demo", "--allow-production", stdout=io.StringIO())
    base = f"http://127.0.0.1:{port}"
    assert Partner.objects.get(name=DEMO_PARTNER).preview_url == f"{base}/partner-demo/preview/"
    yield base
    cache.clear()


def local(moment: datetime.datetime) -> str:
    """A date and time as the admin's date-time field takes it."""
    return moment.astimezone(BERLIN).strftime(getattr(django_settings, "WAGTAIL_DATETIME_FORMAT", "%Y-%m-%d %H:%M"))


def test_an_editor_creates_translates_previews_and_finds_an_event(hub, browser):
    wait = WebDriverWait(browser.driver, WAIT)
    find = browser.find_element

    def click(element):
        """Clicks an element; one that the sticky footer covers (the page cannot scroll it clear) is
        pressed with the keyboard instead, as a keyboard user would."""
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        try:
            element.click()
        except ElementClickInterceptedException:
            element.send_keys(Keys.ENTER)

    def show(field_id: str):
        """The form field, after switching to the editor tab that holds it."""
        field = find(By.ID, field_id)
        panel = field.find_element(By.XPATH, "ancestor::section[@role='tabpanel']")
        find(By.CSS_SELECTOR, f"[role=tab][aria-controls='{panel.get_attribute('id')}']").click()
        wait.until(EC.visibility_of(field))
        return field

    def type_into(field_id: str, text: str):
        field = show(field_id)
        field.clear()
        field.send_keys(text)
        field.send_keys(Keys.ESCAPE)  # closes the date picker, if any

    def action(name: str):
        """An entry of the page editor's action menu (the footer's dropdown)."""
        find(By.CSS_SELECTOR, "footer .w-dropdown__toggle").click()
        wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f"footer [name={name}]"))).click()

    def settled():
        """Waits for the page's CSS transitions (a tab's underline, the sliding footer) to end, for a clean
        screenshot; looping attention animations (the help badge) do not count."""
        wait.until(
            lambda _: browser.execute_script(
                "return document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running')"
            )
        )

    def has_error(name: str) -> bool:
        return bool(
            browser.find_elements(
                By.XPATH,
                f"//*[@name='{name}']/ancestor::div[contains(concat(' ', @class, ' '), ' w-field--error ')]"
                "//*[contains(@class, 'error-message')]",
            )
        )

    # log in as the demo admin
    browser.get(f"{hub}/admin/login/")
    find(By.NAME, "username").send_keys("admin")
    find(By.NAME, "password").send_keys(PASSWORD)
    find(By.CSS_SELECTOR, "form [type=submit]").click()
    wait.until(EC.url_to_be(f"{hub}/admin/"))

    # a new event from the events listing; first with the end before the start and no venue
    browser.get(f"{hub}{reverse('event_pages:index')}")
    find(By.CSS_SELECTOR, "#w-slim-header-buttons a[href*='choose_parent']").click()
    wait.until(EC.presence_of_element_located((By.ID, "id_title")))
    add_url = browser.current_url
    assert "/admin/pages/add/events/eventpage/" in add_url
    start = (timezone.now() + datetime.timedelta(days=40)).astimezone(BERLIN).replace(hour=19, minute=0)
    type_into("id_title", TITLE)
    type_into("id_teaser", TEASER)
    type_into("id_start", local(start))
    type_into("id_end", local(start - datetime.timedelta(hours=2)))
    action("action-publish")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".w-field--error")))
    assert browser.current_url == add_url, "the form stays open"
    assert has_error("end") and has_error("venue") and not has_error("title")
    assert not EventPage.objects.filter(title=TITLE).exists()
    show("id_end")
    settled()
    browser.screenshot(HAPPY / "editor-validation.png")

    type_into("id_end", local(start + datetime.timedelta(hours=2)))
    type_into("id_venue", VENUE)
    action("action-publish")
    wait.until(lambda _: "/add/" not in browser.current_url)
    page = EventPage.objects.get(title=TITLE)
    assert page.live and page.locale.language_code == "de"
    assert page.start == start.replace(second=0, microsecond=0)

    # translate it: the page header's "translate" entry, English, wagtail-localize's editor
    english = Locale.objects.get(language_code="en")
    browser.get(f"{hub}{reverse('wagtailadmin_pages:edit', args=(page.pk,))}")
    find(By.CSS_SELECTOR, "#w-slim-header-buttons .w-dropdown__toggle").click()
    submit_url = reverse("wagtail_localize:submit_page_translation", args=(page.pk,))
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f"a[href='{submit_url}']"))).click()
    wait.until(EC.url_contains(submit_url))
    locale_box = find(By.CSS_SELECTOR, f"input[name=locales][value='{english.pk}']")
    if not locale_box.is_selected():
        locale_box.click()
    find(By.CSS_SELECTOR, "main form [type=submit]").click()
    wait.until(lambda _: submit_url not in browser.current_url)
    translated = page.get_translation(english)
    assert browser.current_url == f"{hub}{reverse('wagtailadmin_pages:edit', args=(translated.pk,))}"
    assert not translated.live, "a new translation starts as a draft"

    tabs = wait.until(lambda _: browser.find_elements(By.CSS_SELECTOR, "[role=tablist] [role=tab]"))
    filled = []
    for tab in tabs:
        click(tab)
        panel = find(By.ID, tab.get_attribute("aria-controls"))
        while todo := [li for li in panel.find_elements(By.CSS_SELECTOR, "li.incomplete") if li.is_displayed()]:
            segment = todo[0]
            source = segment.find_element(By.CSS_SELECTOR, "p").text
            assert source in ENGLISH, f"a segment the test has no English for: {source!r}"
            click(segment.find_element(By.TAG_NAME, "button"))
            box = wait.until(lambda _, segment=segment: segment.find_element(By.TAG_NAME, "textarea"))
            box.send_keys(ENGLISH[source], Keys.ENTER)
            # saved: marked complete, its buttons back once the server answered
            wait.until(
                lambda _, segment=segment: (
                    segment.get_attribute("class") == "complete" and segment.find_elements(By.TAG_NAME, "button")
                )
            )
            filled.append(source)
    assert set(filled) == set(ENGLISH), filled
    # the editor's header and menu in the admin's language, not wagtail-localize's hard-coded English
    body = find(By.TAG_NAME, "body").get_attribute("innerText")
    assert " to Englisch translation" not in body and " to English translation" not in body
    assert "Übersetzung Deutsch → Englisch" in body, body[:500]
    click(tabs[0])
    first = find(By.ID, tabs[0].get_attribute("aria-controls")).find_element(By.CSS_SELECTOR, "li.complete")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -110)", first)
    settled()
    browser.screenshot(HAPPY / "translation-editor.png")
    publish = find(By.CSS_SELECTOR, "button[name=action][value=publish]")
    publish.click()
    wait.until(EC.staleness_of(publish))
    translated.refresh_from_db()
    assert translated.live and translated.title == ENGLISH[TITLE]

    # the demo partner site, in English
    browser.get(f"{hub}/partner-demo/?lang=en")
    wait.until(EC.text_to_be_present_in_element((By.ID, "event-list"), ENGLISH[TITLE]))
    assert find(By.TAG_NAME, "html").get_attribute("lang") == "en"

    # a changed draft of the German page, previewed on the partner's site
    browser.get(f"{hub}{reverse('wagtailadmin_pages:edit', args=(page.pk,))}")
    changed = "Eine Nacht voller Geschichten, jetzt mit Musik."
    teaser = wait.until(EC.visibility_of_element_located((By.ID, "id_teaser")))
    teaser.clear()
    teaser.send_keys(changed)
    find(By.CSS_SELECTOR, "footer button.action-save").click()
    wait.until(EC.staleness_of(teaser))
    wait.until(EC.presence_of_element_located((By.ID, "id_teaser")))
    page.refresh_from_db()
    assert page.has_unpublished_changes and page.teaser == TEASER, "saved as a draft, the live page unchanged"
    before = set(browser.window_handles)
    action_toggle = find(By.CSS_SELECTOR, "footer .w-dropdown__toggle")
    action_toggle.click()
    wait.until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, "a[data-partner-preview='partner-preview-demo-partner']"))
    ).click()
    wait.until(lambda _: len(browser.window_handles) > len(before))
    browser.switch_to.window((set(browser.window_handles) - before).pop())
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article[data-preview='true']")))
    assert browser.current_url.startswith(f"{hub}/partner-demo/preview/?token=")
    assert find(By.ID, "draft-title").text == TITLE
    assert changed in find(By.ID, "draft").text
    settled()
    browser.screenshot(HAPPY / "partner-preview.png")
    browser.close()
    browser.switch_to.window(before.pop())

    # the partner site's search finds the event despite a typo
    browser.get(f"{hub}/partner-demo/?lang=de")
    query = wait.until(EC.visibility_of_element_located((By.ID, "q")))
    query.send_keys("Lesenaxht", Keys.ENTER)
    wait.until(EC.text_to_be_present_in_element((By.ID, "result-list"), TITLE))

    # and nothing any of these pages asked for left the hub
    assert len(browser.requests()) > 50
    assert browser.requests_elsewhere(hub.removeprefix("http://")) == []

    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for png in ("editor-validation.png", "translation-editor.png", "partner-preview.png"):
            shutil.copyfile(HAPPY / png, DOCS_SCREENSHOTS / png)
