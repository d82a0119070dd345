"""Deferred registration: the report API's receipt first, the registrar's registration after.

Reports go through ``sunshine.wsgi.application`` as gunicorn calls it. The
first report of a process goes down the full stack, which registers it and
teaches the shortcut the response headers; later plainly valid reports are
answered before Django builds a request and wait as ``ReceivedReport`` rows
until ``register_waiting`` (the ``register_reports`` command) registers them.
"""

import datetime
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from sunshine.audit.actions import update_row
from sunshine.petitions import deferred_intake, status_reads
from sunshine.petitions.api import ReceiptOut
from sunshine.petitions.deferred_intake import intake_is_busy, register_one, register_waiting
from sunshine.petitions.models import Petition, ReceivedReport, State
from sunshine.rules.models import Setting
from tests.petition_web_data import NOW, PHONE, TOWNSHIP, make_categories
from tests.wsgi_calls import call

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"
Outcome = ReceivedReport.Outcome


@pytest.fixture(autouse=True)
def deferred(settings, time_machine, township_unit):
    time_machine.move_to(NOW, tick=False)
    settings.PETITIONS_DEFERRED_REGISTRATION = True
    status_reads.receipt_headers = None
    cache.clear()
    make_categories()
    yield
    status_reads.receipt_headers = None
    cache.clear()


def report(**fields) -> dict:
    body = {"kind": "request", "category": "roads", "region": TOWNSHIP, "text": "村口道路塌陷。"}
    return {**body, **fields}


def post(body, **headers: str):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    status, found, answer = call(REPORTS, method="POST", body=raw,
                                 content_type="application/json", **headers)
    return status, found, json.loads(answer) if answer else None


def status_of(receipt: dict, secret: str | None = None):
    status, _headers, body = call(f"{REPORTS}{receipt['tracking_code']}/",
                                  x_tracking_secret=secret or receipt["secret"])
    return status, json.loads(body)


def test_receipt_before_registration(full_stack_calls):
    first_status, first_headers, first = post(report())
    calls = len(full_stack_calls)

    status, headers, receipt = post(report(text="路灯不亮。"))

    assert first_status == status == "201 Created"
    assert len(full_stack_calls) == calls
    assert Petition.all_objects.filter(tracking_code=first["tracking_code"]).exists()
    assert not Petition.all_objects.filter(tracking_code=receipt["tracking_code"]).exists()
    waiting = ReceivedReport.objects.get(tracking_code=receipt["tracking_code"])
    assert waiting.outcome == Outcome.WAITING
    assert "路灯" not in waiting.payload
    assert receipt.keys() == first.keys()
    assert receipt["state"] == State.RECEIVED
    assert receipt["received_on"] == first["received_on"] == "2026-03-02"
    assert receipt["deadlines"]
    assert ReceiptOut.model_validate(receipt).model_dump(mode="json") == receipt
    assert {k: v for k, v in headers.items() if k != "Content-Length"} == {
        k: v for k, v in first_headers.items() if k != "Content-Length"}


def test_registrar_keeps_code_and_secret(township_unit):
    post(report())
    _status, _headers, receipt = post(report(name="王五", phone=PHONE))

    assert register_waiting() == 1

    petition = Petition.all_objects.get(tracking_code=receipt["tracking_code"])
    assert petition.assigned_unit == township_unit
    assert petition.received_on == datetime.date(2026, 3, 2)
    assert petition.decrypt_reporter() == {"name": "王五", "phone": PHONE}
    received = ReceivedReport.objects.get(tracking_code=receipt["tracking_code"])
    assert (received.outcome, received.petition, received.payload) == (
        Outcome.REGISTERED, petition, "")
    status, shown = status_of(receipt)
    assert status == "200 OK"
    assert shown["state"] == State.HANDLING or shown["steps"]
    assert register_waiting() == 0


def test_registration_keeps_received_day(time_machine):
    post(report())
    _status, _headers, receipt = post(report(text="路灯不亮。"))
    time_machine.move_to(NOW + datetime.timedelta(days=1), tick=False)

    register_waiting()

    petition = Petition.all_objects.get(tracking_code=receipt["tracking_code"])
    assert petition.received_on == datetime.date(2026, 3, 2)


def test_waiting_report_tracks_as_received():
    post(report())
    _status, _headers, receipt = post(report(text="路灯不亮。"))

    status, shown = status_of(receipt)
    wrong, _body = status_of(receipt, secret="2222222222")

    assert status == "200 OK"
    assert shown["state"] == State.RECEIVED
    assert shown["deadlines"] == receipt["deadlines"]
    assert shown["steps"] == shown["replies"] == []
    assert wrong.startswith("404")


def test_tracking_page_shows_a_waiting_report(client):
    post(report())
    _status, _headers, receipt = post(report(text="路灯不亮。"))

    response = client.post("/reports/track/", {"code": receipt["tracking_code"],
                                                "secret": receipt["secret"]})

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "petitions/track_received.html"
    assert str(State.RECEIVED.label) in response.content.decode()


def test_closed_matter_refused_at_registration(client):
    post(report(name="李四", phone=PHONE))
    closed = Petition.all_objects.get()
    with transaction.atomic():
        update_row(None, closed, {"state": State.CLOSED, "is_final": True,
                                  "closed_at": timezone.now()}, expected_version=None)
    _status, _headers, receipt = post(report(name="李四", phone=PHONE, text="同一事项再次反映"))

    register_waiting()

    received = ReceivedReport.objects.get(tracking_code=receipt["tracking_code"])
    assert received.outcome == Outcome.REFUSED
    assert "经复核办结" in received.refusal
    assert received.payload == ""
    status, shown = status_of(receipt)
    assert status == "200 OK"
    assert shown["state"] == State.NOT_ACCEPTED
    assert "经复核办结" in shown["steps"][0]["text"]
    page = client.post("/reports/track/", {"code": receipt["tracking_code"],
                                           "secret": receipt["secret"]})
    assert "经复核办结" in page.content.decode()


@pytest.mark.parametrize(("fields", "expected"), [
    ({"text": "  "}, "400"),
    ({"category": "nope"}, "400"),
    ({"region": "999999999"}, "400"),
    ({"name": "王五", "phone": "12345"}, "400"),
    ({"anonymous": True, "name": "王五"}, "400"),
    ({"name": "王五"}, "400"),
    ({"kind": "suggestion", "category": "graft"}, "400"),
    ({"reporter_name": "王五"}, "400"),
    ({"text": 12}, "400"),
    ({"person_name": "王海"}, "201"),
    ({"latitude": "28.65", "longitude": "121.42"}, "201"),
])
def test_other_bodies_take_the_full_stack(full_stack_calls, fields, expected):
    post(report())
    calls = len(full_stack_calls)

    status, _headers, answer = post(report(**fields))

    assert status.startswith(expected)
    assert len(full_stack_calls) == calls + 1
    assert not ReceivedReport.objects.exists()
    if expected == "400":
        assert answer["detail"]


def test_token_or_malformed_body_full_stack(full_stack_calls):
    post(report())
    calls = len(full_stack_calls)

    post(b"{not json")
    post(report(), authorization="Bearer nothing")
    post([report()])

    assert len(full_stack_calls) == calls + 3
    assert not ReceivedReport.objects.exists()


def test_allowance_shared_by_both_paths():
    Setting.objects.create(key="petitions.intake_max_per_ip", value=2,
                           effective_from=datetime.date(2020, 1, 1))
    first, _headers, _body = post(report())
    second, _headers, _body = post(report(text="路灯不亮。"))

    third, headers, answer = post(report(text="井盖缺失。"))

    assert (first, second) == ("201 Created", "201 Created")
    assert third.startswith("429")
    assert "Retry-After" in headers
    assert answer["detail"]
    assert ReceivedReport.objects.count() == 1


def test_setting_off_registers_at_once(settings):
    settings.PETITIONS_DEFERRED_REGISTRATION = False
    post(report())

    _status, _headers, receipt = post(report(text="路灯不亮。"))

    assert Petition.all_objects.filter(tracking_code=receipt["tracking_code"]).exists()
    assert not ReceivedReport.objects.exists()


def test_decided_report_not_registered_twice():
    post(report())
    post(report(text="路灯不亮。"))
    waiting = ReceivedReport.objects.get()

    assert register_one(waiting.pk) is True
    assert register_one(waiting.pk) is False
    assert Petition.all_objects.count() == 2


def test_command_registers_every_waiting_report(capsys):
    post(report())
    for text in ("路灯不亮。", "井盖缺失。", "垃圾未清运。"):
        post(report(text=text))

    call_command("register_reports", "--batch", "2")

    assert not ReceivedReport.objects.filter(outcome=Outcome.WAITING).exists()
    assert Petition.all_objects.count() == 4
    assert "3" in capsys.readouterr().out


def test_registrar_waits_during_a_burst(time_machine):
    post(report())
    post(report(text="路灯不亮。"))

    busy = intake_is_busy(quiet=1, max_wait=300)
    time_machine.move_to(NOW + datetime.timedelta(seconds=2), tick=False)
    quiet_again = intake_is_busy(quiet=1, max_wait=300)
    waited_enough = intake_is_busy(quiet=10, max_wait=1)

    assert busy is True
    assert quiet_again is False
    assert waited_enough is False


def test_command_rejects_a_zero_batch(capsys):
    with pytest.raises(SystemExit) as stopped:
        call_command("register_reports", "--batch", "0")

    assert stopped.value.code == 2
    assert "--batch" in capsys.readouterr().err


def test_unreadable_report_lets_later_ones_pass(caplog):
    post(report())
    post(report(text="路灯不亮。"))
    post(report(text="井盖缺失。"))
    broken, later = ReceivedReport.objects.order_by("id")
    ReceivedReport.objects.filter(pk=broken.pk).update(payload="not encrypted")

    first = register_waiting(limit=1)
    second = register_waiting(limit=1)

    assert (first, second) == (0, 1)
    assert ReceivedReport.objects.get(pk=broken.pk).outcome == Outcome.WAITING
    assert ReceivedReport.objects.get(pk=later.pk).outcome == Outcome.REGISTERED
    assert f"received report {broken.pk} could not be registered" in caplog.text
    deferred_intake._failed_until.clear()


@pytest.mark.parametrize(("scheme", "forwarded"), [
    ("http", None), ("https", None), ("http", "https"), ("https", "http"),
])
def test_scheme_read_as_django_reads_it(settings, rf, scheme, forwarded):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    extra = {} if forwarded is None else {"HTTP_X_FORWARDED_PROTO": forwarded}
    request = rf.post(REPORTS, secure=scheme == "https", **extra)

    assert status_reads.is_secure(request.META) is request.is_secure()
