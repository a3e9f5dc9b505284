import pytest
from django.utils import translation
from wagtail.models import Locale


@pytest.fixture
def de(db) -> Locale:
    return Locale.objects.get(language_code="de")


@pytest.fixture
def en(db) -> Locale:
    return Locale.objects.get(language_code="en")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the hub's default language (German), as a management command or a fresh worker
    does: the API's middleware activates English for its requests and leaves it active on the thread."""
    translation.deactivate()
    yield
    translation.deactivate()
