"""The OpenAPI document at /api/v1/openapi.json and the offline Swagger UI at /api/v1/docs."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_it_lists_the_paths(document):
    # Other areas add their own routers; their paths are checked in their own tests.
    assert set(document["paths"]) >= {
        "/api/v1/projects/",
        "/api/v1/projects/{code}/",
        "/api/v1/projects/{code}/timeline/",
    }
    assert list(document["paths"]["/api/v1/projects/"]) == ["get"]


def test_it_describes_the_schemas(document):
    schemas = document["components"]["schemas"]

    assert {"ProjectSummary", "ProjectDetail", "TimelineOut", "ErrorOut"} <= set(schemas)
    detail = schemas["ProjectDetail"]["properties"]
    for name in ["code", "name", "region_code", "budget", "allocated", "arrived", "paid",
                 "remaining", "arrival_rate", "spend_rate", "progress", "status", "currency"]:
        assert name in detail, name
    assert "four places" in detail["arrival_rate"]["description"]
    assert "two places" in detail["paid"]["description"]


def test_it_declares_the_optional_bearer_token(document):
    schemes = document["components"]["securitySchemes"]

    assert schemes["OptionalBearer"]["scheme"] == "bearer"
    assert "Optional" in schemes["OptionalBearer"]["description"]


def test_docs_use_bundled_swagger(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle" in response.content.decode()
    assert "cdn." not in response.content.decode()


def test_index_lists_operations_and_docs(client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    body = response.json()
    assert body["docs"] == "/api/v1/docs"
    assert body["openapi"] == "/api/v1/openapi.json"
    operations = {(o["method"], o["path"]): o["summary"] for o in body["operations"]}
    assert operations[("GET", "/api/v1/projects/")].startswith("List projects")
    assert ("POST", "/api/v1/reports/") in operations
    assert ("GET", "/api/v1/points/rankings/") in operations


def test_index_rejects_write_methods(client):
    response = client.post("/api/v1/")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
