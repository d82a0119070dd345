"""Tracking codes: format, look-up with the secret, rate limiting and logging."""

import datetime
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connections, transaction

from sunshine.audit.actions import create_row
from sunshine.petitions import actions, tracking
from sunshine.petitions.models import Category, Channel, EventAction, Kind
from sunshine.rules.models import Setting
from tests.conftest import region

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"
OTHER_IP = "198.51.100.9"


@pytest.fixture(autouse=True)
def empty_cache(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def filed(db):
    with transaction.atomic():
        category = create_row(None, Category(code="roads", name="道路"))
    return actions.register(None, kind=Kind.SUGGESTION, category=category, channel=Channel.WEB,
                            region=region("331002001"), text="建议增设路灯", is_anonymous=True)


def test_code_is_long_and_unambiguous(filed):
    petition, secret = filed

    assert len(petition.tracking_code) == 12
    assert len(secret) == 10
    for text in (petition.tracking_code, secret):
        assert set(text) <= set(tracking.ALPHABET)
        assert not set(text) & set("01ILO")


def test_codes_differ():
    codes = {tracking.random_text(tracking.CODE_LENGTH) for _ in range(200)}

    assert len(codes) == 200


def test_secret_not_stored(filed):
    petition, secret = filed

    assert secret not in petition.secret_hash
    assert petition.secret_hash == tracking.secret_hash(petition.tracking_code, secret)


def test_lookup_with_right_secret(filed):
    petition, secret = filed

    assert tracking.lookup(petition.tracking_code, secret, client_ip=IP) == petition


def test_lookup_accepts_printed_form(filed):
    petition, secret = filed
    printed = tracking.format_code(petition.tracking_code).lower()

    assert printed.count("-") == 2
    assert tracking.lookup(printed, f" {secret.lower()} ", client_ip=IP) == petition


def test_wrong_secret_and_unknown_code_look_alike(filed):
    petition, secret = filed
    wrong = "2" * tracking.SECRET_LENGTH if secret != "2" * 10 else "3" * 10

    assert tracking.lookup(petition.tracking_code, wrong, client_ip=IP) is None
    assert tracking.lookup("ZZZZZZZZZZZZ", secret, client_ip=IP) is None


def test_secret_of_other_petition_fails(filed):
    petition, _ = filed
    other, other_secret = actions.register(
        None, kind=Kind.SUGGESTION, category=petition.category, channel=Channel.WEB,
        region=region("331002001"), text="另一条建议", is_anonymous=True,
    )

    assert tracking.lookup(petition.tracking_code, other_secret, client_ip=IP) is None
    assert tracking.lookup(other.tracking_code, other_secret, client_ip=IP) == other


def test_code_locked_after_failures(filed):
    petition, secret = filed
    for _ in range(5):
        assert tracking.lookup(petition.tracking_code, "WRONGWRONG", client_ip=OTHER_IP) is None

    with pytest.raises(tracking.TrackingLocked) as error:
        tracking.lookup(petition.tracking_code, secret, client_ip=OTHER_IP)

    assert "10:15" in str(error.value)
    assert 14 * 60 < error.value.retry_after_seconds() <= 15 * 60


def test_guesses_of_others_keep_reporter_in(filed):
    petition, secret = filed
    for _ in range(5):
        tracking.lookup(petition.tracking_code, "WRONGWRONG", client_ip=OTHER_IP)

    assert tracking.lookup(petition.tracking_code, secret, client_ip=IP) == petition


def test_attacked_code_forgives_one_typing_error(filed):
    petition, secret = filed
    for _ in range(5):
        tracking.lookup(petition.tracking_code, "WRONGWRONG", client_ip=OTHER_IP)

    assert tracking.lookup(petition.tracking_code, "WRONGWRONG", client_ip=IP) is None
    assert tracking.lookup(petition.tracking_code, secret, client_ip=IP) == petition
    assert tracking.lookup(petition.tracking_code, "WRONGWRONG", client_ip=IP) is None
    with pytest.raises(tracking.TrackingLocked):
        tracking.lookup(petition.tracking_code, secret, client_ip=IP)


def test_parallel_failures_beyond_limit_are_locked(db):
    barrier = threading.Barrier(12)

    def guess(number: int) -> str:
        barrier.wait()
        try:
            found = tracking.lookup("ZZZZZZZZZZZZ", f"WRONG{number:05d}", client_ip=IP)
            return "found" if found else "no match"
        except tracking.TrackingLocked:
            return "locked"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(guess, range(12)))

    assert outcomes.count("no match") == 5
    assert outcomes.count("locked") == 7


def test_full_width_code_is_folded(filed):
    petition, secret = filed
    full_width = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in tracking.ALPHABET})
    typed = "\u3000".join([petition.tracking_code[:6], petition.tracking_code[6:]])

    found = tracking.lookup(typed.translate(full_width), f"{secret[:5]}\uff0d{secret[5:]}",
                            client_ip=IP)

    assert found == petition


def test_address_locked_after_failures(filed):
    petition, secret = filed
    for number in range(20):
        tracking.lookup(f"ZZZZZZZZZZ{number:02d}", "WRONGWRONG", client_ip=IP)

    with pytest.raises(tracking.TrackingLocked):
        tracking.lookup(petition.tracking_code, secret, client_ip=IP)
    assert tracking.lookup(petition.tracking_code, secret, client_ip=OTHER_IP) == petition


def test_lockout_ends(filed, time_machine):
    petition, secret = filed
    for _ in range(5):
        tracking.lookup(petition.tracking_code, "WRONGWRONG", client_ip=IP)

    time_machine.shift(datetime.timedelta(minutes=16))

    assert tracking.lookup(petition.tracking_code, secret, client_ip=IP) == petition


def test_thresholds_are_settings(filed):
    petition, secret = filed
    Setting.objects.create(key=tracking.MAX_FAILURES_PER_CODE, value=2,
                           effective_from=datetime.date(2026, 1, 1))
    for _ in range(2):
        tracking.lookup(petition.tracking_code, "WRONGWRONG", client_ip=IP)

    with pytest.raises(tracking.TrackingLocked):
        tracking.lookup(petition.tracking_code, secret, client_ip=IP)


def test_failures_logged_without_secret(filed, caplog):
    caplog.set_level(logging.INFO, logger="sunshine.petitions.tracking")
    petition, _ = filed

    tracking.lookup(petition.tracking_code, "WRONGWRONG", client_ip=IP)

    text = " ".join(r.getMessage() for r in caplog.records)
    assert "tracking look-up failed" in text
    assert "WRONGWRONG" not in text
    assert petition.tracking_code not in text
    assert IP not in text


def test_public_events_for_reporter(filed):
    petition, _ = filed

    events = list(tracking.public_events(petition))

    assert [e.action for e in events] == [EventAction.REGISTER]


def test_locked_message_in_chinese(filed):
    from django.utils import translation

    petition, _ = filed
    for _ in range(5):
        tracking.lookup(petition.tracking_code, "WRONGWRONG", client_ip=IP)

    with translation.override("zh-hans"), pytest.raises(tracking.TrackingLocked) as error:
        tracking.lookup(petition.tracking_code, "WRONGWRONG", client_ip=IP)

    assert "查询失败次数过多" in str(error.value)


def test_random_text_uses_whole_alphabet():
    drawn = [tracking.random_text(12) for _ in range(2000)]

    assert all(len(text) == 12 for text in drawn)
    assert set("".join(drawn)) == set(tracking.ALPHABET)
