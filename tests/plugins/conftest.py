import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("redaktion", "redaktion@example.org", "x-secret-42")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
