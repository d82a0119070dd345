"""Staff task pages: list with filters, detail, create, edit, weights, cancel and milestones.

``operator_a`` edits 椒江区, ``township_operator`` only 海门街道, ``operator_b``
only 黄岩区; a task of 椒江区 is 404 for the other two, as an unknown id is.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from sunshine.audit.verify import verify
from sunshine.duties.models import Milestone, Task
from tests.duties_data import NOW, make_directive, make_person, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def directive(operator_a, unit_a):
    return make_directive(operator_a, unit_a)


@pytest.fixture
def task(operator_a, directive):
    return make_task(operator_a, directive, "1", weight="60", deadline=datetime.date(2026, 6, 30))


def task_data(unit, **changes) -> dict:
    data = {"code": "2", "name": "污水管网", "description": "", "lead_unit": unit.pk,
            "cooperating_units": [], "responsible_person": "", "start": "2026-02-01",
            "deadline": "2026-09-30", "weight": "40", "duty": "",
            "milestones": "2026-05-31 完成招标"}
    data.update(changes)
    return data


def test_task_list_filters_by_status(operator_a, directive, task):
    make_task(operator_a, directive, "2", weight="40", deadline=datetime.date(2026, 3, 1))
    url = reverse("duties:task_list")

    response = logged_in(operator_a).get(url, {"status": "overdue"})

    assert [t.code for t in response.context["page"].object_list] == ["2"]


def test_task_list_hides_other_scopes(operator_b, task):
    response = logged_in(operator_b).get(reverse("duties:task_list"))

    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize("query", [{"status": "lost"}, {"period": "2026Q9"},
                                   {"measure": "due"}, {"region": "123"}])
def test_task_list_bad_filters_are_400(operator_a, task, query):
    assert logged_in(operator_a).get(reverse("duties:task_list"), query).status_code == 400


def test_task_list_region_of_another_county_is_403(operator_b, task):
    response = logged_in(operator_b).get(reverse("duties:task_list"), {"region": "331002"})

    assert response.status_code == 403


def test_task_create_under_a_directive(operator_a, directive, task, unit_a, unit_b):
    url = reverse("duties:task_create") + f"?directive={directive.pk}"
    data = task_data(unit_a, cooperating_units=[unit_b.pk])

    response = logged_in(operator_a).post(url, data)

    created = Task.objects.get(code="2")
    assert response.status_code == 302
    assert list(created.cooperating_units.all()) == [unit_b]
    assert Milestone.objects.get(task=created).name == "完成招标"
    assert verify() == []


def test_task_create_rejects_weights_over_100(operator_a, directive, task, unit_a):
    url = reverse("duties:task_create") + f"?directive={directive.pk}"

    response = logged_in(operator_a).post(url, task_data(unit_a, weight="50"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "110%" in html
    assert "1 任务1 60%" in html


def test_sub_task_deadline_after_parent_is_400(operator_a, task, unit_a):
    url = reverse("duties:task_create") + f"?parent={task.pk}"

    response = logged_in(operator_a).post(url, task_data(unit_a, code="1.1",
                                                         deadline="2026-12-31"))

    assert response.status_code == 400
    assert "子任务必须在上级任务的完成时限前完成" in response.content.decode()


def test_task_create_needs_a_place(operator_a):
    assert logged_in(operator_a).get(reverse("duties:task_create")).status_code == 404


def test_task_create_under_another_countys_directive_is_404(operator_b, directive):
    url = reverse("duties:task_create") + f"?directive={directive.pk}"

    assert logged_in(operator_b).get(url).status_code == 404


def test_task_detail(operator_a, task):
    response = logged_in(operator_a).get(reverse("duties:task_detail", args=[task.pk]))

    assert response.status_code == 200
    assert response.context["can_report"]


def test_task_detail_for_other_scopes(operator_b, township_operator, task):
    url = reverse("duties:task_detail", args=[task.pk])

    assert logged_in(operator_b).get(url).status_code == 404
    assert logged_in(township_operator).get(url).status_code == 404


def test_township_operator_sees_its_own_task(operator_a, township_operator, directive,
                                             township_unit):
    task = make_task(operator_a, directive, "T", weight="10", lead_unit=township_unit)

    url = reverse("duties:task_detail", args=[task.pk])

    assert logged_in(township_operator).get(url).status_code == 200


def test_unknown_task_is_404(operator_a):
    assert logged_in(operator_a).get(reverse("duties:task_detail", args=[77])).status_code == 404


def test_task_detail_rejects_post(operator_a, task):
    url = reverse("duties:task_detail", args=[task.pk])

    assert logged_in(operator_a).post(url).status_code == 405


def test_task_edit(operator_a, task, unit_a):
    url = reverse("duties:task_edit", args=[task.pk])
    client = logged_in(operator_a)
    assert client.get(url).status_code == 200
    data = task_data(unit_a, code="1", name="道路改造", weight="60", version=task.version)

    assert client.post(url, data).status_code == 302
    assert Task.objects.get(pk=task.pk).name == "道路改造"
    stale = client.post(url, {**data, "name": "再改", "version": task.version})
    assert stale.status_code == 400
    assert "已被他人修改" in stale.content.decode()


def test_task_weights_page(operator_a, directive, task):
    child = make_task(operator_a, directive, "1.1", parent=task, weight="80")
    url = reverse("duties:task_weights", args=[task.pk])
    client = logged_in(operator_a)

    assert client.post(url, {f"w{child.pk}": "90"}).status_code == 400
    assert client.post(url, {f"w{child.pk}": "abc"}).status_code == 400
    assert client.post(url, {f"w{child.pk}": "100"}).status_code == 302
    assert logged_in(operator_a).put(url).status_code == 405


def test_task_cancel(operator_a, task):
    url = reverse("duties:task_cancel", args=[task.pk])
    client = logged_in(operator_a)

    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "上级撤销部署"}).status_code == 302
    assert Task.objects.get(pk=task.pk).cancel_reason == "上级撤销部署"
    again = client.post(url, {"reason": "再次取消"})
    assert again.status_code == 400


def test_task_cancel_by_another_county_is_404(operator_b, task):
    url = reverse("duties:task_cancel", args=[task.pk])

    assert logged_in(operator_b).post(url, {"reason": "x"}).status_code == 404


def test_milestones(operator_a, task):
    client = logged_in(operator_a)
    add = reverse("duties:milestone_create", args=[task.pk])

    assert client.post(add, {"name": "完成设计", "due_on": "2026-12-31"}).status_code == 400
    assert client.post(add, {"name": "完成设计", "due_on": "2026-04-30"}).status_code == 302
    milestone = Milestone.objects.get(task=task)
    done = reverse("duties:milestone_done", args=[milestone.pk])
    assert client.post(done, {"done_on": "2026-04-01"}).status_code == 400
    assert client.post(done, {"done_on": "2026-03-15"}).status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).done_on == datetime.date(2026, 3, 15)
    assert client.get(add).status_code == 405
    assert client.post(reverse("duties:milestone_done", args=[999]),
                       {"done_on": "2026-03-15"}).status_code == 404
    assert verify() == []


def test_milestone_of_another_county_is_404(operator_b, task):
    url = reverse("duties:milestone_create", args=[task.pk])

    response = logged_in(operator_b).post(url, {"name": "x", "due_on": "2026-04-30"})

    assert response.status_code == 404


def test_task_form_hides_out_of_scope_person(operator_a, operator_b, unit_a, unit_b, directive,
                                             task):
    outsider = make_person(operator_b, unit_b, name="李四")
    url = reverse("duties:task_create") + f"?directive={directive.pk}"

    response = logged_in(operator_a).post(url, task_data(unit_a,
                                                         responsible_person=outsider.pk))

    html = response.content.decode()
    assert response.status_code == 400
    assert f"“{outsider.pk}”不在您可选择的范围内" in html
    assert "李四" not in html


def test_task_form_names_out_of_scope_unit(operator_a, unit_b, directive, task):
    url = reverse("duties:task_create") + f"?directive={directive.pk}"

    response = logged_in(operator_a).post(url, task_data(unit_b))

    assert response.status_code == 400
    assert f"“黄岩区人民政府”（{unit_b.pk}）超出您可编辑的区划和单位范围" in (
        response.content.decode())
