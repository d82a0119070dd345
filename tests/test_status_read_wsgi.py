"""Repeated status reads through the WSGI application, as gunicorn calls it.

``sunshine.wsgi.application`` serves a kept status read before Django
builds a request. Each test counts Django's ``request_started`` signal to
tell whether a read went down the full stack.
"""

import json
from typing import Any

import pytest
from django.core.cache import cache

from tests.petition_web_data import NOW, file_by_api
from tests.wsgi_calls import call

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def filed(client, township_unit):
    return file_by_api(client)


def read(filed, secret: str | None = None, **extra: Any):
    return call(f"{REPORTS}{filed['tracking_code']}/",
                x_tracking_secret=secret or filed["secret"], **extra)


def test_kept_read_skips_the_stack(filed, full_stack_calls):
    first = read(filed)
    calls_after_first = len(full_stack_calls)

    second = read(filed)

    assert first[0] == second[0] == "200 OK"
    assert calls_after_first == 1
    assert len(full_stack_calls) == 1
    assert second[2] == first[2]
    assert json.loads(second[2])["state"] == "received"


def test_kept_read_has_full_headers(filed):
    first = read(filed)
    second = read(filed)

    assert second[1] == first[1]
    assert second[1]["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in second[1]["Cache-Control"]
    assert "Set-Cookie" not in second[1]


def test_middleware_skips_a_tried_read(filed):
    read(filed)
    environ: dict = {}

    status, _headers, _body = read(filed, secret="2222222222", seen=environ)

    assert status.startswith("404")
    assert environ["sunshine.status_read_tried"] is True


def test_wrong_secret_takes_full_stack(filed, full_stack_calls):
    read(filed)

    wrong = read(filed, secret="2222222222")

    assert wrong[0].startswith("404")
    assert len(full_stack_calls) == 2


def test_kept_read_in_english(filed, full_stack_calls):
    read(filed)
    first_english = read(filed, accept_language="en")
    english = read(filed, accept_language="en")

    assert len(full_stack_calls) == 2
    assert english[1]["Content-Language"] == "en"
    assert english[2] == first_english[2]
    assert json.loads(english[2])["state_label"] != json.loads(read(filed)[2])["state_label"]


def test_language_cookie_is_honoured(filed):
    read(filed, cookie="django_language=en")

    kept = read(filed, cookie="django_language=en")

    assert kept[1]["Content-Language"] == "en"


@pytest.mark.parametrize("extra", [{"query": "lang=en"}, {"authorization": "Bearer x"}])
def test_other_reads_take_full_stack(filed, full_stack_calls, extra):
    read(filed)

    read(filed, **extra)

    assert len(full_stack_calls) == 2


def test_unknown_host_takes_full_stack(filed, full_stack_calls):
    read(filed)

    status, _headers, _body = read(filed, host="attacker.example")

    assert status.startswith("400")
    assert len(full_stack_calls) == 2


def test_plain_http_takes_full_stack(filed, full_stack_calls, settings):
    # The full stack's SecurityMiddleware, built at import, keeps the test
    # settings and does not redirect here. What matters is which layer serves the read.
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    read(filed, x_forwarded_proto="https")
    read(filed, x_forwarded_proto="https")
    calls_over_https = len(full_stack_calls)

    read(filed, x_forwarded_proto="http")

    assert calls_over_https == 1
    assert len(full_stack_calls) == 2


def test_trailing_newline_takes_full_stack(filed, full_stack_calls):
    read(filed)

    status, _headers, _body = call(f"{REPORTS}{filed['tracking_code']}/\n",
                                   x_tracking_secret=filed["secret"])

    assert status.startswith("404")
    assert len(full_stack_calls) == 2


def test_lockout_applies_to_kept_reads(filed):
    from sunshine.rules.values import get_setting

    read(filed)
    for _ in range(get_setting("petitions.tracking_max_failures_per_code")):
        read(filed, secret="2222222222")

    locked = read(filed)

    assert locked[0].startswith("429")
