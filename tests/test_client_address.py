"""Client addresses behind a reverse proxy, seen through the per-address limit on new reports.

The report form at /reports/new/ accepts one report per client address
here, so a second report from the same address gets 429 and one from
another address gets 201.
"""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, RequestFactory
from django.urls import reverse

from sunshine.lib.client_address import client_ip, limit_subject
from sunshine.rules.models import Setting
from tests.petition_web_data import NOW, make_categories, report_form

pytestmark = pytest.mark.django_db

URL = reverse("petitions:report_new")
PROXY = "10.0.0.1"
INNER_PROXY = "10.0.0.2"
CLIENT = "198.51.100.1"
OTHER_CLIENT = "198.51.100.2"


@pytest.fixture(autouse=True)
def setup(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path
    settings.SUNSHINE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    cache.clear()
    make_categories()
    Setting.objects.create(key="petitions.intake_max_per_ip", value=1,
                           effective_from=datetime.date(2020, 1, 1))
    yield
    cache.clear()


def send(peer: str, forwarded: str | None = None) -> int:
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(URL, report_form(), **headers).status_code


def test_untrusted_peer_header_is_ignored():
    first = send("203.0.113.9", forwarded=CLIENT)
    second = send("203.0.113.9", forwarded=OTHER_CLIENT)

    assert first == 201
    assert second == 429


def test_untrusted_peer_is_the_client():
    assert send("203.0.113.9") == 201
    assert send("203.0.113.10") == 201


def test_proxy_passes_client_address():
    assert send(PROXY, forwarded=CLIENT) == 201
    assert send(PROXY, forwarded=OTHER_CLIENT) == 201
    assert send(PROXY, forwarded=CLIENT) == 429


def test_forged_left_entries_are_ignored():
    assert send(PROXY, forwarded=CLIENT) == 201

    # The client wrote a made-up address; the proxy appended the real one.
    assert send(PROXY, forwarded=f"192.0.2.77, {CLIENT}") == 429


def test_chain_of_trusted_proxies():
    assert send(PROXY, forwarded=f"{CLIENT}, {INNER_PROXY}") == 201
    assert send(INNER_PROXY, forwarded=CLIENT) == 429


def test_ipv4_mapped_proxy_is_trusted():
    assert send(f"::ffff:{PROXY}", forwarded=CLIENT) == 201
    assert send(PROXY, forwarded=CLIENT) == 429


@pytest.mark.parametrize(("meta", "expected"), [
    ({"REMOTE_ADDR": PROXY}, PROXY),
    ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ""}, PROXY),
    ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": INNER_PROXY}, INNER_PROXY),
    ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-address"}, PROXY),
    ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{CLIENT}, junk"}, PROXY),
    ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": " 2001:db8::1 "}, "2001:db8::1"),
    ({"REMOTE_ADDR": ""}, "unknown"),
])
def test_client_ip_cases(meta, expected):
    request = RequestFactory().get("/", **meta)

    assert client_ip(request) == expected


def test_no_trusted_proxies_ignores_header(settings):
    settings.SUNSHINE_TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)

    assert client_ip(request) == PROXY


def test_invalid_proxy_setting_fails_check(settings):
    settings.SUNSHINE_TRUSTED_PROXIES = ["10.0.0.0/24", "proxy.example"]

    with pytest.raises(SystemCheckError, match="'proxy.example' is not an IP address"):
        call_command("check")


@pytest.mark.parametrize(("address", "subject"), [
    ("203.0.113.7", "203.0.113.7"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
    ("unknown", "unknown"),
])
def test_limit_subject_counts_an_ipv6_network_as_one_client(address, subject):
    assert limit_subject(address) == subject


def test_rotating_addresses_in_one_ipv6_network_share_the_limit():
    first = send(PROXY, "2001:db8:1:2::1")
    rotated = send(PROXY, "2001:db8:1:2::2")
    other_network = send(PROXY, "2001:db8:1:3::1")

    assert (first, rotated, other_network) == (201, 429, 201)
