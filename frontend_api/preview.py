"""Headless preview: a draft shown on a partner's own site before it is published.

The admin mints a signed token naming one page revision and one partner and opens the partner's preview
URL with it; the partner's server exchanges the token, with its own key, for the draft at
`/api/v1/preview/`. The token is a `django.core.signing` timestamped signature (with the SECRET_KEY and a
salt of its own), so the hub keeps no state for it and it is void after `MAX_AGE` seconds.
"""

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core import signing
from wagtail.models import Page, Revision

from frontend_api import registry
from frontend_api.registry import ContentTypeAPI
from plugins.shared.models import Partner

SALT = "kulturhub.preview"
MAX_AGE = 600  # seconds: the contract's "valid at most 10 minutes"


class InvalidToken(Exception):
    """Tampered, malformed or expired."""


@dataclass(frozen=True)
class PreviewToken:
    page_id: int
    revision_id: int
    partner_id: int


def signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def mint_token(revision: Revision, partner: Partner, *, using: signing.TimestampSigner | None = None) -> str:
    """A token for `partner` to see `revision` of its page (`using`: another signer, e.g. a fixed clock)."""
    payload = {"page": int(revision.object_id), "revision": revision.pk, "partner": partner.pk}
    return (using or signer()).sign_object(payload, compress=True)


def read_token(token: str, *, max_age: int = MAX_AGE) -> PreviewToken:
    try:
        payload = signer().unsign_object(token, max_age=max_age)
        return PreviewToken(int(payload["page"]), int(payload["revision"]), int(payload["partner"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:  # SignatureExpired included
        raise InvalidToken(str(exc)) from None


def partner_preview_url(partner: Partner, token: str) -> str:
    """The partner's preview URL with `token=…` added to whatever query it already has."""
    parts = urlsplit(partner.preview_url)
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if name != "token"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("token", token)])))


def previewing_partners():
    """Partners an editor may open a draft for: active ones with a preview URL."""
    return Partner.objects.filter(active=True).exclude(preview_url="").order_by("name")


def draft_of(token: PreviewToken) -> tuple[ContentTypeAPI, Page] | None:
    """The token's revision as an in-memory page of its type (child relations such as topics, regions and
    partner sharing as the revision holds them), or None when the page, the revision or the API type is
    gone."""
    revision = (
        Revision.page_revisions.filter(pk=token.revision_id, object_id=str(token.page_id))
        .select_related("content_type")
        .first()
    )
    if revision is None:
        return None
    api = registry.for_model(revision.content_type.model_class())
    if api is None:
        return None
    try:
        draft = revision.as_object()
    except Page.DoesNotExist:
        return None
    return api, api.annotate_draft(draft)
