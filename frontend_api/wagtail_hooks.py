"""Admin for the partner API: partners, their API keys (shown once on creation, revocable), webhooks and
the record of every webhook delivery (read-only, with a redelivery for failed ones); the page editor's
"Vorschau auf Partnerseite …" entries (frontend_api.preview_admin)."""

import json

import django_filters
from django import forms
from django.contrib.auth import get_permission_codename, get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import CreateView, IndexView, InspectView
from wagtail.admin.views.generic.base import BaseOperationView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from frontend_api.models import PartnerAPIKey, Webhook, WebhookAttempt, WebhookDelivery
from frontend_api.partners import normalise_origin
from frontend_api.preview_admin import URL_NAME, add_partner_previews, open_partner_preview
from frontend_api.webhooks import DELETED, PUBLISHED, UNPUBLISHED, redeliver
from plugins.shared.models import Partner


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Deliveries are a record of what was sent: readable with the view permission, changed by nobody
    in the admin (superusers included)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(["view"])


# Registered before anything asks the registry for WebhookDelivery's policy (which would create a fallback).
register_permission_policy(WebhookDelivery, ViewOnlyPermissionPolicy(WebhookDelivery))


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "slug", "allowed_origins", "preview_url", "active"]

    def clean_allowed_origins(self):
        lines = [line for line in self.cleaned_data["allowed_origins"].splitlines() if line.strip()]
        try:
            return "\n".join(dict.fromkeys(normalise_origin(line) for line in lines))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class PartnerViewSet(ModelViewSet):
    model = Partner
    icon = "site"
    menu_label = _("Partners")
    list_display = [
        "name", "slug", BooleanColumn("active", label=_("Active")), DateColumn("created_at", label=_("Created")),
    ]
    list_filter = ["active"]
    search_fields = ["name", "slug"]

    def get_form_class(self, for_update=False):
        return PartnerForm


class ShownOnceCreateView(CreateView):
    """After saving, shows the secret once instead of redirecting (it is not readable afterwards)."""

    secret_template = "frontend_api/admin/secret_created.html"
    secret_label = ""

    def make_secret(self, instance) -> str:
        raise NotImplementedError

    def save_instance(self):
        self.secret = self.make_secret(self.form.instance)
        return super().save_instance()

    def save_action(self):
        return TemplateResponse(
            self.request,
            self.secret_template,
            {
                "object": self.object,
                "secret": self.secret,
                "secret_label": self.secret_label,
                "index_url": reverse(self.index_url_name),
                "page_title": self.secret_label,
                "header_icon": self.header_icon,
            },
        )


class APIKeyCreateView(ShownOnceCreateView):
    secret_label = _("New API key")

    def make_secret(self, instance) -> str:
        return PartnerAPIKey.objects.assign_key(instance)


# djangorestframework-api-key's fields have English names and help texts only.
API_KEY_LABELS = {"name": _("Name"), "expiry_date": _("Expires"), "revoked": _("Revoked")}
API_KEY_HELP = {
    "name": _("A free-form name for the key, up to 50 characters; it need not be unique."),
    "expiry_date": _("Once the key has expired, clients cannot use it any more."),
    "revoked": _("Once the key is revoked, clients cannot use it any more (this cannot be undone)."),
}


class APIKeyFilterSet(WagtailFilterSet):
    """The key model's `revoked` comes from djangorestframework-api-key without a translatable name."""

    revoked = django_filters.BooleanFilter(label=_("Revoked"), widget=forms.RadioSelect(choices=[
        ("", _("All")), ("true", _("Yes")), ("false", _("No"))]))

    class Meta:
        model = PartnerAPIKey
        fields = ["partner", "revoked"]


class APIKeyViewSet(ModelViewSet):
    model = PartnerAPIKey
    icon = "key"
    menu_label = _("API keys")
    add_view_class = APIKeyCreateView
    list_display = [
        "name", "partner", Column("prefix", label=_("Prefix")), DateColumn("created", label=_("Created")),
        DateColumn("expiry_date", label=_("Expires")), "last_used_at", BooleanColumn("revoked", label=_("Revoked")),
    ]
    filterset_class = APIKeyFilterSet
    search_fields = ["name", "prefix"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        fields = ["name", "expiry_date", "revoked"] if for_update else ["partner", "name", "expiry_date"]
        return forms.modelform_factory(PartnerAPIKey, fields=fields, labels=API_KEY_LABELS, help_texts=API_KEY_HELP)


class WebhookCreateView(ShownOnceCreateView):
    secret_label = _("Webhook signing secret")

    def make_secret(self, instance) -> str:
        return instance.secret


def failed_deliveries_link(webhook: Webhook) -> str:
    if not webhook.failed_deliveries:
        return "0"
    url = reverse("webhookdelivery:index") + f"?status=failed&webhook__partner={webhook.partner_id}"
    return format_html('<a href="{}">{}</a>', url, webhook.failed_deliveries)


class WebhookIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("partner").annotate(
            failed_deliveries=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED))
        )


class WebhookViewSet(ModelViewSet):
    model = Webhook
    icon = "link"
    menu_label = _("Webhooks")
    add_view_class = WebhookCreateView
    index_view_class = WebhookIndexView
    list_display = [
        "partner", "url", BooleanColumn("active", label=_("Active")), DateColumn("created_at", label=_("Created")),
        Column("failed_deliveries", label=_("Failed deliveries"), accessor=failed_deliveries_link,
               sort_key="failed_deliveries"),
    ]
    list_filter = ["partner", "active"]
    form_fields = ["partner", "url", "active"]
    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, **kwargs)


# Webhook deliveries ------------------------------------------------------------------------------

EVENTS = [(event, event) for event in (PUBLISHED, UNPUBLISHED, DELETED)]


def page_link(delivery: WebhookDelivery) -> str:
    """The page's title linking to its editor, or its id when the page is gone (page.deleted)."""
    if delivery.page_title is None:
        return _("Page #%(id)s (deleted)") % {"id": delivery.page_id}
    return format_html('<a href="{}">{}</a>', reverse("wagtailadmin_pages:edit", args=[delivery.page_id]),
                       delivery.page_title)


def attempt_result(status_code: int | None, error: str) -> str:
    return error or (f"HTTP {status_code}" if status_code else "")


def local_time(value) -> str:
    return date_format(timezone.localtime(value), "d.m.Y H:i:s") if value else "–"


def with_page_titles(deliveries) -> list[WebhookDelivery]:
    deliveries = list(deliveries)
    titles = dict(Page.objects.filter(pk__in={d.page_id for d in deliveries}).values_list("pk", "title"))
    for delivery in deliveries:
        delivery.page_title = titles.get(delivery.page_id)
    return deliveries


class DeliveryFilterSet(WagtailFilterSet):
    webhook__partner = django_filters.ModelChoiceFilter(
        label=_("Partner"), queryset=Partner.objects.all(), empty_label=_("All"))
    event = django_filters.ChoiceFilter(label=_("Event type"), choices=EVENTS, widget=forms.RadioSelect,
                                        empty_label=_("All"))

    class Meta:
        model = WebhookDelivery
        fields = ["status", "webhook__partner", "event"]


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        last = WebhookAttempt.objects.filter(delivery=OuterRef("pk")).order_by("-attempted_at", "-pk")
        return super().get_base_queryset().select_related("webhook__partner").annotate(
            last_status_code=Subquery(last.values("status_code")[:1]),
            last_error=Subquery(last.values("error")[:1]),
        )

    def get_table(self, object_list):
        return super().get_table(with_page_titles(object_list))


class DeliveryInspectView(InspectView):
    template_name = "frontend_api/admin/webhook_delivery_inspect.html"
    redeliver_url_name = None

    def get_object(self, queryset=None):
        delivery = get_object_or_404(WebhookDelivery.objects.select_related("webhook__partner"), pk=self.pk)
        return with_page_titles([delivery])[0]

    def get_fields_context(self):
        delivery = self.object
        attempts = str(delivery.attempt_count)
        if delivery.attempts_before_redelivery:
            before = delivery.attempts_before_redelivery
            attempts += " " + _("(%(count)s of them before the redelivery)") % {"count": before}
        rows = [
            (_("Webhook"), delivery.webhook.url),
            (_("Partner"), delivery.webhook.partner),
            (_("Event type"), delivery.event),
            (_("Page"), page_link(delivery)),
            (_("Status"), delivery.get_status_display()),
            (_("Attempts"), attempts),
            (_("Created"), local_time(delivery.created_at)),
            (_("Next attempt"), local_time(delivery.next_attempt_at)),
            (_("Delivered"), local_time(delivery.delivered_at)),
        ]
        return [{"label": label, "value": value, "component": None} for label, value in rows]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            body = json.dumps(json.loads(self.object.body), indent=2, ensure_ascii=False)
        except ValueError:
            body = self.object.body
        can_redeliver = self.object.can_be_redelivered and policy_registry.get_by_type(Webhook).user_has_permission(
            self.request.user, "change")
        context.update(
            body=body,
            attempts=self.object.attempts.all(),
            redeliver_url=reverse(self.redeliver_url_name, args=[self.object.pk]) if can_redeliver else None,
        )
        return context


class RedeliverView(PermissionCheckedMixin, BaseOperationView):
    """POST only: sends a failed delivery again now. Needs the change permission on webhooks."""

    model = WebhookDelivery
    permission_required = "change"

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(Webhook)

    def perform_operation(self):
        self.redelivered = redeliver(self.object)

    def add_success_message(self):
        if self.redelivered:
            message = _("The delivery to %(url)s was sent again.") % {"url": self.object.webhook.url}
            messages.success(self.request, message)
        else:
            messages.error(self.request, _("Only failed deliveries are sent again; this one was delivered or is "
                                           "still being retried."))


class WebhookDeliveryViewSet(ModelViewSet):
    """Read-only: the listing and one inspect page per delivery with all its attempts; no add, edit, copy
    or delete views exist."""

    model = WebhookDelivery
    icon = "history"
    menu_label = _("Deliveries")
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    filterset_class = DeliveryFilterSet
    list_display = [
        "created_at",
        Column("partner", label=_("Partner"), accessor="webhook.partner", sort_key="webhook__partner__name"),
        "event",
        Column("page", label=_("Page"), accessor=page_link),
        StatusTagColumn("status", label=_("Status"), accessor="get_status_display", sort_key="status",
                        primary=lambda delivery: delivery.status == WebhookDelivery.Status.DELIVERED),
        Column("attempt_count", label=_("Attempts"), sort_key="attempt_count"),
        DateColumn("next_attempt_at", label=_("Next attempt"), sort_key="next_attempt_at"),
        DateColumn("delivered_at", label=_("Delivered"), sort_key="delivered_at"),
        Column("last_result", label=_("Last attempt"),
               accessor=lambda delivery: attempt_result(delivery.last_status_code, delivery.last_error)),
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None, edit_url_name=None, delete_url_name=None, history_url_name=None,
            usage_url_name=None, **kwargs,
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(redeliver_url_name=self.get_url_name("redeliver"), **kwargs)

    @property
    def redeliver_view(self):
        return self.construct_view(RedeliverView, success_url_name=self.get_url_name("inspect"))

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("redeliver/<int:pk>/", self.redeliver_view, name="redeliver"),
        ]

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(
            codename=get_permission_codename("view", self.model_opts))

    def register_admin_url_finder(self):
        """Nothing here has an edit view; nobody is offered one."""


class PartnerAPIGroup(ViewSetGroup):
    menu_label = _("Partner API")
    menu_icon = "site"
    menu_order = 400
    items = (PartnerViewSet, APIKeyViewSet, WebhookViewSet, WebhookDeliveryViewSet)


@hooks.register("register_admin_viewset")
def register_partner_api_admin():
    return PartnerAPIGroup()


@hooks.register("construct_page_action_menu")
def partner_preview_menu_items(menu_items, request, context):
    add_partner_previews(menu_items, request, context)


@hooks.register("register_admin_urls")
def partner_preview_urls():
    return [path("pages/<int:page_id>/partner-preview/<int:partner_id>/", open_partner_preview, name=URL_NAME)]
