"""Where Wagtail freezes a string in whatever language was active when it was built, the admin gets it in
the editor's language instead (German by default, English for an editor who chose English).

- Snippet choosers ("Thema auswählen", "Anderes Thema auswählen", "Thema bearbeiten"): Wagtail formats
  these once, when the widget is created at start-up, so every editor saw the start-up language. They are
  formatted again each time a chooser is rendered.
- wagtail-localize dates a translated string with strftime ("Manuell übersetzt am 30 November 2026",
  English month names, English order); here the date is in the admin language's format.
- The default workflow and its task are named "Moderators approval" by Wagtail's migration; the
  "Submit to …" / "Resubmit to …" action shows that name through the catalogue.
"""

from functools import partial

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from wagtail import hooks
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.snippets.widgets import AdminSnippetChooser
from wagtail_localize.models import StringTranslation

# The names of Wagtail's default workflow and task, for the catalogue (locale/de).
WORKFLOW_NAMES = [gettext_noop("Moderators approval")]
# Strings Wagtail and wagtail-localize show on the hub's screens that their German catalogues leave in
# English (or translate as "Locale"); listed here so that `makemessages` keeps them in the hub's catalogue.
UPSTREAM_STRINGS = [gettext_noop("Locale"), gettext_noop("Locales")]


CHOOSER_TEXTS = {
    "choose_one_text": "Choose %(object)s",
    "choose_another_text": "Choose another %(object)s",
    "link_to_chosen_text": "Edit this %(object)s",
}
_render_chooser = AdminSnippetChooser.render_html


def _render_chooser_in_current_language(widget, *args, **kwargs):
    for attribute, msgid in CHOOSER_TEXTS.items():
        setattr(widget, attribute, gettext(msgid) % {"object": widget.model._meta.verbose_name})
    return _render_chooser(widget, *args, **kwargs)


AdminSnippetChooser.render_html = _render_chooser_in_current_language


def _string_translation_comment(translation: StringTranslation) -> str:
    date = date_format(timezone.localtime(translation.updated_at), "DATE_FORMAT")
    if translation.tool_name:
        return gettext("Translated with {tool_name} on {date}").format(tool_name=translation.tool_name, date=date)
    if translation.translation_type == StringTranslation.TRANSLATION_TYPE_MANUAL:
        return gettext("Translated manually on {date}").format(date=date)
    if translation.translation_type == StringTranslation.TRANSLATION_TYPE_MACHINE:
        return gettext("Machine translated on {date}").format(date=date)
    return None


StringTranslation.get_comment = _string_translation_comment


def _translated_names(item, parent_context):
    context = type(item).get_context_data(item, parent_context)
    label = str(context.get("label", ""))
    for name in WORKFLOW_NAMES:
        if name in label:
            context["label"] = label.replace(name, gettext(name))
    return context


@hooks.register("construct_page_action_menu")
def translate_workflow_names(menu_items, request, context):
    for item in menu_items:
        if isinstance(item, SubmitForModerationMenuItem):
            item.get_context_data = partial(_translated_names, item)


# wagtail-localize's translation editor is a React app that writes two texts in English whatever the
# admin's language: its header `${source} to ${target} translation` and the "More actions" label of its
# menu. Its bundle cannot be translated, so a small script puts the admin language's wording in once the
# app has drawn them (only where the catalogue translates them, i.e. not in the English admin).
LOCALIZE_EDITOR_TEXTS = {
    "header": gettext_noop("%(source)s to %(target)s translation"),
    "more_actions": gettext_noop("More actions"),
}
LOCALIZE_EDITOR_SCRIPT = """
<script>
(() => {
  // Only wagtail-localize's translation editor, and only its headings and its menu's hidden label: never
  // a field, a segment or content an editor wrote.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  function start() {
    const root = document.querySelector(".js-translation-editor");
    if (!root) return;
    const texts = JSON.parse(document.getElementById("kulturhub-localize-texts").textContent);
    const header = /^(.+) to (.+) translation$/;
    const fix = () => {
      for (const node of root.querySelectorAll("h1, h2, h3, button .w-sr-only")) {
        if (node.children.length) continue;
        const text = node.textContent.trim();
        const match = texts.header && text.match(header);
        if (match && node.tagName !== "SPAN") {
          node.textContent = texts.header.replace("%(source)s", match[1]).replace("%(target)s", match[2]);
        } else if (text === "More actions" && texts.more_actions) {
          node.textContent = texts.more_actions;
        }
      }
    };
    new MutationObserver(fix).observe(root, { childList: true, subtree: true });
    fix();
  }
})();
</script>
"""


@hooks.register("insert_global_admin_js")
def translate_localize_editor_texts():
    from django.utils.html import json_script
    from django.utils.safestring import mark_safe

    texts = {key: gettext(msgid) for key, msgid in LOCALIZE_EDITOR_TEXTS.items()}
    texts = {key: value for key, value in texts.items() if value != LOCALIZE_EDITOR_TEXTS[key]}
    if not texts:
        return ""
    return json_script(texts, "kulturhub-localize-texts") + mark_safe(LOCALIZE_EDITOR_SCRIPT)
