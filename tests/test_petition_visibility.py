"""Who sees petitions, the report firewall, and the audited reveal of the reporter.

Personas beyond the shared ones:
- ``township_leader``: leader of 海门街道办事处, the unit the report accuses.
- ``village_operator``: operator of a village committee inside the accused unit.
- ``city_inspector``: inspector of the city commission; in scope, not handling.
- ``inspector_b``: inspector of the 黄岩区 commission; out of scope.
- ``root``: a superuser.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from sunshine.audit.actions import create_row
from sunshine.audit.models import AuditEntry
from sunshine.funds import actions as fund_actions
from sunshine.notify.outbox import Message, queue
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Level, Role, UnitKind
from sunshine.petitions import actions
from sunshine.petitions.models import Category, Channel, Kind
from sunshine.petitions.visibility import (
    can_handle,
    get_visible_petition,
    reveal_reporter,
    visible_petitions,
)
from tests.conftest import make_staff, region

pytestmark = pytest.mark.django_db

VILLAGE = "331002001003"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
                         tick=False)


def make_category(code: str, kind: str, unit_kind: str, level: str) -> Category:
    with transaction.atomic():
        return create_row(None, Category(code=code, name=code, default_kind=kind,
                                         route_unit_kind=unit_kind, route_level=level))


@pytest.fixture
def commission(inspector_a):
    return Assignment.objects.get(user=inspector_a).unit


@pytest.fixture
def township_leader(django_user_model, township_unit):
    return make_staff(django_user_model, "township_leader", Role.LEADER, township_unit)


@pytest.fixture
def village_operator(django_user_model, township_unit):
    committee = org_actions.create_unit(None, name="某村村民委员会",
                                        kind=UnitKind.VILLAGE_COMMITTEE, region=region(VILLAGE),
                                        parent=township_unit)
    return make_staff(django_user_model, "village_operator", Role.OPERATOR, committee)


@pytest.fixture
def city_inspector(django_user_model):
    unit = org_actions.create_unit(None, name="台州市纪委监委", kind=UnitKind.COMMISSION,
                                   region=region("331000"))
    return make_staff(django_user_model, "city_inspector", Role.INSPECTOR, unit)


@pytest.fixture
def inspector_b(django_user_model):
    unit = org_actions.create_unit(None, name="黄岩区纪委监委", kind=UnitKind.COMMISSION,
                                   region=region("331003"))
    return make_staff(django_user_model, "inspector_b", Role.INSPECTOR, unit)


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", password="x-Pass-9271")


def file_report(commission, **targets):
    category = Category.objects.filter(code="graft").first() or make_category(
        "graft", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY)
    petition, _ = actions.register(
        None, kind=Kind.ACCUSATION, category=category, channel=Channel.WEB,
        region=region(VILLAGE), text="街道干部收受工程款回扣", reporter_name="赵六",
        reporter_phone="13700000000", **targets,
    )
    petition = actions.assign(None, petition)
    assert petition.assigned_unit == commission
    return petition


@pytest.fixture
def report(commission, township_unit):
    return file_report(commission, target_unit=township_unit)


@pytest.fixture
def request_petition(township_unit):
    category = make_category("roads", Kind.REQUEST, UnitKind.GOVERNMENT, Level.TOWNSHIP)
    petition, _ = actions.register(
        None, kind=Kind.REQUEST, category=category, channel=Channel.WEB, region=region(VILLAGE),
        text="村道损坏", reporter_name="钱七", reporter_phone="13600000000",
    )
    return actions.assign(None, petition)


def visible(user) -> set:
    return set(visible_petitions(user))


def test_inspector_sees_report_and_request(inspector_a, report, request_petition):
    assert visible(inspector_a) == {report, request_petition}


def test_accused_unit_operator_sees_no_report(township_operator, report, request_petition):
    assert visible(township_operator) == {request_petition}
    with pytest.raises(Http404):
        get_visible_petition(township_operator, pk=report.pk)


def test_accused_unit_leader_sees_no_report(township_leader, report, request_petition):
    assert visible(township_leader) == {request_petition}
    with pytest.raises(Http404):
        get_visible_petition(township_leader, pk=report.pk)
    assert can_handle(township_leader, report) is False


def test_unit_inside_accused_unit_sees_no_report(village_operator, report):
    assert report not in visible(village_operator)
    with pytest.raises(Http404):
        get_visible_petition(village_operator, pk=report.pk)


def test_accused_person_sees_no_report(django_user_model, commission, township_unit, inspector_a):
    accused_user = django_user_model.objects.create_user("accused", password="x-Pass-9271")
    person = org_actions.create_person(None, name="孙八", unit=township_unit, user=accused_user)
    Assignment.objects.create(user=accused_user, role=Role.INSPECTOR, unit=commission)
    report = file_report(commission, target_person=person)

    assert report not in visible(accused_user)
    assert report in visible(inspector_a)
    with pytest.raises(Http404):
        get_visible_petition(accused_user, pk=report.pk)


def test_every_person_a_report_names_sees_nothing(django_user_model, commission,
                                                 township_unit, township_operator, unit_a,
                                                 inspector_a):
    first_user = django_user_model.objects.create_user("first", password="x-Pass-9271")
    second_user = django_user_model.objects.create_user("second", password="x-Pass-9271")
    first = org_actions.create_person(None, name="孙八", unit=township_unit, user=first_user)
    second = org_actions.create_person(None, name="周九", unit=unit_a, user=second_user)
    for user in (first_user, second_user):
        Assignment.objects.create(user=user, role=Role.INSPECTOR, unit=commission)
    county_operator = make_staff(django_user_model, "county_operator", Role.OPERATOR, unit_a)
    report = file_report(commission, target_person=first, further_persons=[second])

    assert report in visible(inspector_a)
    for user in (first_user, second_user, county_operator, township_operator):
        assert report not in visible(user), user.username
        with pytest.raises(Http404):
            get_visible_petition(user, pk=report.pk)


def test_project_owner_unit_sees_no_report(commission, township_unit, township_operator):
    project = fund_actions.create_project(None, code="HM-2026-01", name="海门街道道路",
                                          region=region("331002001"), owner_unit=township_unit,
                                          budget=Decimal("100000"))
    report = file_report(commission, target_project=project)

    assert report not in visible(township_operator)


def test_superuser_in_accused_unit_is_firewalled(root, township_unit, report):
    Assignment.objects.create(user=root, role=Role.OPERATOR, unit=township_unit)

    assert report not in visible(root)


def test_superuser_sees_reports(root, report, request_petition):
    assert visible(root) == {report, request_petition}


def test_non_inspector_outside_accused_unit_gets_404(operator_a, report, request_petition):
    assert visible(operator_a) == {request_petition}
    with pytest.raises(Http404):
        get_visible_petition(operator_a, pk=report.pk)


def test_city_admin_sees_no_reports(city_admin, report, request_petition):
    assert visible(city_admin) == {request_petition}


def test_other_county_sees_nothing(operator_b, inspector_b, report, request_petition):
    assert visible(operator_b) == set()
    assert visible(inspector_b) == set()
    with pytest.raises(Http404):
        get_visible_petition(operator_b, pk=request_petition.pk)


def test_citizen_sees_nothing(report):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_unknown_petition_is_404(inspector_a):
    with pytest.raises(Http404):
        get_visible_petition(inspector_a, pk=999999)


def test_handling_inspector_reveals_reporter(inspector_a, report):
    before = AuditEntry.objects.count()

    identity = reveal_reporter(inspector_a, report)

    assert identity == {"name": "赵六", "phone": "13700000000"}
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "view_personal"
    assert entry.object_id == str(report.pk)
    assert entry.actor_label == "inspector_a"
    assert "赵六" not in str(entry.changes)


def test_inspector_not_handling_cannot_reveal(city_inspector, report):
    assert report in visible(city_inspector)

    with pytest.raises(PermissionDenied):
        reveal_reporter(city_inspector, report)


def test_designated_handler_reveals(django_user_model, commission, township_unit, inspector_a):
    handler = make_staff(django_user_model, "case_handler", Role.INSPECTOR, commission)
    category = make_category("graft", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY)
    petition, _ = actions.register(None, kind=Kind.ACCUSATION, category=category,
                                   channel=Channel.PHONE, region=region(VILLAGE), text="举报",
                                   reporter_name="周九", target_unit=township_unit)
    petition = actions.assign(inspector_a, petition, commission, handler=handler)

    assert reveal_reporter(handler, petition)["name"] == "周九"


@pytest.mark.parametrize("persona", ["operator_a", "township_operator", "inspector_b",
                                     "city_admin", "root"])
def test_others_cannot_reveal(request, persona, report):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        reveal_reporter(user, report)


def test_inspector_cannot_reveal_request_handled_elsewhere(inspector_a, request_petition):
    with pytest.raises(PermissionDenied):
        reveal_reporter(inspector_a, request_petition)


def admin_user(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_petition"))
    return user


def test_admin_hides_report_from_accused_leader(client, township_leader, report,
                                                request_petition):
    client.force_login(admin_user(township_leader))

    listing = client.get("/admin/petitions/petition/")
    detail = client.get(f"/admin/petitions/petition/{report.pk}/change/")

    assert listing.status_code == 200
    assert report.tracking_code not in listing.text
    assert request_petition.tracking_code in listing.text
    assert detail.status_code in (302, 403, 404)
    assert "收受工程款" not in detail.text


def test_admin_hides_report_from_accused_operator(client, township_operator, report):
    client.force_login(admin_user(township_operator))

    listing = client.get("/admin/petitions/petition/")
    search = client.get("/admin/petitions/petition/", {"q": report.tracking_code})

    row_link = f"/admin/petitions/petition/{report.pk}/change/"
    assert report.tracking_code not in listing.text
    assert row_link not in search.text
    assert search.context["cl"].result_count == 0


def test_admin_shows_report_to_inspector(client, inspector_a, report):
    client.force_login(admin_user(inspector_a))

    listing = client.get("/admin/petitions/petition/")
    detail = client.get(f"/admin/petitions/petition/{report.pk}/change/")

    assert report.tracking_code in listing.text
    assert detail.status_code == 200
    assert "赵六" not in detail.text
    assert "13700000000" not in detail.text


def report_entries(report) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="petitions.petition",
                                          object_id=str(report.pk)))


def test_audit_admin_hides_report_from_accused_superuser(client, root, township_unit, report):
    Assignment.objects.create(user=root, role=Role.OPERATOR, unit=township_unit)
    client.force_login(root)
    entries = report_entries(report)

    listing = client.get("/admin/audit/auditentry/", {"object_type": "petitions.petition"})
    details = [client.get(f"/admin/audit/auditentry/{entry.pk}/change/") for entry in entries]

    assert entries
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 0
    assert all(detail.status_code in (302, 404) for detail in details)
    assert all(report.tracking_code not in detail.text for detail in details)


def test_audit_admin_hides_steps_of_report(client, root, township_unit, report):
    Assignment.objects.create(user=root, role=Role.OPERATOR, unit=township_unit)
    client.force_login(root)
    event_ids = [str(pk) for pk in report.events.values_list("pk", flat=True)]
    event_entries = {entry.pk for entry in AuditEntry.objects.filter(
        object_type="petitions.petitionevent", object_id__in=event_ids)}

    listing = client.get("/admin/audit/auditentry/", {"object_type": "petitions.petitionevent"})

    listed_ids = {row.pk for row in listing.context["cl"].result_list}
    assert event_entries
    assert not listed_ids & event_entries


def test_audit_admin_shows_report_to_other_superuser(client, root, report):
    client.force_login(root)

    listing = client.get("/admin/audit/auditentry/", {"object_type": "petitions.petition"})

    listed_ids = {row.pk for row in listing.context["cl"].result_list}
    assert {entry.pk for entry in report_entries(report)} <= listed_ids


def test_notification_admin_hides_report_from_accused_superuser(client, root, township_unit,
                                                                inspector_a, report):
    queue([Message(inspector_a, f"petition:{report.pk}:assigned:{report.assigned_unit_id}",
                   f"有新的信访件待办理：{report.tracking_code}"),
           Message(inspector_a, f"petition:{report.tracking_code}:due_on", "期限提醒")])
    client.force_login(root)
    before = client.get("/admin/notify/notification/")
    Assignment.objects.create(user=root, role=Role.OPERATOR, unit=township_unit)

    after = client.get("/admin/notify/notification/")

    assert before.context["cl"].result_count == 2
    assert after.context["cl"].result_count == 0
    assert report.tracking_code not in after.text
