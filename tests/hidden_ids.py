"""Helpers for tests that compare a page for an out-of-scope id with the page for an unknown id.

A staff page must return the same status and body for a row the user may
not read as for an id no row has, so trying ids does not reveal which rows
exist in other regions.
"""

import re

from django.db.models import Max
from django.test import Client


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def unknown_id(model) -> int:
    """Return an id above every row of ``model``, so no row has it."""
    highest = model._base_manager.aggregate(highest=Max("pk"))["highest"] or 0
    return highest + 1000


def page_text(response, url: str) -> str:
    """Return the page without its address and its per-request CSRF token."""
    text = response.content.decode().replace(url, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def fetch(client: Client, method: str, url: str, data: dict | None):
    send = getattr(client, method)
    return send(url, data) if data is not None else send(url)


def assert_looks_unknown(client: Client, method: str, hidden_url: str, missing_url: str,
                         data: dict | None = None) -> None:
    """Assert that both addresses return 404 with the same page, apart from the address."""
    hidden = fetch(client, method, hidden_url, data)
    missing = fetch(client, method, missing_url, data)

    assert hidden.status_code == 404
    assert missing.status_code == 404
    assert page_text(hidden, hidden_url) == page_text(missing, missing_url)
