"""Creating partners, their API keys and webhooks (used by `create_partner`, the admin and the demo setup)."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from frontend_api.models import PartnerAPIKey, Webhook
from frontend_api.webhook_targets import check_webhook_url
from plugins.shared.models import Partner

DEFAULT_KEY_NAME = "Standard"


def normalise_origin(origin: str) -> str:
    """'https://Partner.example.org/' -> 'https://partner.example.org'; anything with a path is refused,
    since browsers send origins as scheme://host[:port]."""
    value = origin.strip()
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.path not in ("", "/")
        or parts.query
    ):
        raise ValidationError(
            f"{origin!r} is not an origin: expected scheme://host[:port], e.g. "
            "https://www.partner.example.org"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def origin_or_none(origin: str) -> str | None:
    """`normalise_origin` for values that may be anything (a request's Origin header): None if not an origin."""
    try:
        return normalise_origin(origin)
    except ValidationError:
        return None


class PartnerExists(ValueError):
    pass


def issue_key(partner: Partner, name: str = DEFAULT_KEY_NAME, expiry_date=None) -> str:
    """Creates a key for `partner` and returns it in full -- the only time it is readable: only its hash
    is stored."""
    _api_key, raw_key = PartnerAPIKey.objects.create_key(
        partner=partner, name=name[:50], expiry_date=expiry_date
    )
    return raw_key


def revoke_keys(partner: Partner) -> int:
    return PartnerAPIKey.objects.filter(partner=partner, revoked=False).update(revoked=True)


def add_webhook(partner: Partner, url: str) -> Webhook:
    """A webhook for `partner`; ValidationError naming `url` when it is no URL or a refused target, in one
    English message: our own reason when we have one (it says more than the URL field's "Enter a valid
    URL."), else the field's."""
    webhook = Webhook(partner=partner, url=url)
    with translation.override("en"):
        try:
            webhook.full_clean(exclude=["partner"])
        except ValidationError as exc:
            try:
                check_webhook_url(url)
                reasons = list(dict.fromkeys(exc.messages))
            except ValidationError as refusal:
                reasons = refusal.messages
            raise ValidationError(f"webhook URL {url!r} refused: {'; '.join(reasons)}") from None
    webhook.save()
    return webhook


def preview_address(url: str) -> str:
    """A partner's preview URL, checked like webhook URLs: http(s) only, naming the refused value."""
    value = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError(f"{url!r} is not a preview URL: expected http(s)://…") from None
    return value


def existing_partner(name: str) -> Partner | None:
    name = name.strip()
    by_name = Partner.objects.filter(name=name).first()
    return by_name or Partner.objects.filter(slug=slugify(name)[:120]).first()


@transaction.atomic
def add_to_partner(
    partner: Partner,
    origins: Iterable[str] = (),
    webhook_url: str | None = None,
    preview_url: str | None = None,
) -> tuple[str, str | None]:
    """Another key for an existing partner, its origins extended, and a webhook when `webhook_url` is given.
    Returns (raw key, webhook secret or None)."""
    allowed = list(dict.fromkeys([*partner.origins, *(normalise_origin(origin) for origin in origins)]))
    if allowed != partner.origins:
        partner.allowed_origins = "\n".join(allowed)
        partner.save(update_fields=["allowed_origins"])
    if preview_url:
        partner.preview_url = preview_address(preview_url)
        partner.save(update_fields=["preview_url"])
    raw_key = issue_key(partner)
    secret = add_webhook(partner, webhook_url).secret if webhook_url else None
    return raw_key, secret


@transaction.atomic
def create_partner(
    name: str,
    origins: Iterable[str] = (),
    webhook_url: str | None = None,
    preview_url: str | None = None,
) -> tuple[Partner, str, str | None]:
    """A new active partner with one API key (and a webhook when `webhook_url` is given).
    Returns (partner, raw key, webhook secret or None). Raises PartnerExists for a taken name or slug,
    ValidationError for a bad origin, webhook or preview URL."""
    name = name.strip()
    if not name:
        raise ValidationError("The partner needs a name.")
    slug = slugify(name)[:120] or "partner"
    if Partner.objects.filter(name=name).exists() or Partner.objects.filter(slug=slug).exists():
        raise PartnerExists(f"A partner named {name!r} (slug {slug!r}) exists already.")
    allowed = list(dict.fromkeys(normalise_origin(origin) for origin in origins))
    preview = preview_address(preview_url) if preview_url else ""
    partner = Partner.objects.create(
        name=name, slug=slug, allowed_origins="\n".join(allowed), preview_url=preview, active=True
    )
    raw_key = issue_key(partner)
    secret = add_webhook(partner, webhook_url).secret if webhook_url else None
    return partner, raw_key, secret
