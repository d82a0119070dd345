"""Staff pages of directives and duty lists: success, bad input, other scope, unknown rows, methods.

Personas: ``operator_a`` edits 椒江区; ``operator_b`` edits 黄岩区 and gets
404, as for an unknown id, on 椒江区 rows; ``inspector_a`` reads 椒江区 and
edits nothing.
"""


import pytest
from django.test import Client
from django.urls import reverse

from sunshine.audit.verify import verify
from sunshine.duties.models import Directive, Duty
from tests.duties_data import NOW, download, make_directive, make_task
from tests.test_duties_actions import make_duty

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
def duty(operator_a, unit_a):
    return make_duty(operator_a, unit_a)


def directive_data(unit, **changes) -> dict:
    data = {"title": "河长制工作", "document_number": "椒政发〔2026〕9号", "issuer": "椒江区人民政府",
            "issued_on": "2026-02-01", "region": unit.region_id, "unit": unit.pk,
            "description": ""}
    data.update(changes)
    return data


def test_directive_list_shows_only_the_scope(operator_a, operator_b, directive, unit_b):
    make_directive(operator_b, unit_b, number="黄政发〔2026〕1号", title="黄岩的部署")

    html = logged_in(operator_a).get(reverse("duties:directive_list")).content.decode()

    assert "农村人居环境整治" in html
    assert "黄岩的部署" not in html


def test_directive_list_searches(operator_a, directive):
    response = logged_in(operator_a).get(reverse("duties:directive_list"), {"q": "〔2026〕1号"})

    assert list(response.context["page"].object_list) == [directive]


def test_directive_create(operator_a, unit_a):
    response = logged_in(operator_a).post(reverse("duties:directive_create"),
                                          directive_data(unit_a))

    created = Directive.objects.get(document_number="椒政发〔2026〕9号")
    assert response.status_code == 302
    assert response["Location"] == reverse("duties:directive_detail", args=[created.pk])
    assert verify() == []


def test_directive_create_rejects_bad_input_with_400(operator_a, unit_a, directive):
    data = directive_data(unit_a, issued_on="2026-13-01",
                          document_number=directive.document_number)

    response = logged_in(operator_a).post(reverse("duties:directive_create"), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "2026-13-01" in html
    assert "已被另一项决策部署使用" in html


def test_directive_create_outside_scope_is_rejected(operator_b, unit_a):
    response = logged_in(operator_b).post(reverse("duties:directive_create"),
                                          directive_data(unit_a))

    assert response.status_code == 400
    assert not Directive.objects.exists()


def test_directive_create_needs_write_roles(inspector_a, unit_a):
    response = logged_in(inspector_a).get(reverse("duties:directive_create"))

    assert response.status_code == 403


def test_directive_detail_shows_the_tree(operator_a, directive):
    parent = make_task(operator_a, directive, "1", weight="60")
    make_task(operator_a, directive, "1.1", parent=parent, weight="50")

    response = logged_in(operator_a).get(reverse("duties:directive_detail", args=[directive.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="depth-1"' in html
    assert "合计为 60%" in html
    assert "合计为 50%" not in html


def test_directive_detail_of_another_county_is_404(operator_b, directive):
    url = reverse("duties:directive_detail", args=[directive.pk])

    assert logged_in(operator_b).get(url).status_code == 404


def test_unknown_directive_is_404(operator_a):
    url = reverse("duties:directive_detail", args=[9999])

    assert logged_in(operator_a).get(url).status_code == 404


def test_directive_detail_rejects_post(operator_a, directive):
    url = reverse("duties:directive_detail", args=[directive.pk])

    assert logged_in(operator_a).post(url).status_code == 405


def test_directive_edit_with_stale_version_keeps_the_input(operator_a, unit_a, directive):
    url = reverse("duties:directive_edit", args=[directive.pk])
    data = directive_data(unit_a, document_number=directive.document_number, version=0)

    response = logged_in(operator_a).post(url, data)

    assert response.status_code == 400
    assert Directive.objects.get(pk=directive.pk).title == "农村人居环境整治"


def test_directive_edit_saves(operator_a, unit_a, directive):
    url = reverse("duties:directive_edit", args=[directive.pk])
    data = directive_data(unit_a, document_number=directive.document_number,
                          title="新标题", version=directive.version)

    response = logged_in(operator_a).post(url, data)

    assert response.status_code == 302
    assert Directive.objects.get(pk=directive.pk).title == "新标题"


def test_directive_edit_of_another_county_is_404(operator_b, directive):
    url = reverse("duties:directive_edit", args=[directive.pk])

    assert logged_in(operator_b).get(url).status_code == 404


def test_directive_weights_page(operator_a, directive):
    first = make_task(operator_a, directive, "1", weight="50")
    second = make_task(operator_a, directive, "2", weight="30")
    url = reverse("duties:directive_weights", args=[directive.pk])
    client = logged_in(operator_a)

    assert client.get(url).status_code == 200
    bad = client.post(url, {f"w{first.pk}": "50", f"w{second.pk}": "40"})
    assert bad.status_code == 400
    assert "90%" in bad.content.decode()
    good = client.post(url, {f"w{first.pk}": "60", f"w{second.pk}": "40"})
    assert good.status_code == 302
    assert client.delete(url).status_code == 405


def duty_data(unit, **changes) -> dict:
    data = {"unit": unit.pk, "code": "JJ-09", "name": "河道保洁", "category": "环境",
            "basis": "《浙江省河长制规定》", "cycle": "monthly", "deadline": "",
            "required_evidence": "巡河照片", "is_public": "on", "directive": "",
            "funding": "县级 70%；乡镇 30%", "steps": "巡查 | 1 | 照片\n整改 | 3 | 整改单 | 是"}
    data.update(changes)
    return data


def test_duty_create_with_funding_and_steps(operator_a, unit_a):
    response = logged_in(operator_a).post(reverse("duties:duty_create"), duty_data(unit_a))

    duty = Duty.all_objects.get(code="JJ-09")
    assert response.status_code == 302
    assert duty.funding.count() == 2
    assert [s.is_disclosed for s in duty.steps.all()] == [False, True]


def test_duty_create_rejects_funding_over_100(operator_a, unit_a):
    data = duty_data(unit_a, funding="县级 70%；乡镇 40%")

    response = logged_in(operator_a).post(reverse("duties:duty_create"), data)

    assert response.status_code == 400
    assert "合计 110%" in response.content.decode()
    assert not Duty.all_objects.exists()


def test_duty_create_rejects_a_deadline_with_a_cycle(operator_a, unit_a):
    data = duty_data(unit_a, deadline="2026-06-30")

    response = logged_in(operator_a).post(reverse("duties:duty_create"), data)

    assert response.status_code == 400


def test_duty_list_detail_and_edit(operator_a, unit_a, duty):
    client = logged_in(operator_a)

    assert "村级财务公开" in client.get(reverse("duties:duty_list")).content.decode()
    detail = client.get(reverse("duties:duty_detail", args=[duty.pk]))
    assert "县级 80%" in detail.content.decode()
    edit_url = reverse("duties:duty_edit", args=[duty.pk])
    form = client.get(edit_url)
    assert form.status_code == 200
    assert "编制收支明细 | 5 | 收支明细表" in form.content.decode()
    data = duty_data(unit_a, code=duty.code, name="村级财务公开（月报）", version=duty.version)
    assert client.post(edit_url, data).status_code == 302
    assert Duty.all_objects.get(pk=duty.pk).name == "村级财务公开（月报）"
    assert verify() == []


def test_duty_pages_of_another_county_are_404(operator_b, duty):
    client = logged_in(operator_b)

    assert client.get(reverse("duties:duty_detail", args=[duty.pk])).status_code == 404
    assert client.get(reverse("duties:duty_edit", args=[duty.pk])).status_code == 404


def test_unknown_duty_is_404(operator_a):
    assert logged_in(operator_a).get(reverse("duties:duty_detail", args=[404])).status_code == 404


def test_duty_list_rejects_post(operator_a):
    assert logged_in(operator_a).post(reverse("duties:duty_list")).status_code == 405


def test_pages_need_login(client, duty):
    response = client.get(reverse("duties:duty_list"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inspector_reads_but_cannot_edit(inspector_a, duty):
    client = logged_in(inspector_a)

    assert client.get(reverse("duties:duty_detail", args=[duty.pk])).status_code == 200
    assert client.get(reverse("duties:duty_edit", args=[duty.pk])).status_code == 403


def test_english_page_when_chosen(operator_a, duty):
    response = logged_in(operator_a).get(reverse("duties:duty_list"),
                                         HTTP_ACCEPT_LANGUAGE="en")

    assert "Duty lists" in response.content.decode()


OBJECT_PAGES = [
    ("duties:directive_detail", "get"), ("duties:directive_edit", "get"),
    ("duties:directive_weights", "get"), ("duties:duty_detail", "get"),
    ("duties:duty_edit", "get"), ("duties:task_detail", "get"), ("duties:task_edit", "get"),
    ("duties:task_weights", "get"), ("duties:task_cancel", "get"),
    ("duties:milestone_create", "post"), ("duties:milestone_done", "post"),
    ("duties:report_create", "get"), ("duties:report_detail", "get"),
    ("duties:report_approve", "post"), ("duties:report_return", "post"),
    ("duties:evidence_download", "get"),
]
PAGES = ["duties:directive_list", "duties:duty_list", "duties:task_list", "duties:report_list",
         "duties:execution_rate", "duties:excel", "duties:excel_template"]


@pytest.mark.parametrize(("name", "method"), OBJECT_PAGES)
def test_unknown_rows_are_404(operator_a, name, method):
    response = getattr(logged_in(operator_a), method)(reverse(name, args=[4040]))

    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method"), OBJECT_PAGES)
def test_wrong_methods_are_405(operator_a, name, method):
    wrong = "delete" if method == "get" else "get"

    response = getattr(logged_in(operator_a), wrong)(reverse(name, args=[4040]))

    assert response.status_code == 405


@pytest.mark.parametrize("name", PAGES)
def test_list_pages_answer_and_reject_delete(operator_a, name):
    client = logged_in(operator_a)
    response = client.get(reverse(name))
    if response.streaming:
        download(response)

    assert response.status_code == 200
    assert client.delete(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", PAGES)
def test_pages_forbid_users_without_roles(django_user_model, name):
    user = django_user_model.objects.create_user(username="nobody", password="x-Pass-9271")

    assert logged_in(user).get(reverse(name)).status_code == 403
