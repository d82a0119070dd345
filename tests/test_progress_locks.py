"""Locked quarters: automatic locking, administrators' lock and unlock, and rejected reports."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.duties import actions
from sunshine.duties.locks import can_lock, lock_state
from sunshine.duties.models import Task
from sunshine.duties.periods import quarter
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Role
from sunshine.rules.models import Setting
from tests.conftest import region
from tests.duties_data import NOW, make_directive, make_leader, make_task

pytestmark = pytest.mark.django_db

Q4_2025 = quarter(2025, 4)
Q1_2026 = quarter(2026, 1)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def county_admin(django_user_model, unit_a):
    user = django_user_model.objects.create_user(username="county_admin", password="x-Pass-9271")
    Assignment.objects.create(user=user, role=Role.ADMINISTRATOR, unit=unit_a)
    return user


@pytest.fixture
def task(operator_a, unit_a):
    directive = make_directive(operator_a, unit_a, issued_on=datetime.date(2025, 10, 1))
    return make_task(operator_a, directive, "1", start=datetime.date(2025, 10, 1),
                     deadline=datetime.date(2026, 6, 30))


def submit(user, task, as_of, percent=30):
    return actions.submit_report(user, Task.objects.get(pk=task.pk), percent=percent,
                                 text="进展", as_of=as_of)


def test_quarter_locks_after_grace_days():
    county = region("331002")

    assert lock_state(county, Q4_2025, datetime.date(2026, 1, 14)).locked is False
    state = lock_state(county, Q4_2025, datetime.date(2026, 1, 15))
    assert state.locked is True
    assert state.automatic
    assert state.since == datetime.date(2026, 1, 15)
    assert lock_state(county, Q1_2026).locked is False


def test_grace_days_are_a_versioned_setting_per_county():
    county = region("331002")
    Setting.objects.create(key="duties.quarter_auto_lock_days", county=county, value=0,
                           effective_from=datetime.date(2025, 1, 1))

    assert lock_state(county, Q4_2025).locked is False
    assert lock_state(region("331003"), Q4_2025).locked is True


def test_locked_quarter_message_in_english(operator_a, task):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        submit(operator_a, task, datetime.date(2025, 12, 20))

    message = caught.value.messages[0]
    assert caught.value.code == "period_locked"
    assert "Q4 2025" in message
    assert "2025-10-01" in message
    assert "2025-12-31" in message
    assert "椒江区" in message
    assert "administrator" in message


def test_locked_message_in_chinese(operator_a, task):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        submit(operator_a, task, datetime.date(2025, 12, 20))

    message = caught.value.messages[0]
    assert "2025年第4季度" in message
    assert "已锁定" in message
    assert "管理员" in message


def test_administrator_unlocks_and_locks_a_quarter(operator_a, county_admin, task):
    actions.unlock_quarter(county_admin, region("331002"), Q4_2025, reason="补报四季度进展")
    report = submit(operator_a, task, datetime.date(2025, 12, 20))
    assert report.pk is not None

    actions.lock_quarter(county_admin, region("331002"), Q4_2025, reason="补报结束")
    assert lock_state(region("331002"), Q4_2025).locked is True
    entries = AuditEntry.objects.filter(object_type="duties.periodlock")
    assert list(entries.values_list("action", flat=True)) == ["unlock", "lock"]
    assert entries.last().changes["reason"] == "补报结束"
    assert verify() == []


def test_approval_is_rejected_once_the_quarter_locks(django_user_model, operator_a, county_admin,
                                                     task, unit_a):
    leader = make_leader(django_user_model, unit_a)
    report = submit(operator_a, task, datetime.date(2026, 3, 10))
    actions.lock_quarter(county_admin, region("331002"), Q1_2026)

    with pytest.raises(ValidationError) as caught:
        actions.approve_report(leader, report)

    assert caught.value.code == "period_locked"


def test_locks_are_per_county(operator_b, unit_b, county_admin):
    actions.lock_quarter(county_admin, region("331002"), Q1_2026)

    assert lock_state(region("331002"), Q1_2026).locked is True
    assert lock_state(region("331003"), Q1_2026).locked is False


def test_only_administrators_of_the_county_or_city_lock(operator_a, county_admin, city_admin):
    jiaojiang, huangyan = region("331002"), region("331003")

    assert can_lock(county_admin, jiaojiang)
    assert not can_lock(county_admin, huangyan)
    assert can_lock(city_admin, huangyan)
    assert not can_lock(operator_a, jiaojiang)
    with pytest.raises(PermissionDenied):
        actions.lock_quarter(operator_a, jiaojiang, Q1_2026)
    with pytest.raises(PermissionDenied):
        actions.lock_quarter(county_admin, huangyan, Q1_2026)


def test_deadline_cannot_move_out_of_a_locked_quarter(operator_a, unit_a):
    directive = make_directive(operator_a, unit_a, issued_on=datetime.date(2025, 10, 1))
    task = make_task(operator_a, directive, "1", start=datetime.date(2025, 10, 1),
                     deadline=datetime.date(2025, 12, 31))

    with pytest.raises(ValidationError) as caught:
        actions.update_task(operator_a, task, {"deadline": datetime.date(2026, 6, 30)},
                            expected_version=task.version)

    assert caught.value.code == "period_locked"


def test_city_units_lock_without_a_county(city_admin):
    city_unit = org_actions.create_unit(None, name="台州市农业农村局", kind="department",
                                        region=region("331000"))
    actions.lock_quarter(city_admin, None, Q1_2026)

    assert lock_state(None, Q1_2026).locked is True
    assert city_unit.region.county() is None


def lock_page(user):
    client = Client()
    client.force_login(user)
    return client


def test_lock_page_locks_and_lists_the_history(county_admin):
    client = lock_page(county_admin)
    url = reverse("duties:quarter_locks")
    page = client.get(url)
    assert page.status_code == 200
    assert [place.code for place, _states in page.context["table"]] == ["331002"]

    county = region("331002").pk
    response = client.post(url, {"county": county, "period": "2026Q1", "locked": "1",
                                 "reason": "一季度数据已报送"})

    assert response.status_code == 302
    assert lock_state(region("331002"), Q1_2026).locked is True
    assert "一季度数据已报送" in client.get(url).content.decode()


@pytest.mark.parametrize("period", ["2026", "2026Q7", "季度"])
def test_lock_page_rejects_a_bad_quarter(county_admin, period):
    response = lock_page(county_admin).post(
        reverse("duties:quarter_locks"), {"county": region("331002").pk, "period": period,
                                          "locked": "1"})

    assert response.status_code == 400
    assert period in response.content.decode()


def test_lock_page_rejects_another_county(county_admin):
    response = lock_page(county_admin).post(
        reverse("duties:quarter_locks"), {"county": region("331003").pk, "period": "2026Q1",
                                          "locked": "1"})

    assert response.status_code == 400
    assert lock_state(region("331003"), Q1_2026).locked is False


def test_lock_page_is_for_administrators(operator_a, county_admin):
    url = reverse("duties:quarter_locks")

    assert lock_page(operator_a).get(url).status_code == 403
    assert lock_page(county_admin).post(url, {"period": "2026Q1", "locked": "1"}
                                        ).status_code == 403
    assert lock_page(county_admin).put(url).status_code == 405


def test_city_administrator_locks_the_city_units(city_admin):
    response = lock_page(city_admin).post(reverse("duties:quarter_locks"),
                                          {"county": "", "period": "2026Q1", "locked": "1"})

    assert response.status_code == 302
    assert lock_state(None, Q1_2026).locked is True
