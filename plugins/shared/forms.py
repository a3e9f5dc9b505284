"""The page editor's form for every content type: topics and regions chosen several at once in one widget
(written as the page's PageTopic / PageRegion rows, which wagtail-localize synchronises to translations and
the API reads unchanged), and a title field that grows with the title instead of cutting it off."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.widgets import AdminAutoHeightTextInput
from wagtail.models import Locale


class TitleInput(AdminAutoHeightTextInput):
    """A one-line title shown in full: a textarea that grows with its text; line breaks become spaces."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 1, "maxlength": 255, **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return " ".join(value.split()) if isinstance(value, str) else value


class LinkChoiceField(forms.ModelMultipleChoiceField):
    """Several objects at once, as checkboxes; the form sets the queryset (the page's language)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=None, required=False, **kwargs)


class ContentPageForm(WagtailAdminPageForm):
    """`topics` and `regions` edit the page's topic_links and region_links: rows for newly chosen objects are
    added, rows of objects no longer chosen are dropped, kept rows keep their order."""

    # form field -> (child relation, its foreign key)
    LINKS = {"topics": ("topic_links", "topic"), "regions": ("region_links", "region")}
    topics = LinkChoiceField(label=_("Topics"))
    regions = LinkChoiceField(label=_("Regions"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale_id = self.instance.locale_id or Locale.get_default().pk
        for name, (relation, key) in self.LINKS.items():
            if name not in self.fields:
                continue
            manager = getattr(self.instance, relation)
            linked = [getattr(link, f"{key}_id") for link in manager.all()]
            model = manager.model._meta.get_field(key).related_model
            # The page's language, plus whatever it already links (a translation links its source's objects).
            self.fields[name].queryset = model.objects.filter(Q(locale_id=locale_id) | Q(pk__in=linked))
            if not self.is_bound:
                self.initial[name] = linked

    def save(self, commit=True):
        for name, (relation, key) in self.LINKS.items():
            if name in self.fields and name in self.cleaned_data:
                self.write_links(relation, key, list(self.cleaned_data[name]))
        return super().save(commit=commit)

    def write_links(self, relation: str, key: str, chosen: list):
        manager = getattr(self.instance, relation)
        existing = {getattr(link, f"{key}_id"): link for link in manager.all()}
        position = {pk: index for index, pk in enumerate(existing)}
        chosen.sort(key=lambda obj: (position.get(obj.pk, len(position)), str(obj)))
        links = []
        for order, obj in enumerate(chosen):
            link = existing.get(obj.pk) or manager.model(**{key: obj})
            link.sort_order = order
            links.append(link)
        setattr(self.instance, relation, links)

