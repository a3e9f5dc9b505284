"""Form posts as the Wagtail page editor sends them, for admin tests of every content type."""

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

__all__ = ["add_page", "edit_page", "page_form_data", "plain_values", "rich_text", "streamfield", "inline_formset"]


def plain_values(page) -> dict:
    """The editor form's values of a page type's own plain fields (not the shared ones every type has,
    not StreamFields) as `page` holds them: for any registered type, including one a test does not know."""
    import datetime

    from django.utils import timezone
    from wagtail.fields import StreamField

    from plugins.shared.models import ContentPage

    shared = {field.name for field in ContentPage._meta.fields}
    values = {}
    for field in type(page)._meta.concrete_fields:
        if field.name in shared or field.name.endswith("_ptr") or isinstance(field, StreamField):
            continue
        value = getattr(page, field.attname)
        if value is None or value == "":
            continue
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        values[field.name] = value if isinstance(value, bool) else str(value)
    return values


def page_form_data(model, parent, user, values: dict, instance=None) -> dict:
    """Every formset of the editor empty unless `values` fills it, plus `values` itself."""
    form_class = model.get_edit_handler().get_form_class()
    form = form_class(instance=instance or model(), parent_page=parent, for_user=user)
    data: dict = {}
    for name in form.formsets:
        if name not in values:
            data[name] = inline_formset([])
    data.update({"slug": "", "body": streamfield([])} if instance is None else {})
    for name in form.fields:
        if name.endswith(("agenda", "documentation", "attachments", "goals")) and name not in values:
            data[name] = streamfield([])
    # Several values of one field (topics, regions) are posted as a list, not nested like a formset.
    multiple = {name: value for name, value in values.items() if isinstance(value, list)}
    data.update({name: value for name, value in values.items() if name not in multiple})
    return {**nested_form_data(data), **multiple}


def add_page(client, user, model, parent, values: dict, action: str | None = "action-publish"):
    url = reverse("wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, parent.pk))
    data = page_form_data(model, parent, user, values)
    if action:
        data[action] = "1"
    return client.post(url, data)


def edit_page(client, user, page, values: dict, action: str | None = "action-publish"):
    page = page.specific
    data = page_form_data(type(page), page.get_parent(), user, values, instance=page)
    if action:
        data[action] = "1"
    return client.post(reverse("wagtailadmin_pages:edit", args=(page.pk,)), data)
