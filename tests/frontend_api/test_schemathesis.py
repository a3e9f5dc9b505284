"""The OpenAPI document tells the truth: schemathesis generates valid and invalid requests for every
operation from the document the hub serves and checks every answer against it (status codes, bodies,
headers, content types, no 5xx, invalid input rejected, valid input accepted, keys enforced).

It runs against the WSGI application in the test's own transaction (no server, no network), with a
fixed budget and deterministic generation so CI sees the same requests every run."""

import json
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from frontend_api.pagination import MAX_SEARCH_WINDOW as MAX_WINDOW
from plugins.events.factories import EventPageFactory
from plugins.funding.factories import FundingPageFactory, a_round
from plugins.projects.factories import ProjectPageFactory
from plugins.reports.factories import ExperienceReportPageFactory
from plugins.shared.factories import RegionFactory, TopicFactory
from tests.content_types import FACTORIES
from tests.frontend_api.conftest import APIClient, partner_client

# Examples per operation for fuzzing (the coverage phase adds its boundary cases): about 1,750 requests
# over the 13 operations, well under a minute of CPU.
MAX_EXAMPLES = 15

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261130,
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        # Every check schemathesis has; `stateful` needs links between operations, which a read-only
        # API has none of, so only examples, coverage and fuzzing run.
        "checks": {"enabled": True},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
    }
)

application = get_wsgi_application()
SENT: Counter[str] = Counter()  # requests per operation, printed at the end of the module


@pytest.fixture
def pages(db, de, en):
    """One page of each type with a topic and a region, so lists, details and filters have answers
    (test_openapi.py validates answers with every block and translation against the same document)."""
    topic = TopicFactory(name="Ehrenamt", slug="ehrenamt")
    region = RegionFactory(name="Dresden", slug="dresden")
    common = {"topics": [topic], "regions": [region]}
    pages = {
        "events": EventPageFactory(title="Sommerfest", **common),
        "projects": ProjectPageFactory(title="Nachbarschaft", **common),
        "reports": ExperienceReportPageFactory(title="Erfahrung", **common),
        "funding": FundingPageFactory(title="Förderung", rounds=[a_round(-3, 3)], **common),
    }
    for name, factory in FACTORIES.items():  # and any other registered type, as its factory makes it
        if name not in pages:
            pages[name] = factory(**common)
    return pages


def served_document() -> dict:
    """The document /api/v1/schema/ serves (built without a request, so collection needs no database;
    test_the_tested_document_is_the_served_one holds the two together)."""
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(served_document(), config=CONFIG)
schema.app = application


# Far above the requests one operation's test sends: schemathesis probes with missing and wrong keys and
# expects 401, and the wrong-key throttle (20/min per address by default) must never answer those 429.
UNTHROTTLED = {"FAILED_AUTH_LIMIT": "1000000/min", "RATE_LIMIT": "1000000/min"}


@pytest.fixture(autouse=True)
def unthrottled():
    with override_settings(KULTURHUB_API=UNTHROTTLED):
        yield


def test_wrong_key_probes_are_not_throttled_here(db):
    guesser = APIClient(HTTP_AUTHORIZATION="Api-Key abcdefgh.guessguessguessguessguessguessgu")
    assert {guesser.get("/api/v1/events/").status_code for _ in range(30)} == {401}


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection around every request, as it should in production;
    the test's transaction lives on that connection, so keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def key(db, de, en, keep_connection) -> str:
    return partner_client("Schemathesis").key


@pytest.fixture(scope="module", autouse=True)
def report_requests():
    yield
    if SENT:
        print(f"\nschemathesis: {sum(SENT.values())} generated requests over {len(SENT)} operations")


def test_the_tested_document_is_the_served_one(anon):
    served = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert served == json.loads(json.dumps(served_document()))


def broken_rule(case) -> str | None:
    """The parameter a valid-looking request gets its 400 for when it breaks a rule OpenAPI 3.0 can only
    describe in words (search: offset + limit at most 1000; from not after to; the changes feed's
    `since` must be a cursor the feed handed out), so schemathesis generates such requests as valid ones."""
    query = {name: value for name, value in (case.query or {}).items() if value not in ("", None)}
    if case.path == "/api/v1/search/" and int(query.get("offset", 0)) + int(query.get("limit", 10)) > MAX_WINDOW:
        return "offset"
    if "from" in query and "to" in query and str(query["to"]) < str(query["from"]):
        return "to"
    if case.path == "/api/v1/changes/" and "since" in query:
        return "since"  # an opaque cursor is valid only as this feed returned it; generated ones never are
    return None


def call_and_validate(case, headers: dict) -> None:
    SENT[case.operation.label] += 1
    rule = broken_rule(case) if case.meta.generation.mode == GenerationMode.POSITIVE else None
    if rule is None:
        case.call_and_validate(headers=headers)
        return
    # Every other check still runs; only "a schema-valid request is accepted" cannot hold here.
    response = case.call(headers=headers)
    assert response.status_code == 400 and response.json()["error"]["field"] == rule, response.text
    case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])


@schema.parametrize()
# The fixtures are read-only setup (a key, pages) shared by every generated request on purpose; and a
# busy CI machine must not turn slow generation into a failure (these health checks judge the test's
# inputs, not the API).
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_api_keeps_to_its_openapi_document(case, key, pages):
    headers = {"Authorization": f"Api-Key {key}"}
    call_and_validate(case, headers)
    if "id" in (case.path_parameters or {}) and case.meta.generation.mode == GenerationMode.POSITIVE:
        # Random ids are 404s; the same request for a page that exists checks the detail's answer.
        case.path_parameters["id"] = pages[case.path.split("/")[3]].pk
        call_and_validate(case, headers)
