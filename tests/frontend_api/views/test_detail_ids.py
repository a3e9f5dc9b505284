"""A detail id the database cannot hold is simply an id that names nothing: 404, never a 500."""

import pytest

from frontend_api import registry
from plugins.events.factories import EventPageFactory
from tests.frontend_api.conftest import assert_error

OUT_OF_RANGE = ["9223372036854775808", "2147483648", "99999999999999999999999999999999", "-1", "-9223372036854775809"]


@pytest.mark.parametrize("type_name", [api.name for api in registry.content_types()])
@pytest.mark.parametrize("raw_id", OUT_OF_RANGE)
def test_an_id_outside_the_integer_range_is_404_for_every_type(api, type_name, raw_id):
    assert_error(api.get(f"/api/v1/{type_name}/{raw_id}/"), 404, "not_found")
    assert_error(api.get(f"/api/v1/{type_name}/{raw_id}/", {"locale": "en"}), 404, "not_found")


def test_the_largest_id_the_database_holds_is_an_ordinary_404(api):
    page = EventPageFactory()
    assert api.get(f"/api/v1/events/{page.pk}/").status_code == 200
    assert_error(api.get("/api/v1/events/9223372036854775807/"), 404, "not_found")


def test_an_out_of_range_id_still_needs_a_key(anon):
    assert_error(anon.get("/api/v1/events/9223372036854775808/"), 401)
