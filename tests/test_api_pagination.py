"""Page numbers on every paginated list of the JSON API, found in the OpenAPI document."""

import pytest
from django.test import Client

from sunshine.api.pagination import MAX_PAGE, MAX_PAGE_SIZE
from sunshine.organisation.tokens import issue_token

pytestmark = pytest.mark.django_db

HUGE_PAGE = "99999999999999999999"


def paginated_lists(client: Client) -> list[str]:
    """Return the GET paths without path parameters that take a ``page`` query parameter."""
    document = client.get("/api/v1/openapi.json").json()
    paths = []
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        if "page" in names:
            paths.append(path)
    return paths


@pytest.fixture
def admin_client(city_admin) -> Client:
    # A 500 must show as a status here, not as an exception raised into the test.
    return Client(raise_request_exception=False,
                  HTTP_AUTHORIZATION=f"Bearer {issue_token(None, city_admin)}")


def test_schema_lists_the_paginated_lists(admin_client):
    paths = paginated_lists(admin_client)

    assert {"/api/v1/projects/", "/api/v1/tasks/", "/api/v1/petitions/",
            "/api/v1/points/"} <= set(paths)


def test_every_list_rejects_a_huge_page_naming_it(admin_client):
    for path in paginated_lists(admin_client):
        response = admin_client.get(path, {"page": HUGE_PAGE})

        assert response.status_code == 400, (path, response.status_code)
        assert HUGE_PAGE in response.json()["detail"], path


def test_page_past_the_bound_names_the_value(admin_client):
    for path in ["/api/v1/projects/", "/api/v1/tasks/", "/api/v1/petitions/"]:
        response = admin_client.get(path, {"page": str(MAX_PAGE + 1), "lang": "zh-hans"})

        assert response.status_code == 400, path
        assert f"“{MAX_PAGE + 1}”" in response.json()["detail"], path
        assert "page" in response.json()["detail"], path


def test_last_allowed_page_is_empty(admin_client):
    for path in ["/api/v1/projects/", "/api/v1/tasks/", "/api/v1/petitions/"]:
        response = admin_client.get(path, {"page": str(MAX_PAGE)})

        assert response.status_code == 200, path
        assert response.json()["items"] == [], path


def test_every_list_documents_the_page_size_cut(admin_client):
    document = admin_client.get("/api/v1/openapi.json").json()
    for path in paginated_lists(admin_client):
        parameters = document["paths"][path]["get"]["parameters"]
        page_size = next(p for p in parameters if p["name"] == "page_size")

        assert f"cut to {MAX_PAGE_SIZE}" in page_size["description"], path
