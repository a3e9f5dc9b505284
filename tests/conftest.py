import pytest
from django.contrib.auth import get_user_model
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


@pytest.fixture
def editor(db):
    """A superuser of the admin."""
    return get_user_model().objects.create_superuser("redaktion", "redaktion@example.org", "x-secret-42")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
