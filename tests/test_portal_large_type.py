"""The large-type switch for elderly readers at /large-type/."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

SWITCH = reverse("portal:large_type")
SEARCH = reverse("portal:search")


def test_it_turns_large_type_on_and_returns(client):
    response = client.post(SWITCH, {"large_type": "on", "next": SEARCH + "?q=路"})

    assert response.status_code == 302
    assert response["Location"] == SEARCH + "?q=%E8%B7%AF"
    assert response.cookies["sunshine_large_type"].value == "1"
    page = client.get(SEARCH).content.decode()
    assert '<body class="portal large-type">' in page
    assert 'value="off" aria-pressed="true"' in page


def test_it_turns_large_type_off(client):
    client.post(SWITCH, {"large_type": "on", "next": SEARCH})

    client.post(SWITCH, {"large_type": "off", "next": SEARCH})

    page = client.get(SEARCH).content.decode()
    assert '<body class="portal">' in page
    assert 'value="on" aria-pressed="false"' in page


def test_it_is_off_by_default(client):
    page = client.get(SEARCH).content.decode()

    assert '<body class="portal">' in page
    assert "大字模式" in page


def test_it_refuses_foreign_redirect(client):
    response = client.post(SWITCH, {"large_type": "on", "next": "https://example.com/"})

    assert response["Location"] == "/"


def test_it_switches_on_by_get(client):
    response = client.get(SWITCH, {"large_type": "on", "next": SEARCH})

    assert response.status_code == 302
    assert response.cookies["sunshine_large_type"].value == "1"


def test_it_rejects_other_methods(client):
    assert client.put(SWITCH).status_code == 405


def test_public_pages_carry_no_csrf_token(db):
    page = Client(enforce_csrf_checks=True).get(SEARCH).content.decode()

    assert "csrfmiddlewaretoken" not in page
