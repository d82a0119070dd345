"""The workflow forms at /staff/petitions/<pk>/<action>/: each step, its errors and its rights.

Personas as in tests/conftest.py, plus ``township_leader``, who approves
the township's extensions. Every step answers 302 on success, 400 with
the page and the message on invalid input or state, 403 outside the
user's rights, 404 for an unknown petition or action, and 405 for GET.
"""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Role, UnitKind
from sunshine.petitions import actions
from sunshine.petitions.models import (
    EventAction,
    ExtensionStatus,
    Kind,
    Outcome,
    Petition,
    ReviewLevel,
    State,
)
from tests.conftest import make_staff, region
from tests.petition_web_data import NOW, SHANGHAI, make_categories, make_world, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    return time_machine


@pytest.fixture
def categories(db):
    return make_categories()


@pytest.fixture
def world(categories, inspector_a, township_unit):
    return make_world(categories, township_unit=township_unit)


@pytest.fixture
def township_leader(django_user_model, township_unit):
    return make_staff(django_user_model, "township_leader", Role.LEADER, township_unit)


def latest_event(petition) -> int:
    return petition.events.order_by("-pk").values_list("pk", flat=True).first() or 0


def act(client, user, petition, action: str, data: dict | None = None, *,
        seen: int | str | None = None):
    """Post a step's form as sent from a page that showed the log up to ``seen`` (default: now)."""
    client.force_login(user)
    form = {"seen_event": latest_event(petition) if seen is None else seen, **(data or {})}
    return client.post(reverse("petitions:staff_action", args=[petition.pk, action]), form)


def fresh(petition) -> Petition:
    return Petition.all_objects.get(pk=petition.pk)


def handling(world, township_operator) -> Petition:
    return actions.accept(township_operator, world["request"], notice="已受理。")


def test_accept_starts_the_handling_period(client, world, township_operator):
    response = act(client, township_operator, world["request"], "accept",
                   {"notice": "已受理，将于法定期限内答复。", "notify": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("petitions:staff_detail",
                                           args=[world["request"].pk])
    petition = fresh(world["request"])
    assert petition.state == State.HANDLING
    # 60 days end on Fri 1 May, in the Labour Day holiday of 1 to 5 May 2026.
    assert petition.handle_due == datetime.date(2026, 5, 6)


def test_an_unknown_action_is_not_found(client, world, township_operator):
    assert act(client, township_operator, world["request"], "explode").status_code == 404


def test_an_unknown_petition_is_not_found(client, world, township_operator):
    client.force_login(township_operator)
    url = reverse("petitions:staff_action", args=[999999, "accept"])

    assert client.post(url).status_code == 404


def test_actions_reject_get(client, world, township_operator):
    client.force_login(township_operator)
    url = reverse("petitions:staff_action", args=[world["request"].pk, "accept"])

    assert client.get(url).status_code == 405


def test_another_county_may_not_act(client, world, operator_b):
    response = act(client, operator_b, world["request"], "accept")

    assert response.status_code == 404
    assert fresh(world["request"]).state == State.RECEIVED


def test_a_read_only_inspector_may_not_accept_a_request(client, world, inspector_a):
    response = act(client, inspector_a, world["request"], "accept")

    assert response.status_code == 403
    assert fresh(world["request"]).state == State.RECEIVED


@pytest.mark.parametrize(("action", "data"), [("accept", {"notice": "已受理。"}),
                                             ("not_accept", {"reason": ""})])
def test_read_only_stale_post_is_forbidden(client, world, township_operator, inspector_a,
                                           action, data):
    seen = latest_event(world["request"])
    actions.notify_reporter(township_operator, world["request"], text="材料已收到。")

    response = act(client, inspector_a, world["request"], action, data, seen=seen)

    assert response.status_code == 403
    assert fresh(world["request"]).state == State.RECEIVED


def test_the_accused_unit_may_not_act_on_the_report(client, world, township_operator):
    response = act(client, township_operator, world["report"], "close")

    assert response.status_code == 404


def test_assign_routes_or_takes_the_chosen_unit(client, world, operator_b, unit_b):
    response = act(client, operator_b, world["elsewhere"], "assign", {"unit": unit_b.pk})

    assert response.status_code == 302
    assert fresh(world["elsewhere"]).assigned_unit == unit_b


def test_public_step_notes_say_reporter_sees_them(client, world, operator_b):
    client.force_login(operator_b)

    page = client.get(reverse("petitions:staff_detail", args=[world["elsewhere"].pk]))

    text = page.content.decode()
    assert 'for="id_assign_reason">备注（选填，信访人可见）' in text
    assert 'for="id_not_accept_reason">理由（信访人可见）' in text
    assert 'for="id_refer_reason">理由（信访人可见）' in text


def test_assign_without_a_route_explains_itself(client, world, operator_b):
    response = act(client, operator_b, world["elsewhere"], "assign", {"unit": ""})

    assert response.status_code == 400
    assert "路灯照明" in response.content.decode()


def test_assign_rejects_an_unknown_unit_naming_it(client, world, operator_b):
    response = act(client, operator_b, world["elsewhere"], "assign", {"unit": "424242"})

    assert response.status_code == 400
    assert "424242" in response.content.decode()


def test_transfer_needs_a_reason(client, world, township_operator, unit_a):
    response = act(client, township_operator, world["request"], "transfer", {"unit": unit_a.pk})

    assert response.status_code == 400
    assert fresh(world["request"]).assigned_unit != unit_a


def test_stale_transfer_is_refused(client, world, township_operator, operator_a, unit_a,
                                   township_unit):
    page_seen = latest_event(world["request"])
    first = act(client, township_operator, world["request"], "transfer",
                {"unit": unit_a.pk, "reason": "属区级部门职责"}, seen=page_seen)

    stale = act(client, operator_a, world["request"], "transfer",
                {"unit": township_unit.pk, "reason": "另有管辖"}, seen=page_seen)

    assert first.status_code == 302
    assert stale.status_code == 409
    assert fresh(world["request"]).assigned_unit == unit_a
    page = stale.content.decode()
    assert "打开此页后有了变化" in page
    assert "township_operator" in page
    assert "另有管辖" in page  # the user's input is kept on the form


def test_resubmit_after_stale_refusal(client, world, township_operator, city_admin, unit_a):
    page_seen = latest_event(world["request"])
    act(client, township_operator, world["request"], "notify", {"text": "请补充材料。"},
        seen=page_seen)
    refused = act(client, city_admin, world["request"], "notify", {"text": "已转办。"},
                  seen=page_seen)
    shown = refused.content.decode()
    seen_now = int(shown.split('name="seen_event" value="')[1].split('"')[0])
    latest = latest_event(world["request"])

    again = act(client, city_admin, world["request"], "notify", {"text": "已转办。"},
                seen=seen_now)

    assert refused.status_code == 409
    assert seen_now == latest
    assert again.status_code == 302


@pytest.mark.parametrize("seen", ["²", "①", "-1", "1e3", "99999999999999999999999", "999999"])
def test_malformed_page_version_is_refused(client, world, township_operator, unit_a, seen):
    response = act(client, township_operator, world["request"], "transfer",
                   {"unit": unit_a.pk, "reason": "属区级部门职责"}, seen=seen)

    assert response.status_code == 409
    assert fresh(world["request"]).assigned_unit != unit_a


def test_form_without_page_version_is_refused(client, world, township_operator, unit_a):
    client.force_login(township_operator)
    response = client.post(reverse("petitions:staff_action",
                                   args=[world["request"].pk, "transfer"]),
                           {"unit": unit_a.pk, "reason": "属区级部门职责"})

    assert response.status_code == 409
    assert fresh(world["request"]).assigned_unit != unit_a


def test_refused_closed_step_shows_why(client, world, township_operator):
    page_seen = latest_event(world["request"])
    act(client, township_operator, world["request"], "accept", seen=page_seen)

    again = act(client, township_operator, world["request"], "accept")

    assert again.status_code == 400
    page = again.content.decode()
    assert "未保存" in page
    assert 'role="alert"' in page


def test_closed_step_keeps_typed_reason(client, world, township_operator):
    page_seen = latest_event(world["request"])
    act(client, township_operator, world["request"], "accept", seen=page_seen)

    stale = act(client, township_operator, world["request"], "not_accept",
                {"reason": "已通过诉讼途径解决"}, seen=page_seen)

    assert stale.status_code == 409
    page = stale.content.decode()
    assert "未保存" in page
    assert "已通过诉讼途径解决</textarea>" in page
    assert fresh(world["request"]).state != State.NOT_ACCEPTED


def test_transfer_moves_the_petition(client, world, township_operator, unit_a):
    response = act(client, township_operator, world["request"], "transfer",
                   {"unit": unit_a.pk, "reason": "属区级部门职责"})

    assert response.status_code == 302
    assert fresh(world["request"]).assigned_unit == unit_a


def test_not_accept_needs_a_reason(client, world, township_operator):
    bad = act(client, township_operator, world["request"], "not_accept", {"reason": " "})
    good = act(client, township_operator, world["request"], "not_accept",
               {"reason": "已通过诉讼途径解决"})

    assert bad.status_code == 400
    assert good.status_code == 302
    assert fresh(world["request"]).state == State.NOT_ACCEPTED


def test_refer_closes_the_petition(client, world, township_operator):
    response = act(client, township_operator, world["request"], "refer",
                   {"reason": "请向劳动人事争议仲裁委员会申请仲裁"})

    assert response.status_code == 302
    assert fresh(world["request"]).state == State.REFERRED


def test_object_returns_the_petition(client, world, township_operator):
    response = act(client, township_operator, world["request"], "object",
                   {"reason": "不属本街道职责"})

    assert response.status_code == 302
    assert fresh(world["request"]).assigned_unit is None


def test_notify_sends_a_notice(client, world, township_operator):
    response = act(client, township_operator, world["request"], "notify",
                   {"text": "您反映的问题已转交街道办理。"})

    assert response.status_code == 302
    assert fresh(world["request"]).events.filter(action="notify", is_public=True).exists()


def test_reply_needs_an_outcome_for_a_request(client, world, township_operator):
    petition = handling(world, township_operator)

    response = act(client, township_operator, petition, "reply", {"text": "已修复。"})

    assert response.status_code == 400
    assert "第三十二条" in response.content.decode()
    assert fresh(petition).state == State.HANDLING


def test_reply_answers_the_request(client, world, township_operator):
    petition = handling(world, township_operator)

    response = act(client, township_operator, petition, "reply",
                   {"text": "已修复。", "outcome": Outcome.SUPPORT})

    assert response.status_code == 302
    petition = fresh(petition)
    assert petition.state == State.REPLIED
    assert petition.replies.get().text == "已修复。"


def test_reply_in_the_wrong_state_explains_the_state(client, world, township_operator):
    response = act(client, township_operator, world["request"], "reply",
                   {"text": "已修复。", "outcome": Outcome.SUPPORT})

    assert response.status_code == 400
    assert "已登记" in response.content.decode()


def test_the_reply_form_offers_templates(client, world, township_operator):
    petition = handling(world, township_operator)
    client.force_login(township_operator)

    page = client.get(reverse("petitions:staff_detail", args=[petition.pk]) + "?template=1")

    text = page.content.decode()
    assert "解释说明" in text
    assert "现予解释说明" in text


def test_reply_template_titles_in_english(client, world, township_operator):
    petition = handling(world, township_operator)
    client.force_login(township_operator)

    page = client.get(reverse("petitions:staff_detail", args=[petition.pk]) + "?template=1",
                      HTTP_ACCEPT_LANGUAGE="en")

    text = page.content.decode()
    assert ">Explain</a>" in text
    assert ">解释说明</a>" not in text
    assert "现予解释说明" in text  # the reply itself stays in Chinese, as the reporter reads it


def test_staff_deadlines_name_working_and_calendar_days(client, world, township_operator,
                                                        township_leader):
    client.force_login(township_operator)
    detail = reverse("petitions:staff_detail", args=[world["request"].pk])
    received = client.get(detail).content.decode()
    petition = handling(world, township_operator)
    accepted = client.get(detail).content.decode()
    extension = actions.request_extension(township_operator, petition, days=20, reason="需检测")
    actions.approve_extension(township_leader, extension)

    extended = client.get(detail).content.decode()

    assert "可对交办提出异议至 <small>(5 个工作日)</small>" in received
    assert "办理并书面答复 <small>(60 个自然日)</small>" in accepted
    assert "<small>(30 个自然日)</small>" in accepted
    assert "办理并书面答复 <small>" not in extended


def test_acceptor_in_the_unit_becomes_the_handler(client, world, township_operator):
    response = act(client, township_operator, world["request"], "accept",
                   {"notice": "已受理。", "notify": "on"})

    assert response.status_code == 302
    assert fresh(world["request"]).handler == township_operator


def test_leader_designates_another_handler(client, world, township_operator, township_leader,
                                          django_user_model, township_unit):
    colleague = make_staff(django_user_model, "township_clerk", Role.OPERATOR, township_unit)
    petition = handling(world, township_operator)
    client.force_login(township_leader)

    page = client.get(reverse("petitions:staff_detail", args=[petition.pk])).content.decode()
    response = act(client, township_leader, petition, "designate_handler",
                   {"handler": colleague.pk})

    assert "指定承办人" in page
    assert response.status_code == 302
    petition = fresh(petition)
    assert petition.handler == colleague
    event = petition.events.order_by("-pk").first()
    assert event.action == EventAction.DESIGNATE_HANDLER
    assert event.is_public is False


def test_handler_is_named_from_the_person_record(client, world, township_operator,
                                                township_unit):
    org_actions.create_person(None, name="丁辉", unit=township_unit, post="科员",
                              user=township_operator)
    petition = handling(world, township_operator)
    client.force_login(township_operator)

    text = client.get(reverse("petitions:staff_detail", args=[petition.pk])).content.decode()
    again = act(client, township_operator, petition, "designate_handler",
                {"handler": township_operator.pk})

    assert "<dd>丁辉</dd>" in text
    assert again.status_code == 400
    assert "已是信访件" in again.content.decode()


def test_handler_must_be_active(world, township_operator, township_unit, django_user_model):
    inactive = make_staff(django_user_model, "township_gone", Role.OPERATOR, township_unit)
    inactive.is_active = False
    inactive.save()
    petition = handling(world, township_operator)

    with pytest.raises(ValidationError) as error:
        actions.designate_handler(township_operator, petition, inactive)

    assert error.value.code == "invalid_handler"


def test_handler_must_work_in_the_handling_unit(client, world, township_operator, operator_b):
    petition = handling(world, township_operator)

    response = act(client, township_operator, petition, "designate_handler",
                   {"handler": operator_b.pk})

    assert response.status_code == 400
    assert fresh(petition).handler == township_operator


def test_extension_is_requested_and_approved_by_the_leader(client, world, township_operator,
                                                          township_leader):
    petition = handling(world, township_operator)

    requested = act(client, township_operator, petition, "request_extension",
                    {"days": "20", "reason": "需要第三方检测"})
    refused = act(client, township_operator, petition, "decide_extension",
                  {"decision": "approve"})
    approved = act(client, township_leader, petition, "decide_extension",
                   {"decision": "approve"})

    assert requested.status_code == 302
    assert refused.status_code == 403
    assert approved.status_code == 302
    extension = fresh(petition).extensions.get()
    assert extension.status == ExtensionStatus.APPROVED
    assert fresh(petition).handle_due == extension.new_due


@pytest.mark.parametrize("days", ["0", "31", "45", "400", "10000000000000000000000"])
def test_extension_beyond_the_limit_is_rejected(client, world, township_operator, days):
    petition = handling(world, township_operator)

    response = act(client, township_operator, petition, "request_extension",
                   {"days": days, "reason": "情况复杂"})

    text = response.content.decode()
    assert response.status_code == 400
    assert days in text
    assert "1 至 30 日" in text
    assert "366" not in text
    assert not fresh(petition).extensions.exists()


def test_field_error_is_tied_to_its_input(client, world, township_operator):
    petition = handling(world, township_operator)

    response = act(client, township_operator, petition, "request_extension",
                   {"days": "abc", "reason": "情况复杂"})

    text = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_request_extension_days_error"' in text
    assert 'id="id_request_extension_days_error"' in text
    assert "“abc”不是整数" in text


def test_rejecting_an_extension_needs_a_note(client, world, township_operator,
                                            township_leader):
    petition = handling(world, township_operator)
    actions.request_extension(township_operator, petition, days=10, reason="等待材料")

    response = act(client, township_leader, petition, "decide_extension",
                   {"decision": "reject", "note": ""})

    assert response.status_code == 400
    assert fresh(petition).extensions.get().status == ExtensionStatus.PENDING


def test_close_after_the_rating(client, world, township_operator):
    petition = handling(world, township_operator)
    answer = actions.reply(township_operator, petition, text="已修复。", outcome=Outcome.SUPPORT)
    early = act(client, township_operator, petition, "close", {"reason": ""})
    actions.rate(fresh(petition), answer, score=5)

    response = act(client, township_operator, petition, "close", {"reason": "信访人满意"})

    assert early.status_code == 400
    assert response.status_code == 302
    assert fresh(petition).state == State.CLOSED


def test_close_note_says_reporter_sees_it(client, world, township_operator):
    petition = handling(world, township_operator)
    actions.reply(township_operator, petition, text="已修复。", outcome=Outcome.SUPPORT)
    client.force_login(township_operator)

    page = client.get(reverse("petitions:staff_detail", args=[petition.pk])).content.decode()

    assert 'for="id_close_reason">备注（选填，信访人可见）' in page
    assert "信访人可在查询页面的“办理过程”中看到此备注。" in page


def test_escalation_is_recorded_once_a_deadline_passed(client, world, township_operator,
                                                      frozen):
    early = act(client, township_operator, world["request"], "escalate", {"reason": ""})
    frozen.move_to(datetime.datetime(2026, 3, 18, 10, tzinfo=SHANGHAI), tick=False)

    response = act(client, township_operator, world["request"], "escalate",
                   {"reason": "已超期，报告分管领导"})

    assert early.status_code == 400
    assert response.status_code == 302
    assert fresh(world["request"]).escalated_at is not None


def test_review_opinion_is_given(client, world, township_operator, unit_a, operator_a):
    petition = handling(world, township_operator)
    actions.reply(township_operator, petition, text="不予支持。", outcome=Outcome.REJECT)
    actions.request_review(fresh(petition), reason="不服", level=ReviewLevel.REVIEW)

    response = act(client, operator_a, petition, "decide_review",
                   {"text": "维持原答复意见。", "outcome": Outcome.REJECT})

    assert response.status_code == 302
    assert fresh(petition).state == State.REVIEWED


@pytest.fixture
def city_operator(django_user_model, unit_a, township_unit):
    """An operator of 台州市人民政府, made the unit above 椒江区人民政府 and its township."""
    city = org_actions.create_unit(None, name="台州市人民政府", kind=UnitKind.GOVERNMENT,
                                   region=region("331000"))
    for unit, parent in ((unit_a, city), (township_unit, unit_a)):
        unit.parent = parent
        unit.path = unit.compute_path()
        unit.save(update_fields=["parent", "path"])
    return make_staff(django_user_model, "city_operator", Role.OPERATOR, city)


def in_review(world, township_operator) -> Petition:
    """Return the request that 海门街道 replied to, with the reporter's review request pending."""
    petition = handling(world, township_operator)
    actions.reply(township_operator, petition, text="不予支持。", outcome=Outcome.REJECT)
    actions.request_review(fresh(petition), reason="不服", level=ReviewLevel.REVIEW)
    return fresh(petition)


def offers(client, user, petition, action: str) -> bool:
    client.force_login(user)
    page = client.get(reverse("petitions:staff_detail", args=[petition.pk])).content.decode()
    return reverse("petitions:staff_action", args=[petition.pk, action]) in page


def test_review_opinion_denied_to_answering_unit(client, world, township_operator, operator_a):
    petition = in_review(world, township_operator)

    response = act(client, township_operator, petition, "decide_review",
                   {"text": "维持原答复意见。", "outcome": Outcome.SUPPORT})

    assert response.status_code == 403
    assert "椒江区人民政府" in response.content.decode()
    assert fresh(petition).state == State.REVIEW
    assert not fresh(petition).replies.filter(stage="review").exists()
    assert not offers(client, township_operator, petition, "decide_review")
    assert offers(client, operator_a, petition, "decide_review")


def test_re_review_opinion_by_unit_above(client, world, township_operator, operator_a,
                                         city_operator):
    petition = in_review(world, township_operator)
    assert act(client, operator_a, petition, "decide_review",
               {"text": "维持原答复意见。", "outcome": Outcome.REJECT}).status_code == 302
    actions.request_re_review(fresh(petition), reason="仍不服")

    answering = act(client, township_operator, petition, "decide_review",
                    {"text": "复核维持。", "outcome": Outcome.SUPPORT})
    reviewing = act(client, operator_a, petition, "decide_review",
                    {"text": "复核维持。", "outcome": Outcome.SUPPORT})

    assert answering.status_code == 403
    assert reviewing.status_code == 403
    assert "台州市人民政府" in reviewing.content.decode()
    assert fresh(petition).state == State.RE_REVIEW
    assert not offers(client, operator_a, petition, "decide_review")
    assert offers(client, city_operator, petition, "decide_review")
    assert act(client, city_operator, petition, "decide_review",
               {"text": "复核维持。", "outcome": Outcome.REJECT}).status_code == 302
    assert fresh(petition).state == State.CLOSED


def test_re_review_without_unit_above_needs_city_admin(client, world, township_operator,
                                                       operator_a, city_admin):
    petition = in_review(world, township_operator)
    actions.decide_review(operator_a, petition, text="维持。", outcome=Outcome.REJECT)
    actions.request_re_review(fresh(petition), reason="仍不服")

    rejected = act(client, operator_a, petition, "decide_review",
                   {"text": "复核维持。", "outcome": Outcome.REJECT})
    decided = act(client, city_admin, petition, "decide_review",
                  {"text": "复核维持。", "outcome": Outcome.REJECT})

    assert rejected.status_code == 403
    assert "市级管理员" in rejected.content.decode()
    assert decided.status_code == 302
    assert fresh(petition).state == State.CLOSED


def test_inspector_closes_the_report(client, world, inspector_a):
    report = actions.accept(inspector_a, world["report"], notify=True)

    response = act(client, inspector_a, report, "close", {"reason": "经初步核实，问题属实"})

    assert response.status_code == 302
    report = fresh(report)
    assert report.state == State.CLOSED
    assert report.kind == Kind.ACCUSATION
    assert report.due_on is not None


def test_report_takes_one_feedback(client, world, inspector_a):
    report = actions.close(inspector_a, actions.accept(inspector_a, world["report"]),
                           reason="经初步核实，问题属实")

    first = act(client, inspector_a, report, "reply", {"text": "已给予党内警告处分。"})
    second = act(client, inspector_a, report, "reply",
                 {"text": "再次反馈。", "outcome": Outcome.SUPPORT})

    assert first.status_code == 302
    assert second.status_code == 400
    assert "已办结" in second.content.decode()
    assert fresh(report).replies.count() == 1
    assert fresh(report).state == State.CLOSED


def test_notify_needs_text(client, categories, township_operator):
    petition, _secret = register(categories["lamps"], kind=Kind.SUGGESTION)

    response = act(client, township_operator, petition, "notify", {"text": ""})

    assert response.status_code == 400
    assert not petition.events.filter(action="notify").exists()
