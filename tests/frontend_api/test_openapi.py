"""The OpenAPI document: complete, self-hosted docs, and real answers validate against it."""

import datetime

import jsonschema
import pytest

from plugins.events.factories import EventPageFactory
from plugins.funding.factories import FundingPageFactory, a_round
from plugins.projects.factories import ProjectPageFactory
from plugins.reports.factories import ExperienceReportPageFactory
from tests.content_types import FACTORIES, TYPES
from tests.frontend_api.conftest import assert_error
from tests.frontend_api.content import body_with_everything, document, image, snippets, translate


@pytest.fixture
def openapi(anon):
    response = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def to_json_schema(node):
    """OpenAPI 3.0 schema objects as JSON Schema: `nullable` becomes a null alternative, and objects
    forbid properties the document does not name (so undocumented fields fail validation)."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: to_json_schema(value) for key, value in node.items() if key != "discriminator"}
    if "oneOf" in converted and "discriminator" not in node:
        converted["anyOf"] = converted.pop(
            "oneOf"
        )  # spectacular's oneOf [uri, empty] overlap without formats
    if converted.get("type") == "object" and "properties" in converted:
        converted.setdefault("additionalProperties", False)
    if converted.pop("nullable", False):
        converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def validate(openapi, component: str, data) -> None:
    root = {
        "$ref": f"#/components/schemas/{component}",
        "components": {"schemas": to_json_schema(openapi["components"]["schemas"])},
    }
    jsonschema.Draft7Validator(root).validate(data)


def response_component(openapi, path: str, status: str = "200") -> str:
    content = openapi["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    return content["$ref"].rsplit("/", 1)[1]


def test_every_endpoint_is_documented(openapi):
    paths = set(openapi["paths"])
    assert {f"/api/v1/{t}/" for t in TYPES} | {f"/api/v1/{t}/{{id}}/" for t in TYPES} <= paths
    assert {"/api/v1/search/", "/api/v1/search/suggest/", "/api/v1/health/"} <= paths
    assert all(path.startswith("/api/v1/") for path in paths), "only the partner API, not the admin's"
    assert openapi["components"]["securitySchemes"]["PartnerKey"]["name"] == "Authorization"


@pytest.mark.parametrize("type_name", TYPES)
def test_parameters_and_errors_of_lists_and_details(openapi, type_name):
    listing = openapi["paths"][f"/api/v1/{type_name}/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {
        "locale",
        "limit",
        "offset",
        "topic",
        "region",
        "fields",
        "Accept-Language",
        "If-None-Match",
    } <= names
    limit = next(p for p in listing["parameters"] if p["name"] == "limit")["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 100, 20)
    assert {"200", "304", "400", "401", "429"} <= set(listing["responses"])
    assert "Retry-After" in listing["responses"]["429"]["headers"]
    assert "ETag" in listing["responses"]["200"]["headers"]
    assert listing["security"] == [{"PartnerKey": []}]
    detail = openapi["paths"][f"/api/v1/{type_name}/{{id}}/"]["get"]
    assert {"200", "304", "400", "401", "404", "429"} <= set(detail["responses"])
    assert listing["operationId"] == f"{type_name}_list" and detail["operationId"] == f"{type_name}_detail"


def test_type_specific_parameters(openapi):
    events = {p["name"] for p in openapi["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert {"from", "to", "upcoming"} <= events
    status = next(
        p for p in openapi["paths"]["/api/v1/funding/"]["get"]["parameters"] if p["name"] == "status"
    )
    assert set(status["schema"]["enum"]) == {"open", "upcoming", "closed"}
    search = {p["name"]: p for p in openapi["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert search["q"]["required"] and search["q"]["schema"]["maxLength"] == 200
    assert set(search["type"]["schema"]["items"]["enum"]) == set(TYPES)


def test_the_docs_are_served_by_the_hub_itself(anon):
    html = anon.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    assert "/api/v1/schema/" in html


def test_the_schema_is_yaml_by_default_for_tools(anon):
    response = anon.get("/api/v1/schema/")
    assert response.status_code == 200 and response.content.startswith(b"openapi: 3")


@pytest.fixture
def content(api):
    data = snippets()
    target = ProjectPageFactory(title="Ziel")
    picture, doc = image(), document()
    common = {
        "topics": [data["topic"]],
        "regions": [data["city"]],
        "contacts": [data["contact"]],
        "lead_image": picture,
        "lead_image_alt": "Alt",
        "body": body_with_everything(linked_page=target, linked_document=doc, picture=picture),
    }
    event = EventPageFactory(
        organiser=data["organisation"],
        **common,
        agenda=[
            (
                "item",
                {
                    "start_time": datetime.time(9),
                    "end_time": None,
                    "title": "Start",
                    "description": "",
                    "speakers": "",
                },
            )
        ],
        documentation=[("heading", "Rückblick")],
        attachments=[("attachment", {"document": doc, "title": "", "description": ""})],
    )
    translate(event, {})
    pages = {
        "events": event,
        "projects": ProjectPageFactory(**common),
        "reports": ExperienceReportPageFactory(
            author_organisation=data["organisation"], quote_text="Zitat", **common
        ),
        "funding": FundingPageFactory(
            rounds=[a_round(-3, 3)], funder=data["organisation"], amount_max=500, **common
        ),
    }
    for name, factory in FACTORIES.items():  # and any other registered type, as its factory makes it
        if name not in pages:
            pages[name] = factory(**common)
    return pages


@pytest.mark.parametrize("type_name", TYPES)
def test_real_answers_validate_against_the_schema(api, openapi, content, type_name):
    listing = api.json(f"/api/v1/{type_name}/")
    assert listing["results"]
    validate(openapi, response_component(openapi, f"/api/v1/{type_name}/"), listing)
    detail = api.json(f"/api/v1/{type_name}/{content[type_name].pk}/")
    validate(openapi, response_component(openapi, f"/api/v1/{type_name}/{{id}}/"), detail)


def test_search_suggest_health_and_errors_validate(api, anon, openapi, content):
    validate(
        openapi, response_component(openapi, "/api/v1/search/"), api.json("/api/v1/search/", {"q": "seite"})
    )
    validate(
        openapi,
        response_component(openapi, "/api/v1/search/suggest/"),
        api.json("/api/v1/search/suggest/", {"q": "sei"}),
    )
    validate(openapi, response_component(openapi, "/api/v1/health/"), anon.json("/api/v1/health/"))
    validate(openapi, "Error", api.json("/api/v1/events/", {"limit": 0}, status=400))
    validate(openapi, "Error", anon.json("/api/v1/events/", status=401))
    validate(openapi, "Error", api.json("/api/v1/events/987654/", status=404))




@pytest.mark.parametrize("type_name", TYPES)
def test_partial_answers_are_described_as_partial(api, openapi, type_name):
    page = FACTORIES[type_name]()
    listing = api.json(f"/api/v1/{type_name}/", {"fields": "title"})
    assert set(listing["results"][0]) == {"id", "type", "locale", "fallback", "title"}
    validate(openapi, response_component(openapi, f"/api/v1/{type_name}/"), listing)
    detail = api.json(f"/api/v1/{type_name}/{page.pk}/", {"fields": "title"})
    validate(openapi, response_component(openapi, f"/api/v1/{type_name}/{{id}}/"), detail)

    item = openapi["components"]["schemas"][response_component(openapi, f"/api/v1/{type_name}/")]
    item = openapi["components"]["schemas"][item["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert sorted(item["required"]) == ["fallback", "id", "locale", "type"]
    assert "`fields`" in item["description"] and "title" in item["properties"]
    full = openapi["components"]["schemas"][response_component(openapi, f"/api/v1/{type_name}/{{id}}/")]
    assert sorted(full["required"]) == ["fallback", "id", "locale", "translation_outdated", "type"]


def parameters(openapi, path: str) -> dict[str, dict]:
    return {p["name"]: p for p in openapi["paths"][path]["get"]["parameters"]}


def test_every_constraint_the_server_enforces_is_declared(openapi):
    listing = parameters(openapi, "/api/v1/events/")
    for name in ("topic", "region"):
        assert listing[name]["schema"]["pattern"] == "^[-a-zA-Z0-9_]{1,120}$"
    assert (listing["offset"]["schema"]["minimum"], listing["offset"]["schema"]["maximum"]) == (0, 999_999_999)
    assert listing["from"]["schema"]["format"] == "date"
    assert set(listing["locale"]["schema"]["enum"]) == {"de", "en"}
    # An empty optional parameter (`topic=`) counts as not given, and the document says so.
    assert all(p.get("allowEmptyValue") for p in listing.values() if p["in"] == "query")
    detail = parameters(openapi, "/api/v1/events/{id}/")
    assert detail["id"]["schema"] == {"type": "integer", "minimum": 1}

    search = parameters(openapi, "/api/v1/search/")
    assert (search["q"]["schema"]["minLength"], search["q"]["schema"]["maxLength"]) == (1, 200)
    assert search["q"]["required"] and "allowEmptyValue" not in search["q"]
    assert (search["limit"]["schema"]["maximum"], search["offset"]["schema"]["maximum"]) == (50, 999)
    assert "offset + limit at most 1000" in search["offset"]["description"]
    assert "offset + limit at most 1000" in search["limit"]["description"]
    assert search["topic"]["schema"]["pattern"] == listing["topic"]["schema"]["pattern"]
    suggest = parameters(openapi, "/api/v1/search/suggest/")
    assert (suggest["q"]["schema"]["maxLength"], suggest["limit"]["schema"]["maximum"]) == (100, 20)

    for path in ("/api/v1/events/", "/api/v1/search/", "/api/v1/topics/"):
        responses = openapi["paths"][path]["get"]["responses"]
        assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 1}
        for status in ("400", "401", "429"):
            assert responses[status]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    error = openapi["components"]["schemas"]["ErrorDetail"]
    assert sorted(error["required"]) == ["code", "detail"] and "field" in error["properties"]


def test_the_server_rejects_what_the_document_rules_out(api):
    """The declared bounds are the enforced ones (schemathesis checks this broadly; these are the
    cases the document declares in words or across parameters)."""
    assert_error(api.get("/api/v1/events/", {"offset": "1000000000"}), 400, "invalid_parameter", "offset")
    assert_error(api.get("/api/v1/events/", {"topic": "not a slug"}), 400, "invalid_parameter", "topic")
    assert_error(api.get("/api/v1/search/", {"q": "x", "offset": 995, "limit": 10}), 400, field="offset")
    assert api.get("/api/v1/search/", {"q": "x", "offset": 990, "limit": 10}).status_code == 200
    assert_error(api.get("/api/v1/search/", {"q": "x" * 201}), 400, field="q")


def test_a_search_answer_with_promoted_results_validates(api, openapi, content):
    from search.models import PromotedPage, Promotion

    page = next(iter(content.values()))
    promotion = Promotion(query="seite")
    promotion.pages = [PromotedPage(page=page)]
    promotion.save()
    answer = api.json("/api/v1/search/", {"q": "Seite"})
    assert answer["results"][0]["promoted"] is True and answer["results"][0]["id"] == page.pk
    validate(openapi, response_component(openapi, "/api/v1/search/"), answer)
    result = openapi["components"]["schemas"]["SearchResult"]
    assert "promoted" in result["required"] and result["properties"]["promoted"]["type"] == "boolean"
