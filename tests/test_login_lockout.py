"""Login failure handling on /accounts/login/ and /admin/login/: locks per username and address."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.organisation import lockout
from sunshine.rules.actions import add_setting

pytestmark = pytest.mark.django_db

PASSWORD = "x-Pass-9271"
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
ADDRESS = "203.0.113.5"
LOGIN = reverse("login")


@pytest.fixture(autouse=True)
def setup(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    yield
    cache.clear()


def login(username: str, password: str, *, address: str = ADDRESS, url: str = LOGIN, **headers):
    return Client().post(url, {"username": username, "password": password},
                         REMOTE_ADDR=address, **headers)


def fail(times: int, username: str = "operator_a", **kwargs) -> list[int]:
    return [login(username, "wrong", **kwargs).status_code for _ in range(times)]


def test_fifth_failure_locks_username(operator_a):
    assert fail(5) == [200] * 5

    response = login("operator_a", PASSWORD)

    body = response.content.decode()
    assert response.status_code == 429
    assert "登录失败次数过多" in body
    assert "17:30" in body  # 09:00 UTC plus 30 minutes, in Asia/Shanghai
    assert "30" in body
    assert "_auth_user_id" not in response.client.session


def test_lock_past_midnight_names_the_date(operator_a, time_machine):
    # 15:50 UTC is 23:50 in Asia/Shanghai, so the lock ends after local midnight.
    time_machine.move_to(NOW.replace(hour=15, minute=50), tick=False)
    fail(5)

    body = login("operator_a", PASSWORD).content.decode()

    assert "2026-03-03 00:20" in body


def test_four_failures_do_not_lock(operator_a):
    fail(4)

    response = login("operator_a", PASSWORD)

    assert response.status_code == 302


def test_lock_ends_after_lockout_minutes(operator_a, time_machine):
    fail(5)
    time_machine.move_to(NOW + datetime.timedelta(minutes=29), tick=False)
    assert login("operator_a", PASSWORD).status_code == 429

    time_machine.move_to(NOW + datetime.timedelta(minutes=31), tick=False)

    assert login("operator_a", PASSWORD).status_code == 302


def test_failures_outside_window_expire(operator_a, time_machine):
    fail(4)
    time_machine.move_to(NOW + datetime.timedelta(minutes=16), tick=False)
    fail(4)

    assert login("operator_a", PASSWORD).status_code == 302


def test_successful_login_clears_username_count(operator_a):
    fail(4)
    assert login("operator_a", PASSWORD).status_code == 302

    fail(4)

    assert login("operator_a", PASSWORD).status_code == 302


def test_username_lock_spares_other_addresses(operator_a):
    fail(5)

    elsewhere = login("operator_a", PASSWORD, address="198.51.100.9")
    here = login("operator_a", PASSWORD)

    assert elsewhere.status_code == 302
    assert here.status_code == 429


def test_failures_from_other_addresses_do_not_add_up(operator_a):
    for number in range(5):
        fail(4, address=f"198.51.100.{number + 1}")

    assert login("operator_a", PASSWORD).status_code == 302


def test_login_elsewhere_keeps_lock_of_address(operator_a):
    fail(5)
    assert login("operator_a", PASSWORD, address="198.51.100.9").status_code == 302

    assert login("operator_a", PASSWORD).status_code == 429


def test_username_limit_is_a_versioned_setting(operator_a):
    add_setting(None, "auth.login_max_failures_per_username", 3,
                effective_from=datetime.date(2026, 1, 1))
    fail(3)

    assert login("operator_a", PASSWORD).status_code == 429
    assert login("operator_a", PASSWORD, address="198.51.100.9").status_code == 302


def test_address_limit_is_a_versioned_setting(operator_a, operator_b):
    add_setting(None, "auth.login_max_failures_per_address", 6,
                effective_from=datetime.date(2026, 1, 1))
    for number in range(6):
        login(f"guess{number}", "wrong")

    assert login("operator_b", PASSWORD).status_code == 429
    assert login("operator_b", PASSWORD, address="198.51.100.9").status_code == 302


def test_address_lock_after_twenty_failures(operator_a, operator_b):
    for number in range(20):
        assert login(f"guess{number}", "wrong").status_code == 200

    assert login("operator_b", PASSWORD).status_code == 429
    assert login("operator_a", PASSWORD, address="198.51.100.9").status_code == 302


def test_address_behind_trusted_proxy(operator_a, operator_b, settings):
    settings.SUNSHINE_TRUSTED_PROXIES = ["10.0.0.1"]
    for number in range(20):
        login(f"guess{number}", "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR=ADDRESS)

    locked = login("operator_b", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR=ADDRESS)
    other = login("operator_a", PASSWORD, address="10.0.0.1",
                  HTTP_X_FORWARDED_FOR="198.51.100.9")

    assert locked.status_code == 429
    assert other.status_code == 302


def test_admin_login_is_locked_too(city_admin):
    city_admin.is_staff = True
    city_admin.save()
    admin_login = reverse("admin:login")
    fail(5, "city_admin", url=admin_login)

    response = login("city_admin", PASSWORD, url=admin_login)

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_full_width_username_meets_the_lock(operator_a):
    fail(5)

    response = login("ｏｐｅｒａｔｏｒ＿ａ", PASSWORD)

    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_lock_message_in_english(operator_a):
    fail(5)

    response = login("operator_a", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")

    assert "Too many failed logins" in response.content.decode()


def test_lock_is_audited(operator_a):
    fail(5)
    login("operator_a", PASSWORD)

    locks = AuditEntry.objects.filter(action="login_locked")
    assert locks.count() == 1
    assert locks.get().changes["username"] == "operator_a"
    assert locks.get().changes["locked"] == "username"
    assert AuditEntry.objects.filter(action="login_failed",
                                     changes__username="operator_a").count() == 6
    assert verify() == []


def test_failure_during_lock_does_not_extend_it(operator_a, time_machine):
    fail(5)
    time_machine.move_to(NOW + datetime.timedelta(minutes=20), tick=False)
    fail(3)

    time_machine.move_to(NOW + datetime.timedelta(minutes=31), tick=False)

    assert login("operator_a", PASSWORD).status_code == 302


def test_backend_rejects_locked_username_without_form(operator_a, rf):
    fail(5)
    request = rf.post(LOGIN, REMOTE_ADDR=ADDRESS)
    elsewhere = rf.post(LOGIN, REMOTE_ADDR="198.51.100.9")

    with pytest.raises(lockout.LoginLocked):
        lockout.LockoutModelBackend().authenticate(request, username="operator_a",
                                                   password=PASSWORD)
    assert lockout.LockoutModelBackend().authenticate(
        elsewhere, username="operator_a", password=PASSWORD) == operator_a


def username_key(username: str) -> str:
    return lockout.username_subject(username, ADDRESS).key


def test_ended_window_kept_by_cache_is_not_counted(operator_a):
    # A cache on its own clock (Redis) may still contain a window the application's clock has ended.
    start = NOW - datetime.timedelta(minutes=16)
    key = username_key("operator_a")
    cache.set(f"{key}:start", start, 3600)
    cache.set(lockout._counter_key(key, start), 4, 3600)

    fail(4)

    assert login("operator_a", PASSWORD).status_code == 302


def test_ended_lock_in_cache_allows_relock(operator_a):
    cache.set(f"{username_key('operator_a')}:lock", NOW - datetime.timedelta(minutes=1), 3600)
    assert login("operator_a", PASSWORD).status_code == 302

    fail(5)

    assert login("operator_a", PASSWORD).status_code == 429
    assert AuditEntry.objects.filter(action="login_locked").count() == 1
