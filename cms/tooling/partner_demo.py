"""The demo partner: its key is saved by `./hub setup` (development only) for the demo partner site."""

from pathlib import Path

from django.conf import settings

DEMO_PARTNER = "Demo-Partner"


def demo_key_file() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo-partner-key"


def read_demo_key() -> str | None:
    """The saved demo key, if it still authenticates the demo partner."""
    from frontend_api.models import PartnerAPIKey

    try:
        key = demo_key_file().read_text().strip()
    except OSError:
        return None
    api_key = PartnerAPIKey.objects.filter(prefix=key.partition(".")[0]).select_related("partner").first()
    if api_key and api_key.usable and api_key.is_valid(key) and api_key.partner.name == DEMO_PARTNER:
        return key
    return None


def save_demo_key(key: str) -> None:
    path = demo_key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key + "\n")
    path.chmod(0o600)
