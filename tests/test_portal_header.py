"""Links in the public portal header: fund search, report form, tracking, supervision days."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LINKS = {
    "portal:search": ("查项目", "Search projects"),
    "petitions:report_new": ("信访举报", "Send a report or petition"),
    "petitions:track": ("查询办理进展", "Follow a report"),
    "supervision:days": ("监督日", "Supervision days"),
}
PAGES = ["portal:search", "petitions:report_new", "supervision:days"]


def header_links(page: str) -> dict[str, str]:
    """Return the header navigation's links as {href: text}."""
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    nav = header.split("<nav", 1)[1].split("</nav>", 1)[0]
    return {href: text.strip() for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)}


@pytest.mark.parametrize("page_name", PAGES)
def test_header_links_in_chinese(client, page_name):
    page = client.get(reverse(page_name)).content.decode()

    links = header_links(page)

    for name, (chinese, _english) in LINKS.items():
        assert links.get(reverse(name)) == chinese


def test_header_links_in_english(client):
    page = client.get(reverse("portal:search"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    links = header_links(page)

    for name, (_chinese, english) in LINKS.items():
        assert links.get(reverse(name)) == english


def test_header_links_in_large_type(client):
    client.post(reverse("portal:large_type"), {"large_type": "on", "next": "/"})

    page = client.get(reverse("supervision:days")).content.decode()

    assert '<body class="portal large-type">' in page
    assert set(header_links(page)) == {reverse(name) for name in LINKS}


def test_header_links_resolve(client):
    page = client.get(reverse("portal:search")).content.decode()

    for href in header_links(page):
        response = client.get(href)
        assert response.status_code == 200, href
