"""Staff project pages: list, detail, create and edit, with scope and version checks."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.funds import actions
from sunshine.funds.models import Project, ProjectStatus
from sunshine.portal.templatetags.portal_format import ocds_status
from tests.conftest import region
from tests.hidden_ids import assert_looks_unknown, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_a(operator_a, unit_a):
    project = actions.create_project(
        operator_a, code="JJ-2024-001", name="海门街道道路改造", region=region("331002001"),
        owner_unit=unit_a, budget=Decimal("1000000.00"),
        planned_start=datetime.date(2024, 3, 1), planned_end=datetime.date(2024, 12, 31),
    )
    actions.add_allocation(operator_a, project, source="county",
                           approved_amount=Decimal("500000"), arrived_amount=Decimal("300000"),
                           approved_on=datetime.date(2024, 3, 1),
                           arrived_on=datetime.date(2024, 4, 1))
    return project


@pytest.fixture
def project_b(operator_b, unit_b):
    return actions.create_project(operator_b, code="HY-2024-001", name="东城街道污水管网",
                                  region=region("331003001"), owner_unit=unit_b)


@pytest.fixture
def county_project_a(operator_a, unit_a):
    """A project of 椒江区 itself, outside the township operator's scope."""
    return actions.create_project(operator_a, code="JJ-2024-900", name="椒江区防洪堤加固",
                                  region=region("331002"), owner_unit=unit_a)


def edit_data(project: Project, **changes) -> dict:
    data = {
        "code": project.code, "name": project.name, "category": project.category,
        "region": project.region_id, "owner_unit": project.owner_unit_id or "",
        "responsible_person": "", "budget": str(project.budget or ""),
        "planned_start": project.planned_start or "", "planned_end": project.planned_end or "",
        "progress": project.progress, "status": project.status, "description": "",
        "version": project.version,
    }
    data.update(changes)
    return data


# list


def test_list_shows_own_county_only(operator_a, project_a, project_b):
    response = logged_in(operator_a).get(reverse("funds:project_list"))

    assert response.status_code == 200
    assert "JJ-2024-001" in response.content.decode()
    assert "HY-2024-001" not in response.content.decode()


def test_list_for_township_operator_hides_county_projects(township_operator, project_a,
                                                           county_project_a):
    response = logged_in(township_operator).get(reverse("funds:project_list"))

    assert "JJ-2024-001" in response.content.decode()
    assert "JJ-2024-900" not in response.content.decode()


def test_list_searches_by_name_and_village(operator_a, project_a, county_project_a):
    client = logged_in(operator_a)

    by_name = client.get(reverse("funds:project_list"), {"q": "道路"}).content.decode()
    by_region = client.get(reverse("funds:project_list"), {"q": "海门"}).content.decode()

    assert "JJ-2024-001" in by_name
    assert "JJ-2024-900" not in by_name
    assert "JJ-2024-001" in by_region


def test_list_filters_by_township_and_status(operator_a, project_a, county_project_a):
    client = logged_in(operator_a)

    township = client.get(reverse("funds:project_list"), {"township": "331002001"})
    status = client.get(reverse("funds:project_list"), {"status": ProjectStatus.COMPLETED})

    assert "JJ-2024-001" in township.content.decode()
    assert "JJ-2024-900" not in township.content.decode()
    assert "JJ-2024-001" not in status.content.decode()


def test_list_rejects_county_outside_scope(operator_a, project_a):
    response = logged_in(operator_a).get(reverse("funds:project_list"), {"county": "331003"})

    assert response.status_code == 400
    assert "不在列表中" in response.content.decode()


def test_list_flags_overdue_and_overpaid(operator_a, project_a):
    actions.add_disbursement(operator_a, project_a, paid_on=datetime.date(2024, 5, 1),
                             amount=Decimal("400000"), payee_name="台州某建设有限公司")

    response = logged_in(operator_a).get(reverse("funds:project_list"))

    page = response.context["page"]
    assert page.object_list[0].is_overdue is True
    assert page.object_list[0].is_overpaid is True
    assert "逾期" in response.content.decode()


def test_list_skips_overpaid_without_allocation(operator_a, unit_a):
    project = actions.create_project(operator_a, code="JJ-2024-009", name="海门街道路灯",
                                     region=region("331002001"), owner_unit=unit_a)
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2024, 5, 1),
                             amount=Decimal("4000"), payee_name="台州某建设有限公司")

    client = logged_in(operator_a)
    listed = client.get(reverse("funds:project_list")).context["page"].object_list
    filtered = client.get(reverse("funds:project_list"), {"flag": "overpaid"})

    assert listed[0].is_overpaid is False
    assert list(filtered.context["page"].object_list) == []


def test_list_filters_overdue_flag(operator_a, project_a, county_project_a):
    response = logged_in(operator_a).get(reverse("funds:project_list"), {"flag": "overdue"})

    assert [p.code for p in response.context["page"].object_list] == ["JJ-2024-001"]


def test_list_paginates(operator_a, unit_a):
    for number in range(30):
        actions.create_project(operator_a, code=f"JJ-P-{number:03d}", name="项目",
                               region=region("331002"), owner_unit=unit_a)

    first = logged_in(operator_a).get(reverse("funds:project_list"))
    second = logged_in(operator_a).get(reverse("funds:project_list"), {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5


def test_list_rejects_post(operator_a):
    assert logged_in(operator_a).post(reverse("funds:project_list")).status_code == 405


def test_list_redirects_anonymous_to_login(client):
    response = client.get(reverse("funds:project_list"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_list_forbids_user_without_role(django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-Pass-9271")

    assert logged_in(user).get(reverse("funds:project_list")).status_code == 403


# detail


def test_detail_shows_money_and_history(operator_a, project_a):
    actions.update_project(operator_a, project_a, {"progress": 40}, expected_version=1)

    response = logged_in(operator_a).get(reverse("funds:project_detail", args=[project_a.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "¥500,000.00" in body
    assert "funds.allocation" in body
    assert [row.entry.action for row in response.context["history"]][:1] == ["update"]
    assert ("progress", 0, 40) in response.context["history"][0].fields


@pytest.mark.parametrize(("language", "code", "shown"), [
    ("zh-hans", "terminated", "已终止"), ("zh-hans", "active", "有效"),
    ("en", "terminated", "terminated"), ("zh-hans", "on_hold", "on_hold"),
])
def test_ocds_status_in_page_language(language, code, shown):
    with translation.override(language):
        assert ocds_status(code) == shown


def test_detail_history_keeps_deleted_rows(operator_a, project_a):
    allocation = project_a.allocations.get()
    actions.delete_allocation(operator_a, allocation)

    response = logged_in(operator_a).get(reverse("funds:project_detail", args=[project_a.pk]))

    actions_seen = [(row.entry.object_type, row.entry.action) for row in response.context["history"]]
    assert ("funds.allocation", "delete") in actions_seen
    assert ("funds.allocation", "create") in actions_seen


def test_detail_of_other_county_is_not_found(operator_b, project_a):
    response = logged_in(operator_b).get(reverse("funds:project_detail", args=[project_a.pk]))

    assert response.status_code == 404


def test_detail_of_missing_project_is_404(operator_a):
    assert logged_in(operator_a).get(reverse("funds:project_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["funds:project_detail", "funds:project_edit",
                                  "funds:allocation_create", "funds:disbursement_create"])
def test_out_of_scope_looks_unknown(operator_b, project_a, name):
    hidden_url = reverse(name, args=[project_a.pk])
    missing_url = reverse(name, args=[project_a.pk + 1000])

    assert_looks_unknown(logged_in(operator_b), "get", hidden_url, missing_url)


def test_detail_rejects_post(operator_a, project_a):
    response = logged_in(operator_a).post(reverse("funds:project_detail", args=[project_a.pk]))

    assert response.status_code == 405


def test_detail_for_inspector_has_no_edit_link(inspector_a, project_a):
    response = logged_in(inspector_a).get(reverse("funds:project_detail", args=[project_a.pk]))

    assert response.status_code == 200
    assert reverse("funds:project_edit", args=[project_a.pk]) not in response.content.decode()


# create


def test_create_saves_and_audits(operator_a, unit_a):
    response = logged_in(operator_a).post(reverse("funds:project_create"), {
        "code": "JJ-2025-010", "name": "章安街道文化礼堂", "region": "331002008",
        "owner_unit": unit_a.pk, "budget": "120万元", "planned_start": "2025-03-01",
        "planned_end": "2025-10-31", "progress": "0", "status": "planned",
    })

    project = Project.all_objects.get(code="JJ-2025-010")
    assert response.status_code == 302
    assert project.budget == Decimal("1200000.00")
    assert AuditEntry.objects.filter(object_type="funds.project", object_id=str(project.pk),
                                     actor_id=operator_a.pk, action="create").exists()


def test_create_form_offers_only_regions_in_scope(operator_a):
    response = logged_in(operator_a).get(reverse("funds:project_create"))

    codes = {r.code for r in response.context["form"].fields["region"].queryset}
    assert "331002001" in codes
    assert "331003" not in codes
    assert "331003001" not in codes


@pytest.mark.parametrize(("field", "value", "message"), [
    ("budget", "-5", "负数"),
    ("budget", "abc", "不是数字"),
    ("budget", "1e30", "过大"),
    ("progress", "150", "0–100"),
    ("progress", "半", "整数"),
    ("planned_end", "2025-01-01", "早于计划开工"),
    ("planned_start", "2025-13-01", "不是日期"),
    ("region", "331003001", "超出"),
    ("region", "999999", "不存在"),
])
def test_create_rejects_bad_input(operator_a, unit_a, field, value, message):
    data = {"code": "JJ-2025-011", "name": "测试项目", "region": "331002", "progress": "0",
            "status": "planned", "planned_start": "2025-03-01", field: value}

    response = logged_in(operator_a).post(reverse("funds:project_create"), data)

    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert value in errors or field in ("planned_end",)
    assert not Project.all_objects.filter(code="JJ-2025-011").exists()


@pytest.mark.parametrize("code", ["T/../JJ-2023-0001", "JJ/2025/7", "..", ".", "-JJ-1",
                                  "JJ 2025", "JJ?1", "JJ#1", "JJ%2F1", "JJ\\1", "JJ\t1"])
def test_create_rejects_code_breaking_url(operator_a, unit_a, code):
    data = {"code": code, "name": "测试项目", "region": "331002", "progress": "0",
            "status": "planned"}

    response = logged_in(operator_a).post(reverse("funds:project_create"), data)

    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["code"])
    assert f"项目编号“{code}”含有不能用于网址的字符" in errors
    assert "字母、数字、“-”、“_”和“.”" in errors
    assert not Project.all_objects.exists()


@pytest.mark.parametrize("code", ["JJ-2025-011", "jj_2025.011", "椒财2025-11号"])
def test_create_accepts_code_of_allowed_characters(operator_a, unit_a, code):
    data = {"code": code, "name": "测试项目", "region": "331002", "progress": "0",
            "status": "planned"}

    response = logged_in(operator_a).post(reverse("funds:project_create"), data)

    assert response.status_code == 302
    assert Project.all_objects.filter(code=code).exists()


def test_edit_keeps_stored_code_with_slash(operator_a, unit_a):
    project = actions.create_project(operator_a, code="JJ/2024/9", name="旧编号项目",
                                     region=region("331002001"), owner_unit=unit_a)

    kept = logged_in(operator_a).post(reverse("funds:project_edit", args=[project.pk]),
                                      edit_data(project, name="改名后的旧编号项目"))
    project.refresh_from_db()
    changed = logged_in(operator_a).post(reverse("funds:project_edit", args=[project.pk]),
                                         edit_data(project, code="JJ/2024/10"))

    assert kept.status_code == 302
    assert changed.status_code == 400
    assert "JJ/2024/10" in " ".join(changed.context["form"].errors["code"])
    project.refresh_from_db()
    assert (project.code, project.name) == ("JJ/2024/9", "改名后的旧编号项目")


def test_create_rejects_duplicate_code(operator_a, project_a):
    response = logged_in(operator_a).post(reverse("funds:project_create"), {
        "code": "JJ-2024-001", "name": "重复", "region": "331002", "progress": "0",
        "status": "planned",
    })

    assert response.status_code == 400
    assert "JJ-2024-001" in response.context["form"].errors["code"][0]


def test_create_forbidden_for_inspector(inspector_a):
    response = logged_in(inspector_a).post(reverse("funds:project_create"), {
        "code": "JJ-2025-012", "name": "x", "region": "331002", "progress": "0",
        "status": "planned",
    })

    assert response.status_code == 403
    assert not Project.all_objects.filter(code="JJ-2025-012").exists()


def test_create_rejects_put(operator_a):
    assert logged_in(operator_a).put(reverse("funds:project_create")).status_code == 405


# edit


def test_edit_form_carries_version(operator_a, project_a):
    response = logged_in(operator_a).get(reverse("funds:project_edit", args=[project_a.pk]))

    assert response.status_code == 200
    assert 'name="version" value="1"' in response.content.decode()


def test_edit_saves_change(operator_a, project_a):
    project_a.refresh_from_db()
    response = logged_in(operator_a).post(reverse("funds:project_edit", args=[project_a.pk]),
                                          edit_data(project_a, progress=60))

    project_a.refresh_from_db()
    assert response.status_code == 302
    assert project_a.progress == 60
    assert project_a.version == 2


def test_concurrent_edit_rejects_second_save(operator_a, django_user_model,
                                            unit_a, project_a):
    colleague = django_user_model.objects.create_user("colleague_a", password="x-Pass-9271")
    colleague.assignments.create(role="operator", unit=unit_a)
    project_a.refresh_from_db()
    first, second = logged_in(operator_a), logged_in(colleague)
    url = reverse("funds:project_edit", args=[project_a.pk])
    first.get(url)
    second.get(url)

    saved = first.post(url, edit_data(project_a, progress=50))
    stale = second.post(url, edit_data(project_a, progress=80, name="改名后的项目"))

    project_a.refresh_from_db()
    assert saved.status_code == 302
    assert stale.status_code == 409
    assert project_a.progress == 50
    assert project_a.name == "海门街道道路改造"
    body = stale.content.decode()
    assert "已被他人修改" in body
    assert 'value="改名后的项目"' in body
    assert 'value="80"' in body
    conflicts = {(row["mine"], row["saved"]) for row in stale.context["conflicts"]}
    assert (80, 50) in conflicts
    assert ("改名后的项目", "海门街道道路改造") in conflicts


def test_edit_rejects_missing_version(operator_a, project_a):
    data = edit_data(project_a, progress=10)
    del data["version"]

    response = logged_in(operator_a).post(reverse("funds:project_edit", args=[project_a.pk]), data)

    assert response.status_code == 400
    assert "版本" in response.content.decode()


def test_edit_of_other_county_is_not_found(operator_b, project_a):
    project_a.refresh_from_db()
    response = logged_in(operator_b).post(reverse("funds:project_edit", args=[project_a.pk]),
                                          edit_data(project_a, progress=99))

    project_a.refresh_from_db()
    assert response.status_code == 404
    assert project_a.progress == 0


def test_edit_forbidden_for_inspector(inspector_a, project_a):
    response = logged_in(inspector_a).get(reverse("funds:project_edit", args=[project_a.pk]))

    assert response.status_code == 403


def test_edit_of_missing_project_is_404(operator_a):
    assert logged_in(operator_a).get(reverse("funds:project_edit", args=[999999])).status_code == 404


def test_edit_rejects_delete_method(operator_a, project_a):
    response = logged_in(operator_a).delete(reverse("funds:project_edit", args=[project_a.pk]))

    assert response.status_code == 405


def test_edit_cannot_move_project_out_of_scope(operator_a, project_a):
    project_a.refresh_from_db()
    response = logged_in(operator_a).post(reverse("funds:project_edit", args=[project_a.pk]),
                                          edit_data(project_a, region="331003001"))

    project_a.refresh_from_db()
    assert response.status_code == 400
    assert project_a.region_id == "331002001"


def test_staff_edits_keep_audit_chain_valid(operator_a, project_a):
    client = logged_in(operator_a)
    project_a.refresh_from_db()
    client.post(reverse("funds:project_edit", args=[project_a.pk]),
                edit_data(project_a, progress=30, status=ProjectStatus.IN_PROGRESS))
    client.post(reverse("funds:allocation_create", args=[project_a.pk]), {
        "source": "city", "approved_amount": "20万元", "arrived_amount": "100000",
        "approved_on": "2024-05-01", "arrived_on": "2024-05-20",
    })
    client.post(reverse("funds:disbursement_create", args=[project_a.pk]), {
        "paid_on": "2024-06-01", "amount": "1,234.56", "payee_name": "台州某建设有限公司",
        "payee_credit_code": "91110000600037341L",
    })
    allocation = project_a.allocations.order_by("id").first()
    client.post(reverse("funds:allocation_delete", args=[allocation.pk]),
                {"version": allocation.version})

    project_a.refresh_from_db()
    assert project_a.progress == 30
    assert project_a.allocated_total == Decimal("200000.00")
    assert project_a.paid_total == Decimal("1234.56")
    assert verify() == []


# projects in a foreign currency


@pytest.fixture
def peso_project(operator_a, unit_a):
    return actions.create_project(operator_a, code="ocds-test-mxn", name="Obra pública",
                                  region=region("331002001"), owner_unit=unit_a,
                                  budget=Decimal("2500.00"), currency="MXN")


def test_edit_reads_budget_in_project_currency(operator_a, peso_project):
    response = logged_in(operator_a).post(reverse("funds:project_edit", args=[peso_project.pk]),
                                          edit_data(peso_project, budget="3,000.50"))

    peso_project.refresh_from_db()
    assert response.status_code == 302
    assert peso_project.budget == Decimal("3000.50")
    assert peso_project.currency == "MXN"


def test_edit_rejects_yuan_budget_on_foreign_project(operator_a, peso_project):
    response = logged_in(operator_a).post(reverse("funds:project_edit", args=[peso_project.pk]),
                                          edit_data(peso_project, budget="12万元"),
                                          HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert response.status_code == 400
    assert "“12万元”是人民币金额，但本项目的金额以 MXN 计" in page
    peso_project.refresh_from_db()
    assert peso_project.budget == Decimal("2500.00")


def test_edit_form_names_budget_currency(operator_a, peso_project):
    response = logged_in(operator_a).get(reverse("funds:project_edit", args=[peso_project.pk]))

    assert "以本项目的币种 MXN 填写" in response.content.decode()


def test_new_project_budget_stays_in_yuan(operator_a):
    response = logged_in(operator_a).get(reverse("funds:project_create"))

    page = response.content.decode()
    assert "以本项目的币种" not in page
    assert "万元" in page


def test_list_shows_amounts_with_currency(operator_a, project_a, peso_project):
    project_a.refresh_from_db()
    actions.update_project(operator_a, project_a, {"budget": Decimal("1000")},
                           expected_version=None)

    page = logged_in(operator_a).get(reverse("funds:project_list")).content.decode()

    assert "2,500.00 MXN" in page
    assert "¥1,000.00" in page
