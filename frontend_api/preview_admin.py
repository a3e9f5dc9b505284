"""The editor's side of headless preview: one "Vorschau auf Partnerseite …" entry per partner with a preview
URL in the page editor's action menu, and the admin view behind it that mints the token and sends the
editor to the partner's site.

It hooks into Wagtail's page action menu (`construct_page_action_menu`), so every page type the partner
API serves gets it without naming one. Like Wagtail's own preview of a saved draft, it shows the page's
latest saved revision: saving the form first is the editor's step.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.models import Page

from frontend_api import registry
from frontend_api.preview import mint_token, partner_preview_url, previewing_partners
from plugins.shared.models import Partner

URL_NAME = "kulturhub_partner_preview"


class PartnerPreviewMenuItem(ActionMenuItem):
    """A link (new tab) to the admin view that opens the draft on one partner's site."""

    template_name = "frontend_api/admin/partner_preview_menu_item.html"
    icon_name = "view"

    def __init__(self, partner: Partner, order: int):
        super().__init__(order=order)
        self.partner = partner
        self.name = f"partner-preview-{partner.slug}"
        self.label = _("Preview on partner site %(name)s") % {"name": partner.name}

    def get_url(self, parent_context) -> str:
        return reverse(URL_NAME, args=(parent_context["page"].pk, self.partner.pk))


def add_partner_previews(menu_items: list, request: HttpRequest, context: dict) -> None:
    """On the editor of a served page with a draft (never published, or unpublished changes), for an
    editor who may edit it: one entry per partner with a preview URL."""
    page = context.get("page")
    if context.get("view") != "edit" or page is None or not page.pk or not page.has_unpublished_changes:
        return
    if registry.for_model(page.specific_class) is None:
        return
    tester = context.get("user_page_permissions_tester") or page.permissions_for_user(request.user)
    if not tester.can_edit():
        return
    last = max((item.order for item in menu_items), default=0)
    for offset, partner in enumerate(previewing_partners(), start=1):
        menu_items.append(PartnerPreviewMenuItem(partner, order=last + offset))


def open_partner_preview(request: HttpRequest, page_id: int, partner_id: int) -> HttpResponse:
    """Mints a token for the page's latest revision and that partner and redirects to its preview URL;
    only for editors who may edit the page."""
    page = get_object_or_404(Page, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    if registry.for_model(page.specific_class) is None:
        raise Http404("The partner API does not serve this page type.")
    partner = get_object_or_404(previewing_partners(), pk=partner_id)
    revision = page.get_latest_revision()
    if revision is None:
        messages.error(request, _("The page has no saved version yet: please save it first."))
        return redirect("wagtailadmin_pages:edit", page.pk)
    return redirect(partner_preview_url(partner, mint_token(revision, partner)))
