import datetime

import pytest
from django.utils import timezone

from frontend_api.models import PartnerAPIKey
from frontend_api.partners import issue_key
from tests.frontend_api.conftest import APIClient, assert_error

KEYED = [
    "/api/v1/projects/",
    "/api/v1/reports/",
    "/api/v1/events/",
    "/api/v1/funding/",
    "/api/v1/search/?q=kultur",
    "/api/v1/search/suggest/?q=ku",
]


@pytest.mark.parametrize("path", KEYED)
def test_no_key_is_401_with_error_body_and_challenge(anon, path):
    response = anon.get(path)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Api-Key")


@pytest.mark.parametrize(
    "header",
    [
        "Api-Key not-a-key",
        "Api-Key abcdefgh.wrongsecretwrongsecretwrongsecret",
        "Api-Key ",
        "api-key x" * 50,
    ],
)
def test_wrong_key_is_401(db, header):
    assert_error(APIClient(HTTP_AUTHORIZATION=header).get("/api/v1/events/"), 401, "invalid_key")


def test_other_scheme_is_401_naming_the_right_one(api):
    error = assert_error(APIClient(HTTP_AUTHORIZATION=f"Bearer {api.key}").get("/api/v1/events/"), 401)
    assert "Api-Key" in error["detail"]


def test_a_valid_key_answers(api):
    assert api.json("/api/v1/events/")["count"] == 0


def test_the_keyword_is_case_insensitive(api):
    assert APIClient(HTTP_AUTHORIZATION=f"api-key {api.key}").get("/api/v1/events/").status_code == 200


def test_revoked_key_is_401(api):
    PartnerAPIKey.objects.filter(partner=api.partner).update(revoked=True)
    assert_error(api.get("/api/v1/events/"), 401, "key_revoked")


def test_expired_key_is_401(api):
    PartnerAPIKey.objects.filter(partner=api.partner).update(
        expiry_date=timezone.now() - datetime.timedelta(1)
    )
    assert_error(api.get("/api/v1/events/"), 401, "key_expired")


def test_key_with_future_expiry_works(api):
    PartnerAPIKey.objects.filter(partner=api.partner).update(
        expiry_date=timezone.now() + datetime.timedelta(1)
    )
    assert api.get("/api/v1/events/").status_code == 200


def test_inactive_partner_is_401(api):
    api.partner.active = False
    api.partner.save()
    assert_error(api.get("/api/v1/events/"), 401, "partner_inactive")


def test_revoking_one_key_leaves_the_partners_other_keys(api):
    second = issue_key(api.partner, name="Zweitschlüssel")
    PartnerAPIKey.objects.filter(prefix=api.key.split(".")[0]).update(revoked=True)
    assert APIClient(second).get("/api/v1/events/").status_code == 200
    assert api.get("/api/v1/events/").status_code == 401


def test_keys_are_stored_hashed(api):
    stored = PartnerAPIKey.objects.get(partner=api.partner)
    assert api.key not in stored.hashed_key and api.key.split(".")[1] not in stored.pk


def test_last_use_is_recorded(api):
    assert PartnerAPIKey.objects.get(partner=api.partner).last_used_at is None
    api.get("/api/v1/events/")
    assert PartnerAPIKey.objects.get(partner=api.partner).last_used_at is not None


@pytest.mark.parametrize("path", ["/api/v1/health/", "/api/v1/schema/", "/api/v1/docs/"])
def test_health_schema_and_docs_need_no_key(anon, path):
    assert anon.get(path).status_code == 200


def test_a_revocation_from_another_process_applies_within_the_key_check_interval(api):
    from django.test import override_settings

    assert api.get("/api/v1/events/").status_code == 200
    # Another process (the admin's) revokes: no signal reaches this worker, which re-reads the key
    # after KEY_CHECK_SECONDS (5 s by default).
    PartnerAPIKey.objects.filter(partner=api.partner).update(revoked=True)
    assert api.get("/api/v1/events/").status_code == 200
    with override_settings(KULTURHUB_API={"KEY_CHECK_SECONDS": 0}):
        assert_error(api.get("/api/v1/events/"), 401, "key_revoked")


def test_a_revocation_in_this_process_applies_at_once(api):
    assert api.get("/api/v1/events/").status_code == 200
    stored = PartnerAPIKey.objects.get(partner=api.partner)
    stored.revoked = True
    stored.save()
    assert_error(api.get("/api/v1/events/"), 401, "key_revoked")
