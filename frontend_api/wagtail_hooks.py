"""Admin for the partner API: partners, their API keys (shown once on creation, revocable) and webhooks."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from frontend_api.models import PartnerAPIKey, Webhook
from frontend_api.partners import normalise_origin
from plugins.shared.models import Partner


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "slug", "allowed_origins", "active"]

    def clean_allowed_origins(self):
        lines = [line for line in self.cleaned_data["allowed_origins"].splitlines() if line.strip()]
        try:
            return "\n".join(dict.fromkeys(normalise_origin(line) for line in lines))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class PartnerViewSet(ModelViewSet):
    model = Partner
    icon = "site"
    menu_label = "Partner"
    list_display = ["name", "slug", "active", "created_at"]
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
    secret_label = "Neuer API-Schlüssel"

    def make_secret(self, instance) -> str:
        return PartnerAPIKey.objects.assign_key(instance)


class APIKeyViewSet(ModelViewSet):
    model = PartnerAPIKey
    icon = "key"
    menu_label = "API-Schlüssel"
    add_view_class = APIKeyCreateView
    list_display = ["name", "partner", "prefix", "created", "expiry_date", "last_used_at", "revoked"]
    list_filter = ["partner", "revoked"]
    search_fields = ["name", "prefix"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        fields = ["name", "expiry_date", "revoked"] if for_update else ["partner", "name", "expiry_date"]
        return forms.modelform_factory(PartnerAPIKey, fields=fields)


class WebhookCreateView(ShownOnceCreateView):
    secret_label = "Signaturschlüssel des Webhooks"

    def make_secret(self, instance) -> str:
        return instance.secret


class WebhookViewSet(ModelViewSet):
    model = Webhook
    icon = "link"
    menu_label = "Webhooks"
    add_view_class = WebhookCreateView
    list_display = ["partner", "url", "active", "created_at"]
    list_filter = ["partner", "active"]
    form_fields = ["partner", "url", "active"]
    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, **kwargs)


class PartnerAPIGroup(ViewSetGroup):
    menu_label = "Partner-API"
    menu_icon = "site"
    menu_order = 400
    items = (PartnerViewSet, APIKeyViewSet, WebhookViewSet)


@hooks.register("register_admin_viewset")
def register_partner_api_admin():
    return PartnerAPIGroup()
