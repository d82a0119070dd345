"""Workflow actions: transitions, the deadlines they store, rights, and the audit chain.

Personas beyond the shared ones: ``township_leader`` leads 海门街道办事处
and approves its extensions; ``county_commission`` is inspector_a's unit.
Dates are checked against chinese-calendar 1.11.0 for 2026.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from sunshine.audit.actions import create_row
from sunshine.audit.verify import verify
from sunshine.notify.models import Notification
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Level, Role, Unit, UnitKind
from sunshine.petitions import actions, deadlines, tracking
from sunshine.petitions.models import (
    Category,
    Channel,
    EventAction,
    ExtensionStatus,
    Kind,
    Outcome,
    Petition,
    Rating,
    State,
)
from sunshine.petitions.views import presenting
from tests.conftest import make_staff, region

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
VILLAGE = "331002001003"


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def clock(time_machine):
    def move(year: int, month: int, day: int) -> None:
        time_machine.move_to(at(year, month, day), tick=False)

    move(2026, 2, 13)
    return move


def make_category(code: str, kind: str = Kind.REQUEST, unit_kind: str = UnitKind.GOVERNMENT,
                  level: str = Level.TOWNSHIP) -> Category:
    with transaction.atomic():
        return create_row(None, Category(code=code, name=f"类别{code}", default_kind=kind,
                                         is_public=True, route_unit_kind=unit_kind,
                                         route_level=level))


@pytest.fixture
def category(db):
    return make_category("land")


@pytest.fixture
def township_leader(django_user_model, township_unit):
    return make_staff(django_user_model, "township_leader", Role.LEADER, township_unit)


@pytest.fixture
def county_commission(inspector_a) -> Unit:
    return Assignment.objects.get(user=inspector_a).unit


def register(actor, category, **extra):
    fields = {
        "kind": Kind.REQUEST, "category": category, "channel": Channel.WEB,
        "region": region(VILLAGE), "text": "村道损坏，请求维修。", "reporter_name": "张三",
        "reporter_phone": "13812345678",
    }
    fields.update(extra)
    petition, _secret = actions.register(actor, **fields)
    return petition


@pytest.fixture
def handling(clock, category, operator_a, township_operator, township_unit):
    """A request registered on Fri 13 Feb 2026, routed to 海门街道 and accepted on Tue 24 Feb."""
    petition = register(operator_a, category)
    petition = actions.assign(None, petition)
    clock(2026, 2, 24)
    return actions.accept(township_operator, petition, notice="已受理，将于法定期限内答复。")


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_full_request_workflow(clock, category, operator_a, township_operator, township_leader,
                               township_unit, city_admin, unit_a):
    petition = register(operator_a, category)
    assert petition.state == State.RECEIVED
    assert petition.due_on == D(2026, 2, 28)  # 15 days, ending on a make-up Saturday
    assert petition.warning_on == D(2026, 2, 27)  # Zhejiang: 5 working days
    assert petition.assign_due == D(2026, 2, 28)

    petition = actions.assign(None, petition)
    assert petition.assigned_unit == township_unit
    assert petition.objection_until == D(2026, 2, 27)
    assert petition.assign_due is None

    clock(2026, 2, 24)
    petition = actions.accept(township_operator, petition, notice="已受理")
    assert petition.state == State.HANDLING
    assert petition.handle_due == D(2026, 4, 27)  # 60 days end on Sat 25 Apr, a rest day
    assert petition.warning_on == D(2026, 3, 26)

    clock(2026, 4, 20)
    extension = actions.request_extension(township_operator, petition, days=30,
                                          reason="需要第三方检测道路质量")
    petition = actions.approve_extension(township_leader, extension)
    assert petition.handle_due == D(2026, 5, 27)
    assert petition.due_on == D(2026, 5, 27)

    clock(2026, 5, 20)
    answer = actions.reply(township_operator, petition, text="已安排维修。",
                           outcome=Outcome.SUPPORT)
    petition.refresh_from_db()
    assert petition.state == State.REPLIED
    assert petition.handled_on == D(2026, 5, 20)
    assert petition.review_until == D(2026, 6, 22)  # 19 Jun is the Dragon Boat Festival
    assert answer.delivered_on == D(2026, 5, 20)

    clock(2026, 6, 10)
    review = actions.request_review(petition, reason="维修质量不合格")
    petition.refresh_from_db()
    assert petition.state == State.REVIEW
    assert review.due_on == D(2026, 7, 10)
    assert review.reviewing_unit == unit_a

    clock(2026, 7, 1)
    actions.decide_review(operator_a, petition, text="维持原答复。", outcome=Outcome.EXPLAIN)
    petition.refresh_from_db()
    assert petition.state == State.REVIEWED
    assert petition.review_until == D(2026, 7, 31)

    clock(2026, 7, 15)
    actions.request_re_review(petition, reason="仍不满意")
    petition.refresh_from_db()
    assert petition.state == State.RE_REVIEW
    assert petition.due_on == D(2026, 8, 14)

    clock(2026, 8, 1)
    actions.decide_re_review(city_admin, petition, text="复核维持。", outcome=Outcome.EXPLAIN)
    petition.refresh_from_db()
    assert petition.state == State.CLOSED
    assert petition.is_final is True
    assert petition.due_on is None

    assert verify() == []
    call_command("verify_audit")


def test_events_store_computed_deadlines(handling):
    accept_event = handling.events.get(action=EventAction.ACCEPT)
    register_event = handling.events.get(action=EventAction.REGISTER)

    assert {"rule": deadlines.HANDLE, "due": "2026-04-27", "legal": True} in accept_event.deadlines
    assert {"rule": deadlines.HANDLE_WARNING, "due": "2026-03-26", "legal": False} \
        in accept_event.deadlines
    assert register_event.on == D(2026, 2, 13)
    assert accept_event.actor.username == "township_operator"
    assert accept_event.from_state == State.RECEIVED
    assert accept_event.to_state == State.HANDLING


def test_extension_only_once(handling, township_operator, township_leader):
    first = actions.request_extension(township_operator, handling, days=10, reason="需补充调查")
    actions.approve_extension(township_leader, first)

    with pytest.raises(ValidationError) as error:
        actions.request_extension(township_operator, handling, days=10, reason="再次延期")

    assert error.value.code == "extension_limit"
    assert tracking.format_code(handling.tracking_code) in messages(error.value)
    handling.refresh_from_db()
    assert handling.handle_due == D(2026, 5, 7)


def test_extension_over_30_days_rejected(handling, township_operator):
    with pytest.raises(ValidationError) as error:
        actions.request_extension(township_operator, handling, days=31, reason="情况复杂")

    assert error.value.code == "extension_too_long"
    assert "31" in messages(error.value)


def test_extension_approval_needs_leader(handling, township_operator):
    extension = actions.request_extension(township_operator, handling, days=20, reason="情况复杂")

    with pytest.raises(PermissionDenied):
        actions.approve_extension(township_operator, extension)


def test_extension_after_the_period_ended_is_refused(clock, handling, township_operator,
                                                    township_leader):
    extension = actions.request_extension(township_operator, handling, days=20, reason="情况复杂")
    clock(2026, 4, 28)

    with pytest.raises(ValidationError) as late_request:
        actions.request_extension(township_operator, handling, days=20, reason="情况复杂")
    with pytest.raises(ValidationError) as late_approval:
        actions.approve_extension(township_leader, extension)

    assert late_request.value.code == "extension_too_late"
    assert late_approval.value.code == "extension_too_late"
    assert "2026-04-27" in messages(late_approval.value)
    handling.refresh_from_db()
    assert handling.handle_due == D(2026, 4, 27)


def test_leader_may_not_approve_own_extension(handling, township_leader):
    extension = actions.request_extension(township_leader, handling, days=20, reason="情况复杂")

    with pytest.raises(ValidationError) as error:
        actions.approve_extension(township_leader, extension)

    assert error.value.code == "extension_own_request"
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING
    handling.refresh_from_db()
    assert handling.handle_due == D(2026, 4, 27)


def test_extension_reason_is_public(handling, township_operator, township_leader):
    extension = actions.request_extension(township_operator, handling, days=20,
                                          reason="需要等待鉴定结论")
    actions.approve_extension(township_leader, extension)

    event = handling.events.get(action=EventAction.APPROVE_EXTENSION)
    assert event.is_public is True
    assert event.reason == "需要等待鉴定结论"
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED
    assert extension.previous_due == D(2026, 4, 27)


def test_rejected_extension_leaves_deadline(handling, township_operator, township_leader):
    extension = actions.request_extension(township_operator, handling, days=20, reason="情况复杂")
    actions.reject_extension(township_leader, extension, note="理由不充分")

    handling.refresh_from_db()
    assert handling.handle_due == D(2026, 4, 27)
    second = actions.request_extension(township_operator, handling, days=20, reason="补充理由")
    assert second.status == ExtensionStatus.PENDING


def replied(clock, petition, operator):
    clock(2026, 3, 2)
    actions.reply(operator, petition, text="答复如下。", outcome=Outcome.REJECT)
    petition.refresh_from_db()
    return petition


def test_review_after_window_rejected(clock, handling, township_operator):
    petition = replied(clock, handling, township_operator)
    assert petition.review_until == D(2026, 4, 1)

    clock(2026, 4, 2)
    with pytest.raises(ValidationError) as error:
        actions.request_review(petition, reason="不服")

    assert error.value.code == "window_closed"
    assert "2026-04-01" in messages(error.value)
    petition.refresh_from_db()
    assert petition.state == State.REPLIED


def test_review_on_last_day_accepted(clock, handling, township_operator):
    petition = replied(clock, handling, township_operator)

    clock(2026, 4, 1)
    actions.request_review(petition, reason="不服")

    petition.refresh_from_db()
    assert petition.state == State.REVIEW


def test_review_message_in_chinese(clock, handling, township_operator):
    petition = replied(clock, handling, township_operator)
    clock(2026, 4, 2)

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        actions.request_review(petition, reason="不服")

    assert "复查申请期限已于 2026-04-01 届满" in messages(error.value)


def test_re_review_after_window_rejected(clock, handling, township_operator, operator_a):
    petition = replied(clock, handling, township_operator)
    clock(2026, 3, 10)
    actions.request_review(petition, reason="不服")
    clock(2026, 3, 20)
    actions.decide_review(operator_a, petition, text="维持。", outcome=Outcome.REJECT)

    clock(2026, 4, 21)
    with pytest.raises(ValidationError) as error:
        actions.request_re_review(petition, reason="不服复查意见")

    assert error.value.code == "window_closed"
    assert "2026-04-20" in messages(error.value)


def test_only_requests_can_be_reviewed(clock, category, operator_a, township_operator):
    petition = register(operator_a, category, kind=Kind.SUGGESTION)
    petition = actions.assign(None, petition)
    actions.accept(township_operator, petition)
    actions.reply(township_operator, petition, text="感谢建议。")

    with pytest.raises(ValidationError) as error:
        actions.request_review(petition, reason="不服")

    assert error.value.code == "not_reviewable"


def test_objection_within_five_workdays(clock, category, operator_a, township_operator):
    petition = actions.assign(None, register(operator_a, category))
    assert petition.objection_until == D(2026, 2, 27)

    clock(2026, 2, 27)
    petition = actions.object_to_referral(township_operator, petition, reason="不属本街道职权")

    assert petition.assigned_unit is None
    assert petition.assign_due == D(2026, 2, 28)
    assert petition.due_on is None
    assert petition.warning_on is None
    assert petition.events.filter(action=EventAction.OBJECT).exists()


def test_objection_after_window_rejected(clock, category, operator_a, township_operator):
    petition = actions.assign(None, register(operator_a, category))

    clock(2026, 3, 2)
    with pytest.raises(ValidationError) as error:
        actions.object_to_referral(township_operator, petition, reason="不属本街道职权")

    assert error.value.code == "window_closed"
    assert "2026-02-27" in messages(error.value)


def test_registering_unit_has_no_referral_to_object_to(clock, operator_a, unit_a):
    category = make_category("county_matters", level=Level.COUNTY)
    petition = actions.assign(None, register(operator_a, category, received_on=D(2026, 2, 10)))

    with pytest.raises(ValidationError) as error:
        actions.object_to_referral(operator_a, petition, reason="不属本单位职权")

    step = petition.events.get(action=EventAction.ASSIGN)
    assert petition.assigned_unit == unit_a
    assert error.value.code == "not_referred"
    assert not [d for d in step.deadlines if d.get("met_on")]


def test_only_assigned_unit_objects(clock, category, operator_a, township_unit):
    petition = actions.assign(None, register(operator_a, category))

    with pytest.raises(PermissionDenied):
        actions.object_to_referral(operator_a, petition, reason="不属本单位职权")


def test_transfer_restarts_acceptance_clock(clock, category, operator_a, unit_a, township_unit):
    petition = actions.assign(None, register(operator_a, category))

    clock(2026, 2, 25)
    petition = actions.transfer(operator_a, petition, unit_a, reason="涉及全区道路规划")

    assert petition.assigned_unit == unit_a
    assert petition.due_on == D(2026, 3, 12)
    assert petition.events.get(action=EventAction.TRANSFER).is_public is True


def test_transfer_tells_the_receiving_unit(clock, category, operator_a, unit_a, township_unit,
                                           township_operator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        petition = actions.assign(None, register(operator_a, category))
    assert [note.recipient for note in Notification.objects.all()] == [township_operator]

    with django_capture_on_commit_callbacks(execute=True):
        actions.transfer(township_operator, petition, unit_a, reason="涉及全区道路规划")

    note = Notification.objects.get(recipient=operator_a)
    assert tracking.format_code(petition.tracking_code) in note.subject
    assert note.url == f"/staff/petitions/{petition.pk}/"
    assert Notification.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        actions.transfer(operator_a, petition, township_unit, reason="仍属海门街道管辖")

    assert Notification.objects.filter(recipient=township_operator).count() == 2


def test_transfer_needs_reason(clock, category, operator_a, unit_a):
    petition = actions.assign(None, register(operator_a, category))

    with pytest.raises(ValidationError) as error:
        actions.transfer(operator_a, petition, unit_a, reason=" ")

    assert error.value.code == "required"


def test_not_accept_records_reason(clock, category, operator_a, township_operator):
    petition = actions.assign(None, register(operator_a, category))

    petition = actions.not_accept(township_operator, petition, reason="已进入诉讼程序")

    assert petition.state == State.NOT_ACCEPTED
    assert petition.due_on is None
    event = petition.events.get(action=EventAction.NOT_ACCEPT)
    assert event.reason == "已进入诉讼程序"
    assert event.is_public is True


def test_refer_finishes_petition(clock, category, operator_a):
    petition = register(operator_a, category)

    petition = actions.refer(operator_a, petition, reason="请向台州市中级人民法院提起诉讼")

    assert petition.state == State.REFERRED
    assert petition.assign_due is None


def test_accept_requires_assignment(clock, category, operator_a):
    petition = register(operator_a, category)

    with pytest.raises(ValidationError) as error:
        actions.accept(operator_a, petition)

    assert error.value.code == "not_assigned"


def test_invalid_transition_names_state(handling, township_operator):
    with pytest.raises(ValidationError) as error:
        actions.accept(township_operator, handling)

    assert error.value.code == "invalid_state"
    assert tracking.format_code(handling.tracking_code) in messages(error.value)


def test_other_county_cannot_act(handling, operator_b):
    with pytest.raises(PermissionDenied):
        actions.reply(operator_b, handling, text="答复", outcome=Outcome.SUPPORT)


def test_request_reply_needs_outcome(handling, township_operator):
    with pytest.raises(ValidationError) as error:
        actions.reply(township_operator, handling, text="答复")

    assert error.value.code == "outcome_missing"


def test_late_reply_record_keeps_review_window(clock, handling, township_operator):
    clock(2026, 4, 20)

    with pytest.raises(ValidationError) as error:
        actions.reply(township_operator, handling, text="已答复。", outcome=Outcome.SUPPORT,
                      delivered_on=D(2026, 4, 12))
    assert error.value.code == "delivery_too_old"
    assert "2026-04-12" in messages(error.value)
    handling.refresh_from_db()
    assert handling.state == State.HANDLING
    assert not handling.replies.exists()

    actions.reply(township_operator, handling, text="已答复。", outcome=Outcome.SUPPORT,
                  delivered_on=D(2026, 4, 13))
    handling.refresh_from_db()
    assert handling.state == State.REPLIED
    assert handling.review_until == D(2026, 5, 13)


def test_close_waits_for_review_window(clock, handling, township_operator):
    petition = replied(clock, handling, township_operator)

    with pytest.raises(ValidationError) as error:
        actions.close(township_operator, petition)
    assert "2026-04-01" in messages(error.value)

    clock(2026, 4, 2)
    petition = actions.close(township_operator, petition)
    assert petition.state == State.CLOSED
    assert petition.is_final is False


def test_close_after_rating(clock, handling, township_operator):
    petition = replied(clock, handling, township_operator)
    answer = petition.replies.get()
    actions.rate(petition, answer, rating=Rating.SATISFIED)

    petition = actions.close(township_operator, petition)

    assert petition.state == State.CLOSED


@pytest.mark.parametrize("rating", [Rating.PARTLY, Rating.DISSATISFIED])
def test_unsatisfied_rating_keeps_review_window(clock, handling, township_operator, rating):
    petition = replied(clock, handling, township_operator)
    actions.rate(petition, petition.replies.get(), rating=rating)

    with pytest.raises(ValidationError) as error:
        actions.close(township_operator, petition)

    assert error.value.code == "review_window_open"
    assert actions.request_review(petition, reason="不满意").pk is not None


def test_answer_rated_once(clock, handling, township_operator):
    petition = replied(clock, handling, township_operator)
    answer = petition.replies.get()
    actions.rate(petition, answer, rating=Rating.PARTLY, comment="基本满意")

    with pytest.raises(ValidationError) as error:
        actions.rate(petition, answer, rating=Rating.SATISFIED)

    assert error.value.code == "already_rated"
    answer.refresh_from_db()
    assert answer.rating == Rating.PARTLY
    assert petition.events.get(action=EventAction.RATE).by_reporter is True


@pytest.fixture
def report_category(db):
    return make_category("graft", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY)


def test_accusation_deadlines(clock, report_category, operator_a, inspector_a,
                              county_commission, township_unit):
    petition = register(operator_a, report_category, kind=Kind.ACCUSATION,
                        target_unit=township_unit)
    # Commission rules: 5 working days to accept or transfer, 15 to notify.
    assert petition.due_on == D(2026, 2, 27)
    assert petition.notice_due == D(2026, 3, 12)
    assert petition.assign_due is None

    petition = actions.assign(None, petition)
    assert petition.assigned_unit == county_commission

    clock(2026, 2, 25)
    petition = actions.accept(inspector_a, petition, notify=False)
    assert petition.notice_due == D(2026, 3, 12)
    petition = actions.notify_reporter(inspector_a, petition, text="您的举报已受理。")
    assert petition.notice_due is None

    clock(2026, 4, 1)
    petition = actions.close(inspector_a, petition, reason="初步核实后了结")
    assert petition.state == State.CLOSED
    assert petition.due_on == D(2026, 4, 23)  # 15 working days; Qingming 4-6 Apr is off

    clock(2026, 4, 10)
    actions.reply(inspector_a, petition, text="经核实，反映问题部分属实，已处理。")
    petition.refresh_from_db()
    assert petition.due_on is None
    assert verify() == []


def test_anonymous_accusation_owes_no_notice(clock, report_category, operator_a, township_unit):
    petition = register(operator_a, report_category, kind=Kind.ACCUSATION,
                        target_unit=township_unit, is_anonymous=True, reporter_name="",
                        reporter_phone="")

    assert petition.notice_due is None
    assert petition.is_real_name is False


def test_report_not_assigned_to_accused_unit(clock, operator_a, township_unit, inspector_a):
    category = make_category("conduct", Kind.ACCUSATION, UnitKind.GOVERNMENT, Level.TOWNSHIP)
    petition = register(operator_a, category, kind=Kind.ACCUSATION, target_unit=township_unit)

    with pytest.raises(ValidationError) as error:
        actions.assign(inspector_a, petition, township_unit)

    assert error.value.code == "accused_unit"


def test_routing_without_a_commission_skips_accused_unit(clock, operator_a, township_unit, unit_a):
    category = make_category("conduct", Kind.ACCUSATION, UnitKind.GOVERNMENT, Level.TOWNSHIP)
    petition = register(operator_a, category, kind=Kind.ACCUSATION, target_unit=township_unit)

    petition = actions.assign(None, petition)

    assert petition.assigned_unit == unit_a


def test_report_routes_to_commission(clock, operator_a, township_unit, unit_a):
    commission = org_actions.create_unit(None, name="椒江区纪委监委", kind=UnitKind.COMMISSION,
                                         region=region("331002"))
    category = make_category("conduct", Kind.ACCUSATION, UnitKind.GOVERNMENT, Level.TOWNSHIP)
    report = register(operator_a, category, kind=Kind.ACCUSATION, target_unit=township_unit)
    request = register(operator_a, category, kind=Kind.REQUEST, reporter_phone="13812345679")

    assert actions.assign(None, report).assigned_unit == commission
    assert actions.assign(None, request).assigned_unit == township_unit


def test_report_not_transferred_to_government(clock, operator_a, township_unit, unit_a,
                                               inspector_a):
    category = make_category("conduct", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY)
    report = actions.assign(None, register(operator_a, category, kind=Kind.ACCUSATION,
                                           target_unit=township_unit))

    with pytest.raises(ValidationError) as error:
        actions.transfer(inspector_a, report, unit_a, reason="由区政府处理")

    report.refresh_from_db()
    assert error.value.code == "not_commission"
    assert "椒江区人民政府" in error.value.messages[0]
    assert report.assigned_unit.kind == UnitKind.COMMISSION


def test_report_on_commission_goes_up(clock, operator_a):
    county = org_actions.create_unit(None, name="椒江区纪委监委", kind=UnitKind.COMMISSION,
                                     region=region("331002"))
    city = org_actions.create_unit(None, name="台州市纪委监委", kind=UnitKind.COMMISSION,
                                   region=region("331000"))
    category = make_category("conduct", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY)
    report = register(operator_a, category, kind=Kind.ACCUSATION, target_unit=county)

    assert actions.assign(None, report).assigned_unit == city


def test_report_naming_a_commission_official_goes_up(clock, operator_a, township_unit):
    county = org_actions.create_unit(None, name="椒江区纪委监委", kind=UnitKind.COMMISSION,
                                     region=region("331002"))
    city = org_actions.create_unit(None, name="台州市纪委监委", kind=UnitKind.COMMISSION,
                                   region=region("331000"))
    secretary = org_actions.create_person(None, name="孙八", unit=township_unit, post="书记")
    inspector = org_actions.create_person(None, name="周九", unit=county, post="科员")
    category = make_category("conduct", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY)
    report = register(operator_a, category, kind=Kind.ACCUSATION, target_person=secretary,
                      further_persons=[inspector])

    assert actions.assign(None, report).assigned_unit == city


def test_late_entry_keeps_the_registering_unit_clock(clock, inspector_a):
    clock(2026, 10, 30)
    received = datetime.date(2026, 9, 30)
    category = make_category("conduct", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY)
    report = register(inspector_a, category, kind=Kind.ACCUSATION, received_on=received)

    report = actions.assign(None, report)

    region = report.region
    assert report.assigned_unit == Assignment.objects.get(user=inspector_a).unit
    assert report.due_on == deadlines.compute(deadlines.ACCUSATION_ACCEPT, received,
                                              region=region).due
    assert report.due_on < datetime.date(2026, 10, 30)
    assert report.objection_until is None


def test_late_referral_is_recorded_as_late(clock, operator_a, township_unit):
    clock(2026, 10, 30)
    today = datetime.date(2026, 10, 30)
    petition = register(operator_a, make_category("roads"), received_on=datetime.date(2026, 9, 30))
    transfer_due = petition.assign_due

    petition = actions.assign(None, petition)

    region = petition.region
    step = petition.events.get(action=EventAction.ASSIGN)
    late = [d for d in step.deadlines if d.get("met_on")]
    assert petition.assigned_unit == township_unit
    assert petition.due_on == deadlines.compute(deadlines.ACCEPT_NOTICE, today,
                                                region=region).due
    assert petition.warning_on == deadlines.compute(deadlines.ACCEPT_WARNING, today,
                                                    region=region).due
    assert petition.assign_due is None
    assert late == [{"due": transfer_due.isoformat(), "rule": deadlines.TRANSFER,
                     "legal": True, "met_on": today.isoformat()}]
    with translation.override("zh-hans"):
        assert f"已超过转送期限（{transfer_due.isoformat()}）" in presenting.step_text(step)
    assert verify() == []


def test_report_on_city_unit_goes_to_city(clock, operator_a, township_unit):
    org_actions.create_unit(None, name="椒江区纪委监委", kind=UnitKind.COMMISSION,
                            region=region("331002"))
    city = org_actions.create_unit(None, name="台州市纪委监委", kind=UnitKind.COMMISSION,
                                   region=region("331000"))
    city_government = org_actions.create_unit(None, name="台州市人民政府",
                                              kind=UnitKind.GOVERNMENT, region=region("331000"))
    mayor = org_actions.create_person(None, name="孙八", unit=city_government, post="副市长")
    category = make_category("conduct", Kind.ACCUSATION, UnitKind.COMMISSION, Level.COUNTY)
    on_unit = register(operator_a, category, kind=Kind.ACCUSATION, target_unit=city_government)
    on_person = register(operator_a, category, kind=Kind.ACCUSATION, target_person=mayor,
                         reporter_phone="13812345679")
    on_township = register(operator_a, category, kind=Kind.ACCUSATION, target_unit=township_unit,
                           reporter_phone="13812345670")

    assert actions.assign(None, on_unit).assigned_unit == city
    assert actions.assign(None, on_person).assigned_unit == city
    assert actions.assign(None, on_township).assigned_unit.name == "椒江区纪委监委"


def test_report_on_every_commission_stays_unrouted(clock, operator_a):
    city = org_actions.create_unit(None, name="台州市纪委监委", kind=UnitKind.COMMISSION,
                                   region=region("331000"))
    category = make_category("conduct", Kind.ACCUSATION, UnitKind.GOVERNMENT, Level.TOWNSHIP)
    report = register(operator_a, category, kind=Kind.ACCUSATION, target_unit=city)

    with pytest.raises(ValidationError) as error:
        actions.assign(None, report)

    assert error.value.code == "no_route"
    assert "纪检监察机关" in error.value.messages[0]


def test_no_route_asks_for_unit(clock, operator_a):
    category = make_category("other", Kind.REQUEST, UnitKind.EVALUATOR, Level.TOWNSHIP)
    petition = register(operator_a, category)

    with pytest.raises(ValidationError) as error:
        actions.assign(None, petition)

    assert error.value.code == "no_route"


def test_overdue_marker_and_escalation(clock, handling, township_operator, township_leader,
                                       inspector_a):
    clock(2026, 4, 27)
    assert deadlines.needs_escalation(handling) is False
    assert deadlines.petition_status(handling) == deadlines.DeadlineStatus.DUE_SOON

    clock(2026, 4, 28)
    assert deadlines.petition_status(handling) == deadlines.DeadlineStatus.OVERDUE
    assert deadlines.needs_escalation(handling) is True
    assert Petition.all_objects.overdue().filter(pk=handling.pk).exists()

    petition = actions.record_escalation(township_operator, handling, reason="超期未办结")

    event = petition.events.get(action=EventAction.ESCALATE)
    assert set(event.notified) == {township_leader.pk, inspector_a.pk}
    assert deadlines.needs_escalation(petition) is False
    with pytest.raises(ValidationError):
        actions.record_escalation(township_operator, petition)


def test_escalation_after_later_missed_deadline():
    escalated = datetime.datetime(2026, 12, 15, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    petition = Petition(due_on=D(2026, 12, 14), notice_due=D(2026, 12, 28), escalated_at=escalated)

    assert deadlines.needs_escalation(petition, today=D(2026, 12, 20)) is False
    assert deadlines.needs_escalation(petition, today=D(2026, 12, 29)) is True


def test_escalation_needs_missed_deadline(handling, township_operator):
    with pytest.raises(ValidationError) as error:
        actions.record_escalation(township_operator, handling)

    assert error.value.code == "not_overdue"


def test_processing_rate_querysets(clock, handling, township_operator, category, operator_a):
    late = actions.assign(None, register(operator_a, category, reporter_phone="13900000001"))
    late = actions.accept(township_operator, late)

    clock(2026, 3, 2)
    actions.reply(township_operator, handling, text="答复", outcome=Outcome.SUPPORT)

    clock(2026, 5, 1)
    petitions = Petition.all_objects.all()
    assert set(petitions.due_for_handling()) == {handling, late}
    assert list(petitions.handled_in_time()) == [handling]
    assert list(petitions.backlog()) == [late]
    assert list(petitions.overdue()) == [late]
    assert petitions.processing_rate() == Decimal("0.5000")
    assert petitions.filter(pk=late.pk).processing_rate(D(2026, 3, 1)) is None
