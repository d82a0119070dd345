"""Spot checks: secrecy until performed, reproducible draws, rectification on failure."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from sunshine.assessment import actions, draw
from sunshine.assessment.models import CheckStatus, Rating, SpotCheck
from sunshine.audit.verify import verify
from sunshine.duties import actions as duties_actions
from sunshine.duties.models import Task
from sunshine.duties.periods import quarter_of
from sunshine.notify.models import Notification
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Role
from sunshine.organisation.tokens import issue_token
from tests.assessment_data import JPEG, leader_a_fixture, perform, plan  # noqa: F401
from tests.conftest import make_staff, region
from tests.duties_data import make_person, upload

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admin_client(user) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="view_spotcheck"))
    return client_for(user)


def api_get(user, path: str):
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {issue_token(None, user)}")


@pytest.fixture
def check(inspector_a, unit_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return plan(inspector_a, unit_a)


@pytest.fixture
def target_staff(operator_a, leader_a):
    return [operator_a, leader_a]


def test_planned_check_hidden_from_target_pages(check, target_staff):
    for user in target_staff:
        client = client_for(user)
        listing = client.get(reverse("assessment:spot_check_list"))
        detail = client.get(reverse("assessment:spot_check_detail", args=[check.pk]))

        assert listing.status_code == 200
        assert check.title not in listing.content.decode()
        assert detail.status_code == 404


def test_planned_check_hidden_from_target_api(check, target_staff):
    for user in target_staff:
        listing = api_get(user, "/api/v1/assessment/spot-checks/")
        detail = api_get(user, f"/api/v1/assessment/spot-checks/{check.pk}/")

        assert listing.status_code == 200
        assert listing.json()["count"] == 0
        assert detail.status_code == 404


def test_planned_check_hidden_from_target_admin(check, target_staff):
    for user in target_staff:
        client = admin_client(user)
        listing = client.get(reverse("admin:assessment_spotcheck_changelist"))
        detail = client.get(reverse("admin:assessment_spotcheck_change", args=[check.pk]))

        assert check.title not in listing.content.decode()
        assert detail.status_code in (302, 404)


def test_planned_check_sends_nothing_to_target(check, target_staff, inspector_a):
    for user in target_staff:
        inbox = client_for(user).get(reverse("notify:inbox"))

        assert Notification.objects.filter(recipient=user).count() == 0
        assert check.title not in inbox.content.decode()
    assert Notification.objects.filter(recipient=inspector_a).count() == 1


def test_superuser_in_target_chain_sees_nothing(check, unit_a, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x-Pass-9271")
    org_actions.create_person(None, name="李四", unit=unit_a, user=boss)

    assert client_for(boss).get(
        reverse("assessment:spot_check_detail", args=[check.pk])).status_code == 404


@pytest.fixture
def township_check(inspector_a, township_unit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return plan(inspector_a, township_unit, title="海门街道暗访")


@pytest.fixture
def above_target(django_user_model, unit_a, leader_a):
    """A superuser administering the county government and its leader, both above the township."""
    boss = django_user_model.objects.create_superuser("county_boss", password="x-Pass-9271")
    Assignment.objects.create(user=boss, role=Role.ADMINISTRATOR, unit=unit_a)
    return [boss, leader_a]


def test_planned_check_hidden_above_target_pages(township_check, above_target):
    for user in above_target:
        client = client_for(user)
        listing = client.get(reverse("assessment:spot_check_list"))
        detail = client.get(reverse("assessment:spot_check_detail", args=[township_check.pk]))

        assert listing.status_code == 200, user
        assert township_check.title not in listing.content.decode(), user
        assert detail.status_code == 404, user


def test_planned_check_hidden_above_target_api(township_check, above_target):
    for user in above_target:
        listing = api_get(user, "/api/v1/assessment/spot-checks/")
        detail = api_get(user, f"/api/v1/assessment/spot-checks/{township_check.pk}/")

        assert listing.status_code == 200, user
        assert township_check.pk not in [row["id"] for row in listing.json()["items"]], user
        assert detail.status_code == 404, user


def test_planned_check_hidden_above_target_admin(township_check, above_target):
    for user in above_target:
        client = admin_client(user)
        listing = client.get(reverse("admin:assessment_spotcheck_changelist"))
        search = client.get(reverse("admin:assessment_spotcheck_changelist"),
                            {"q": township_check.title})
        change_url = reverse("admin:assessment_spotcheck_change", args=[township_check.pk])
        detail = client.get(change_url)

        assert township_check.title not in listing.content.decode(), user
        assert search.status_code == 200, user
        assert change_url not in search.content.decode(), user
        assert detail.status_code in (302, 404), user


def test_planned_check_hidden_from_notification_admin(township_check, above_target,
                                                     inspector_a):
    boss = above_target[0]
    notice = Notification.objects.get(recipient=inspector_a, key__contains=".planned")

    client = client_for(boss)
    listing = client.get(reverse("admin:notify_notification_changelist"))
    detail = client.get(reverse("admin:notify_notification_change", args=[notice.pk]))

    assert listing.status_code == 200
    assert township_check.title not in listing.content.decode()
    assert detail.status_code in (302, 404)


def test_planned_check_sends_nothing_above_target(township_check, above_target):
    for user in above_target:
        inbox = client_for(user).get(reverse("notify:inbox"))

        assert Notification.objects.filter(recipient=user).count() == 0, user
        assert township_check.title not in inbox.content.decode(), user


def test_superuser_sees_check_outside_own_line(inspector_a, above_target):
    other = org_actions.create_unit(None, name="章安街道办事处", kind="government",
                                    region=region("331002001"))
    outside = plan(inspector_a, other, title="章安街道暗访")
    boss = above_target[0]

    detail = client_for(boss).get(reverse("assessment:spot_check_detail", args=[outside.pk]))

    assert detail.status_code == 200


def test_check_cannot_be_performed_before_its_planning_day(check, inspector_a):
    with pytest.raises(ValidationError) as error:
        perform(inspector_a, check, performed_at=timezone.now() - datetime.timedelta(days=2))

    assert error.value.code == "before_planned"
    assert SpotCheck.objects.get(pk=check.pk).status == CheckStatus.PLANNED


def test_check_in_a_locked_quarter_cannot_be_recorded(check, inspector_a, django_user_model,
                                                      unit_a):
    admin = django_user_model.objects.create_user(username="county_admin", password="x-Pass-9271")
    Assignment.objects.create(user=admin, role=Role.ADMINISTRATOR, unit=unit_a)
    duties_actions.lock_quarter(admin, region("331002"), quarter_of(timezone.localdate()),
                                reason="季度考核结束")

    with pytest.raises(ValidationError) as error:
        perform(inspector_a, check)

    assert error.value.code == "period_locked"
    assert SpotCheck.objects.get(pk=check.pk).status == CheckStatus.PLANNED


def test_performed_check_visible_above_target(township_check, inspector_a, above_target):
    perform(inspector_a, township_check)

    for user in above_target:
        detail = client_for(user).get(
            reverse("assessment:spot_check_detail", args=[township_check.pk]))

        assert detail.status_code == 200, user


def test_inspector_above_target_cannot_plan(django_user_model, unit_a, township_unit,
                                            inspector_a):
    county_inspector = make_staff(django_user_model, "county_inspector", Role.INSPECTOR, unit_a)

    with pytest.raises(PermissionDenied):
        plan(county_inspector, township_unit)
    with pytest.raises(ValidationError) as raised:
        plan(inspector_a, township_unit, inspectors=[inspector_a, county_inspector])

    assert raised.value.code == "inspector_invalid"


def test_inspector_sees_planned_check(check, inspector_a):
    response = client_for(inspector_a).get(reverse("assessment:spot_check_list"))

    assert check.title in response.content.decode()
    assert api_get(inspector_a, f"/api/v1/assessment/spot-checks/{check.pk}/").status_code == 200


def test_other_county_inspector_sees_nothing(check, django_user_model, unit_b):
    commission = org_actions.create_unit(None, name="黄岩区纪委监委", kind="commission",
                                         region=region("331003"))
    other = make_staff(django_user_model, "inspector_b", "inspector", commission)

    assert client_for(other).get(
        reverse("assessment:spot_check_detail", args=[check.pk])).status_code == 404


def test_performed_check_visible_to_target(check, inspector_a, target_staff, leader_a,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        perform(inspector_a, check)

    for user in target_staff:
        detail = client_for(user).get(reverse("assessment:spot_check_detail", args=[check.pk]))
        api = api_get(user, f"/api/v1/assessment/spot-checks/{check.pk}/")

        assert detail.status_code == 200
        assert "垃圾分类台账不全" in detail.content.decode()
        assert api.json()["status"] == "performed"
    result = Notification.objects.get(recipient=leader_a)
    assert str(check.target_unit) in result.subject


def test_target_unit_staff_cannot_plan(operator_a, unit_a):
    with pytest.raises(PermissionDenied):
        plan(operator_a, unit_a)


def test_team_member_from_target_rejected(inspector_a, unit_a, operator_a):
    with pytest.raises(ValidationError) as raised:
        plan(inspector_a, unit_a, inspectors=[inspector_a, operator_a])

    assert raised.value.code == "inspector_invalid"


def test_draw_reproducible_from_seed(inspector_a, unit_a, township_unit):
    candidates = [unit_a, township_unit]
    check = actions.draw_spot_check(inspector_a, candidates=candidates, title="随机暗访",
                                    planned_on=timezone.localdate(), inspectors=[inspector_a])

    stored = SpotCheck.objects.get(pk=check.pk)
    assert stored.draw_candidates == sorted([unit_a.pk, township_unit.pk])
    assert len(stored.draw_seed) == 32
    assert draw.redraw(stored.draw_seed, stored.draw_candidates) == stored.target_unit_id


def test_draw_depends_on_seed():
    candidates = list(range(1, 11))
    picks = {draw.redraw(f"seed-{n}", candidates) for n in range(50)}

    assert draw.redraw("fixed", candidates) == draw.redraw("fixed", candidates)
    assert len(picks) > 5


def test_draw_page_shows_verification(inspector_a, unit_a, township_unit):
    check = actions.draw_spot_check(inspector_a, candidates=[unit_a, township_unit],
                                    title="随机暗访", planned_on=timezone.localdate(),
                                    inspectors=[inspector_a])

    page = client_for(inspector_a).get(reverse("assessment:spot_check_detail", args=[check.pk]))

    assert check.draw_seed in page.content.decode()
    assert "用该种子重新抽取，得到同一被检单位" in page.content.decode()


def test_failed_check_creates_rectification_task(check, inspector_a, unit_a, operator_a):
    person = make_person(operator_a, unit_a)

    done = perform(inspector_a, check, score="45", responsible_person=person)

    assert done.rating == Rating.POOR
    task = Task.objects.get(pk=SpotCheck.objects.get(pk=check.pk).rectification_task_id)
    assert task.lead_unit == unit_a
    assert task.responsible_person == person
    # The period runs from the day of the visit, which is yesterday in the first hour of a day.
    assert task.deadline == timezone.localdate(done.performed_at) + datetime.timedelta(days=30)
    assert task.audit_entry_id is not None
    assert verify() == []


def test_passed_check_creates_no_task(check, inspector_a):
    done = perform(inspector_a, check, score="75")

    assert done.rating == Rating.GOOD
    assert done.rectification_task is None


def test_follow_up_planned_from_task(check, inspector_a, operator_a):
    perform(inspector_a, check, score="30")
    task = SpotCheck.objects.get(pk=check.pk).rectification_task

    review = actions.plan_follow_up(inspector_a, task, planned_on=timezone.localdate(),
                                    inspectors=[inspector_a])

    assert review.follow_up_of_id == check.pk
    assert review.status == CheckStatus.PLANNED
    assert client_for(operator_a).get(
        reverse("assessment:spot_check_detail", args=[review.pk])).status_code == 404


def test_result_needs_findings_and_past_time(check, inspector_a):
    with pytest.raises(ValidationError) as missing:
        perform(inspector_a, check, findings=" ")
    with pytest.raises(ValidationError) as future:
        perform(inspector_a, check, performed_at=timezone.now() + datetime.timedelta(hours=2))

    assert missing.value.code == "findings_missing"
    assert future.value.code == "future"


def test_photo_stored_and_disguise_rejected(check, inspector_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as disguised:
        perform(inspector_a, check, files=[upload("现场.pdf", JPEG)])

    done = perform(inspector_a, check, files=[upload("现场.jpg", JPEG)],
                   latitude=Decimal("28.68"), longitude=Decimal("121.42"))

    assert disguised.value.code == "file_disguised"
    assert done.photos.count() == 1
    assert SpotCheck.objects.get(pk=check.pk).latitude == Decimal("28.680000")


@pytest.mark.parametrize(("latitude", "longitude", "shown", "missing"), [
    (Decimal("28.6"), None, "纬度 28.6", "缺少经度"),
    (None, Decimal("121.4"), "经度 121.4", "缺少纬度"),
])
def test_half_location_names_missing_part(check, inspector_a, latitude, longitude, shown,
                                          missing):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        perform(inspector_a, check, latitude=latitude, longitude=longitude)

    message = error.value.messages[0]
    assert error.value.code == "coordinates"
    assert shown in message
    assert missing in message
    assert "None" not in message


def test_pages_answer_405_and_login(check, inspector_a):
    client = client_for(inspector_a)

    assert client.delete(reverse("assessment:spot_check_detail", args=[check.pk])).status_code \
        == 405
    assert Client().get(reverse("assessment:spot_check_list")).status_code == 302


def test_plan_page_creates_check(inspector_a, unit_a):
    response = client_for(inspector_a).post(reverse("assessment:spot_check_create"), {
        "title": "暗访", "target_unit": unit_a.pk,
        "planned_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        "inspectors": [inspector_a.pk]})

    assert response.status_code == 302
    assert SpotCheck.objects.get().target_unit == unit_a


def test_perform_page_records_result(check, inspector_a):
    when = timezone.localtime() - datetime.timedelta(hours=1)
    response = client_for(inspector_a).post(
        reverse("assessment:spot_check_perform", args=[check.pk]),
        {"performed_at": when.strftime("%Y-%m-%dT%H:%M"), "findings": "正常", "score": "92"})

    assert response.status_code == 302
    assert SpotCheck.objects.get(pk=check.pk).rating == Rating.EXCELLENT



def test_plan_entry_omits_target(inspector_a, unit_a):
    from sunshine.audit.models import AuditEntry

    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    planned = plan(inspector_a, unit_a, title="椒江区政府暗访")

    entries = list(AuditEntry.objects.filter(pk__gt=last))
    assert [e.action for e in entries] == ["plan"]
    assert entries[0].changes == {"inspectors": [inspector_a.pk]}
    assert planned.target_unit == unit_a
    assert verify() == []


def test_plan_far_ahead_rejected(inspector_a, unit_a):
    with pytest.raises(ValidationError) as raised:
        plan(inspector_a, unit_a, planned_on=datetime.date(9999, 12, 31))

    assert raised.value.code == "planned_too_far"
    assert "9999-12-31" in raised.value.messages[0]
    assert not SpotCheck.objects.exists()
