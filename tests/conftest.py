import pytest
from wagtail.models import Locale


@pytest.fixture
def de(db) -> Locale:
    return Locale.objects.get(language_code="de")


@pytest.fixture
def en(db) -> Locale:
    return Locale.objects.get(language_code="en")
