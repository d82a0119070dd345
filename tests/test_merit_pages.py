"""Merit staff pages: own ledger, scoped ledger, entry actions, rankings, promotion and awards.

Each page is checked for success, Chinese 400 errors, 403 for a role that may not use it,
404 outside scope or for an unknown id, and 405.
"""

import datetime

import pytest
from django.urls import reverse

from sunshine.merit import actions
from sunshine.merit.models import AppealStatus, EntryKind, PointEntry
from tests.merit_data import NOW, make_directive, make_leader, make_person, make_task, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def leader_a(django_user_model, unit_a):
    return make_leader(django_user_model, unit_a)


@pytest.fixture
def cadre(operator_a, unit_a):
    return make_person(operator_a, unit_a)


@pytest.fixture
def penalty(operator_a, unit_a, cadre):
    task = make_task(operator_a, make_directive(operator_a, unit_a), "1", responsible_person=cadre)
    return post("task_overdue", cadre, task, datetime.date(2026, 2, 27))


@pytest.fixture
def other_entry(operator_b, unit_b):
    person = make_person(operator_b, unit_b, name="李四")
    directive = make_directive(operator_b, unit_b, number="黄政发〔2026〕5号")
    return post("task_on_time", person, make_task(operator_b, directive, "Y",
                                                  responsible_person=person))


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(("persona", "offered"), [("operator_a", False), ("leader_a", True)])
def test_navigation_offers_ledger_pages_to_readers(client, request, persona, offered):
    text = signed_in(client, request.getfixturevalue(persona)).get(
        reverse("merit:rankings")).content.decode()

    for name in ("merit:ledger", "merit:award_list", "merit:promotion"):
        assert (f'href="{reverse(name)}"' in text) is offered
    assert f'href="{reverse("merit:mine")}"' in text


def test_my_points_lists_own_entries_with_rule(client, operator_a, penalty, other_entry):
    response = signed_in(client, operator_a).get(reverse("merit:mine"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "task_overdue" in text
    assert "任务超期或逾期完成" in text
    assert "-5 分，2000-01-01 版" in text
    assert "李四" not in text


def test_cadre_cannot_open_anothers_entry(client, township_operator, penalty):
    response = signed_in(client, township_operator).get(
        reverse("merit:entry_detail", args=[penalty.pk]))

    assert response.status_code == 403


def test_cadre_cannot_read_the_ledger_list(client, operator_a, penalty):
    response = signed_in(client, operator_a).get(reverse("merit:ledger"))

    assert response.status_code == 403


def test_leader_ledger_is_scoped_and_filtered(client, leader_a, penalty, other_entry, cadre):
    response = signed_in(client, leader_a).get(reverse("merit:ledger"),
                                               {"person": cadre.pk, "period": "2026Q1"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "张三" in text
    assert "李四" not in text


def test_ledger_rejects_bad_period(client, leader_a):
    response = signed_in(client, leader_a).get(reverse("merit:ledger"), {"period": "2026Q7"})

    assert response.status_code == 400
    assert "“2026Q7”" in response.content.decode()


def test_leader_cannot_open_entry_of_other_county(client, leader_a, other_entry):
    response = signed_in(client, leader_a).get(
        reverse("merit:entry_detail", args=[other_entry.pk]))

    assert response.status_code == 404
    assert "李四" not in response.content.decode()


def test_unknown_entry_is_404(client, leader_a):
    response = signed_in(client, leader_a).get(reverse("merit:entry_detail", args=[999999]))

    assert response.status_code == 404


def test_list_pages_reject_post(client, leader_a):
    client = signed_in(client, leader_a)

    assert client.post(reverse("merit:mine")).status_code == 405
    assert client.post(reverse("merit:ledger")).status_code == 405
    assert client.post(reverse("merit:rankings")).status_code == 405
    assert client.get(reverse("merit:entry_reverse", args=[1])).status_code == 405


def test_appeal_without_reason_shows_chinese_error(client, operator_a, penalty):
    response = signed_in(client, operator_a).post(
        reverse("merit:entry_appeal", args=[penalty.pk]), {"reason": ""})

    assert response.status_code == 400
    assert f"请写明对积分记录 #{penalty.pk} 有异议的理由" in response.content.decode()


def test_appeal_filed_and_upheld_through_pages(client, operator_a, leader_a, penalty):
    response = signed_in(client, operator_a).post(
        reverse("merit:entry_appeal", args=[penalty.pk]), {"reason": "时限已批准顺延"})
    appeal = penalty.appeals.get()
    assert response.status_code == 302

    decided = signed_in(client, leader_a).post(
        reverse("merit:appeal_decide", args=[appeal.pk]),
        {"decision": "approve", "reason": "核实属实"})

    appeal.refresh_from_db()
    assert decided.status_code == 302
    assert appeal.status == AppealStatus.UPHELD
    assert PointEntry.objects.get(reverses=penalty).kind == EntryKind.REVERSAL


@pytest.fixture
def colleague_requests(township_operator, township_unit, operator_a, unit_a) -> dict:
    """Create an exemption and an appeal by 王五 of 海门街道, inside ``operator_a``'s scope."""
    colleague = make_person(township_operator, township_unit, name="王五")
    task = make_task(operator_a, make_directive(operator_a, unit_a), "1",
                     responsible_person=colleague)
    penalty = post("task_overdue", colleague, task, datetime.date(2026, 2, 27))
    exemption = actions.request_exemption(
        township_operator, penalty, reason="按程序集体决策", followed_procedure=True,
        private_gain=False, prohibited_by_superior=False)
    appeal = actions.file_appeal(township_operator, penalty, reason="时限已批准顺延")
    return {"merit:exemption_detail": exemption, "merit:appeal_detail": appeal}


@pytest.mark.parametrize("name", ["merit:exemption_detail", "merit:appeal_detail"])
def test_colleague_request_needs_reader(client, operator_a, colleague_requests, name):
    response = signed_in(client, operator_a).get(reverse(name, args=[colleague_requests[name].pk]))

    assert response.status_code == 403
    assert "按程序集体决策" not in response.content.decode()
    assert "时限已批准顺延" not in response.content.decode()


def test_appeal_help_names_the_choices(client, operator_a, leader_a, penalty):
    appeal = actions.file_appeal(operator_a, penalty, reason="时限已批准顺延")

    text = signed_in(client, leader_a).get(
        reverse("merit:appeal_detail", args=[appeal.pk])).content.decode()

    assert "选择“批准”即申诉成立" in text
    assert "选择“不批准”则保留记录" in text
    assert ">批准<" in text
    assert ">不批准<" in text


def test_reversal_of_reversed_entry_shows_error(client, leader_a, penalty):
    actions.reverse_entry(leader_a, penalty, reason="错记")

    response = signed_in(client, leader_a).post(
        reverse("merit:entry_reverse", args=[penalty.pk]), {"reason": "再冲一次"})

    assert response.status_code == 400
    assert "每条记录只能冲销一次" in response.content.decode()


def test_cadre_cannot_reverse_through_page(client, operator_a, penalty):
    response = signed_in(client, operator_a).post(
        reverse("merit:entry_reverse", args=[penalty.pk]), {"reason": "自己冲"})

    assert response.status_code == 403


def test_exemption_of_positive_entry_shows_error(client, operator_a, cadre, penalty, unit_a):
    task = make_task(operator_a, make_directive(operator_a, unit_a, number="椒政办发〔2026〕2号"),
                     "2", responsible_person=cadre)
    bonus = post("task_on_time", cadre, task)

    response = signed_in(client, operator_a).post(
        reverse("merit:entry_exempt", args=[bonus.pk]),
        {"reason": "按程序", "followed_procedure": "on"})

    assert response.status_code == 400
    assert "只有扣分记录可以申请容错" in response.content.decode()


def test_exemption_requested_and_approved_through_pages(client, operator_a, inspector_a,
                                                        penalty):
    signed_in(client, operator_a).post(
        reverse("merit:entry_exempt", args=[penalty.pk]),
        {"reason": "先行先试", "followed_procedure": "on", "correction": "补齐台账"})
    exemption = penalty.exemptions.get()

    page = signed_in(client, inspector_a).get(reverse("merit:exemption_list"))
    response = client.post(reverse("merit:exemption_decide", args=[exemption.pk]),
                           {"decision": "approve", "reason": ""})

    exemption.refresh_from_db()
    assert "先行先试" in page.content.decode()
    assert response.status_code == 302
    assert exemption.offset.points == 5


def test_rankings_show_sample_too_small(client, leader_a, penalty, unit_a):
    response = signed_in(client, leader_a).get(reverse("merit:rankings"),
                                               {"unit": unit_a.pk, "period": "2026Q1"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "样本过小" in text


def test_rankings_drill_down_links_to_entries(client, leader_a, unit_a, penalty):
    for n in range(5):
        make_person(None, unit_a, name=f"干部{n}")

    response = signed_in(client, leader_a).get(reverse("merit:rankings"),
                                               {"unit": unit_a.pk, "period": "2026Q1"})

    text = response.content.decode()
    assert f"?person={penalty.person_id}&amp;period=2026Q1" in text
    assert "-5" in text


def test_rankings_outside_scope_is_403(client, leader_a):
    response = signed_in(client, leader_a).get(reverse("merit:rankings"), {"region": "331003"})

    assert response.status_code == 403


def test_rankings_unknown_region_is_400(client, leader_a):
    response = signed_in(client, leader_a).get(reverse("merit:rankings"), {"region": "999"})

    assert response.status_code == 400
    assert "999" in response.content.decode()


def test_promotion_page_is_labelled_advice(client, leader_a, unit_a):
    response = signed_in(client, leader_a).get(reverse("merit:promotion"), {"unit": unit_a.pk})

    text = response.content.decode()
    assert response.status_code == 200
    assert "仅供参考" in text
    assert "《公务员考核规定》" in text


def test_promotion_page_records_approval(client, leader_a, unit_a):
    url = reverse("merit:promotion") + f"?unit={unit_a.pk}&year=2026"
    client = signed_in(client, leader_a)

    empty = client.post(url, {"document_number": ""})
    done = client.post(url, {"document_number": "椒组通〔2026〕8号"})

    assert empty.status_code == 400
    assert "请填写批准提高优秀比例的文件文号" in empty.content.decode()
    assert done.status_code == 302
    assert "椒组通〔2026〕8号" in client.get(url).content.decode()


def test_promotion_page_needs_reader(client, operator_a):
    assert signed_in(client, operator_a).get(reverse("merit:promotion")).status_code == 403


def test_award_nominated_and_approved_through_pages(client, django_user_model, leader_a,
                                                    township_unit, township_operator):
    nominee = make_person(township_operator, township_unit, name="赵六")
    township_leader = make_leader(django_user_model, township_unit, username="township_leader")

    nominated = signed_in(client, township_leader).post(
        reverse("merit:award_list"), {"person": nominee.pk, "reason": "攻坚克难"})
    award = nominee.awards.get()
    decided = signed_in(client, leader_a).post(reverse("merit:award_decide", args=[award.pk]),
                                               {"decision": "approve"})

    award.refresh_from_db()
    assert nominated.status_code == 302
    assert decided.status_code == 302
    assert award.entry.points == 20


def test_award_nomination_without_reason_is_400(client, leader_a, township_unit):
    nominee = make_person(None, township_unit, name="赵六")

    response = signed_in(client, leader_a).post(reverse("merit:award_list"),
                                                {"person": nominee.pk, "reason": ""})

    assert response.status_code == 400
    assert "请写明赵六的先进事迹" in response.content.decode()


def test_anonymous_user_goes_to_login(client):
    response = client.get(reverse("merit:mine"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
