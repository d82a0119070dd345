"""Bearer tokens on the JSON API: scope of operator_a (椒江区) vs operator_b (黄岩区), 401s."""

import pytest
from django.core.management import call_command

from sunshine.organisation.tokens import issue_token
from tests.portal_data import SECRETS, build_projects

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def projects(operator_a, unit_a, unit_b):
    return build_projects(operator_a, unit_a, unit_b)


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(None, user)}"}


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def test_token_lists_own_county_public_or_not(client, operator_a, projects):
    response = client.get(f"{API}/projects/", **bearer(operator_a))

    assert codes(response) == ["JJ-2025-001", "JJ-2025-099"]


def test_other_county_token_sees_only_its_county(client, operator_b, projects):
    response = client.get(f"{API}/projects/", **bearer(operator_b))

    assert codes(response) == ["HY-2025-001", "HY-2025-002"]


def test_token_opens_private_project_in_scope(client, operator_a, projects):
    response = client.get(f"{API}/projects/JJ-2025-099/", **bearer(operator_a))

    assert response.status_code == 200
    assert response.json()["is_public"] is False


def test_project_outside_scope_is_not_found(client, operator_b, projects):
    headers = bearer(operator_b)

    assert client.get(f"{API}/projects/JJ-2025-099/", **headers).status_code == 404
    assert client.get(f"{API}/projects/JJ-2025-001/", **headers).status_code == 404
    assert client.get(f"{API}/projects/JJ-2025-001/timeline/", **headers).status_code == 404


def test_township_token_sees_its_township_only(client, township_operator, projects):
    response = client.get(f"{API}/projects/", **bearer(township_operator))

    assert codes(response) == ["JJ-2025-001", "JJ-2025-099"]


def test_token_answers_are_not_cached(client, operator_a, projects):
    response = client.get(f"{API}/projects/JJ-2025-099/", **bearer(operator_a))

    assert response["Cache-Control"] == "private, no-store"


def test_token_answers_withhold_personal_data(client, operator_a, projects):
    headers = bearer(operator_a)
    for url in [f"{API}/projects/", f"{API}/projects/JJ-2025-001/",
                f"{API}/projects/JJ-2025-001/timeline/"]:
        text = client.get(url, **headers).content.decode()

        for secret in SECRETS:
            assert secret not in text


def test_token_from_create_token_command_works(client, operator_a, projects, capsys):
    call_command("create_token", "operator_a")
    token = capsys.readouterr().out.strip()

    response = client.get(f"{API}/projects/JJ-2025-099/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200


def test_invalid_token_is_unauthorized(client, projects):
    response = client.get(f"{API}/projects/", HTTP_AUTHORIZATION="Bearer sun_not-a-real-token",
                          HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert "token is invalid" in response.json()["detail"]


def test_invalid_token_message_is_chinese_by_default(client, projects):
    response = client.get(f"{API}/projects/", HTTP_AUTHORIZATION="Bearer wrong")

    assert response.status_code == 401
    assert "接口令牌无效" in response.json()["detail"]


def test_malformed_header_is_unauthorized(client, projects):
    for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "sun_abc"]:
        response = client.get(f"{API}/projects/", HTTP_AUTHORIZATION=header, data={"lang": "en"})

        assert response.status_code == 401, header
        assert "Bearer <token>" in response.json()["detail"], header


def test_token_of_inactive_user_is_unauthorized(client, operator_a, projects):
    headers = bearer(operator_a)
    operator_a.is_active = False
    operator_a.save()

    assert client.get(f"{API}/projects/", **headers).status_code == 401


def test_empty_header_counts_as_anonymous(client, projects):
    response = client.get(f"{API}/projects/", HTTP_AUTHORIZATION="")

    assert codes(response) == ["HY-2025-001", "JJ-2025-001"]
