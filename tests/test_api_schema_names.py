"""OpenAPI component names: one per schema class, so no body or response hides another."""

from collections import defaultdict

import pytest
from ninja import Schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def components(client) -> dict[str, dict]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()["components"]["schemas"]


def product_schemas() -> dict[str, list[type[Schema]]]:
    """Return the product's Schema subclasses by class name, the name ninja gives components."""
    found: dict[str, list[type[Schema]]] = defaultdict(list)
    pending: list[type] = [Schema]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("sunshine."):
                found[subclass.__name__].append(subclass)
    return found


def test_each_component_name_has_one_class(components):
    schemas = product_schemas()

    shared = {name: [f"{c.__module__}.{c.__qualname__}" for c in schemas[name]]
              for name in components if len(schemas.get(name, [])) > 1}

    assert shared == {}


def test_each_component_matches_its_class(components):
    schemas = product_schemas()

    for name, component in components.items():
        if name not in schemas:
            continue
        expected = set(schemas[name][0].model_json_schema()["properties"])
        assert set(component["properties"]) == expected, name


def test_citizen_report_body_has_report_fields(client):
    document = client.get("/api/v1/openapi.json").json()
    body = document["paths"]["/api/v1/reports/"]["post"]["requestBody"]
    reference = body["content"]["application/json"]["schema"]["$ref"]

    component = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]

    assert {"kind", "category", "region", "text"} <= set(component["properties"])
    assert "percent" not in component["properties"]


def test_progress_report_body_has_progress_fields(client):
    document = client.get("/api/v1/openapi.json").json()
    body = document["paths"]["/api/v1/tasks/{task_id}/progress-reports/"]["post"]["requestBody"]
    reference = body["content"]["application/json"]["schema"]["$ref"]

    component = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]

    assert {"percent", "text", "as_of"} <= set(component["properties"])
    assert "kind" not in component["properties"]
