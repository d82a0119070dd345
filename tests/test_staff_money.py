"""Staff pages that add, edit and delete a project's allocations and payments."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import reverse

from sunshine.audit.actions import create_row
from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify
from sunshine.funds import actions
from sunshine.funds.models import Allocation, Disbursement, Project
from sunshine.lib.money import MAX_YUAN
from tests.conftest import region

pytestmark = pytest.mark.django_db

CREDIT_CODE = "91110000600037341L"


@pytest.fixture
def project_a(operator_a, unit_a):
    return actions.create_project(operator_a, code="JJ-2024-001", name="海门街道道路改造",
                                  region=region("331002001"), owner_unit=unit_a)


@pytest.fixture
def allocation(operator_a, project_a):
    return actions.add_allocation(operator_a, project_a, source="county",
                                  approved_amount=Decimal("500000"),
                                  arrived_amount=Decimal("300000"),
                                  approved_on=datetime.date(2024, 3, 1),
                                  arrived_on=datetime.date(2024, 4, 1))


@pytest.fixture
def payment(operator_a, project_a, allocation):
    return actions.add_disbursement(operator_a, project_a, paid_on=datetime.date(2024, 5, 1),
                                    amount=Decimal("120000.55"), payee_name="台州某建设有限公司")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def allocation_data(**changes) -> dict:
    data = {"source": "county", "approved_amount": "500000", "approved_on": "2024-03-01",
            "arrived_amount": "300000", "arrived_on": "2024-04-01", "document_no": ""}
    data.update(changes)
    return data


def payment_data(**changes) -> dict:
    data = {"paid_on": "2024-05-01", "amount": "120000.55", "payee_name": "台州某建设有限公司",
            "payee_credit_code": "", "voucher_no": "", "purpose": ""}
    data.update(changes)
    return data


def totals(project: Project) -> tuple:
    project.refresh_from_db()
    return project.allocated_total, project.arrived_total, project.paid_total


# allocations


def test_allocation_create_updates_totals(operator_a, project_a):
    response = logged_in(operator_a).post(
        reverse("funds:allocation_create", args=[project_a.pk]),
        allocation_data(approved_amount="50万元", arrived_amount="1,000.50"),
    )

    assert response.status_code == 302
    assert totals(project_a) == (Decimal("500000.00"), Decimal("1000.50"), Decimal("0.00"))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("approved_amount", "-100", "负数"),
    ("approved_amount", "十万", "不是数字"),
    ("approved_amount", "100.005", "两位小数"),
    ("arrived_amount", "600000", "超过下达金额"),
    ("arrived_on", "2024-02-01", "早于下达日期"),
    ("arrived_on", "", "缺少到位日期"),
    ("approved_on", "2024/02/30", "不是日期"),
])
def test_allocation_create_rejects_bad_input(operator_a, project_a, field, value, message):
    response = logged_in(operator_a).post(
        reverse("funds:allocation_create", args=[project_a.pk]), allocation_data(**{field: value}))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Allocation.objects.filter(project=project_a).exists()


def test_allocation_create_on_other_county_is_not_found(operator_b, project_a):
    response = logged_in(operator_b).post(
        reverse("funds:allocation_create", args=[project_a.pk]), allocation_data())

    assert response.status_code == 404
    assert not Allocation.objects.exists()


def test_allocation_create_forbidden_for_inspector(inspector_a, project_a):
    response = logged_in(inspector_a).get(reverse("funds:allocation_create", args=[project_a.pk]))

    assert response.status_code == 403


def test_allocation_create_on_missing_project_is_404(operator_a):
    response = logged_in(operator_a).get(reverse("funds:allocation_create", args=[999999]))

    assert response.status_code == 404


def test_allocation_create_rejects_patch(operator_a, project_a):
    response = logged_in(operator_a).patch(reverse("funds:allocation_create", args=[project_a.pk]))

    assert response.status_code == 405


def test_allocation_edit_saves_and_refreshes_totals(operator_a, project_a, allocation):
    response = logged_in(operator_a).post(
        reverse("funds:allocation_edit", args=[allocation.pk]),
        allocation_data(arrived_amount="450000", version=allocation.version),
    )

    assert response.status_code == 302
    assert totals(project_a)[1] == Decimal("450000.00")


def test_allocation_edit_conflict_keeps_input(operator_a, project_a, allocation):
    actions.update_allocation(operator_a, allocation, {"arrived_amount": Decimal("400000")},
                              expected_version=1)

    response = logged_in(operator_a).post(
        reverse("funds:allocation_edit", args=[allocation.pk]),
        allocation_data(arrived_amount="450000", version=1),
    )

    assert response.status_code == 409
    assert 'value="450000"' in response.content.decode()
    assert totals(project_a)[1] == Decimal("400000.00")


def test_allocation_edit_on_other_county_is_not_found(operator_b, allocation):
    response = logged_in(operator_b).get(reverse("funds:allocation_edit", args=[allocation.pk]))

    assert response.status_code == 404


def test_allocation_edit_of_missing_row_is_404(operator_a):
    assert logged_in(operator_a).get(reverse("funds:allocation_edit", args=[999999])).status_code == 404


def test_allocation_edit_rejects_put(operator_a, allocation):
    response = logged_in(operator_a).put(reverse("funds:allocation_edit", args=[allocation.pk]))

    assert response.status_code == 405


def test_allocation_delete_asks_first(operator_a, allocation):
    response = logged_in(operator_a).get(reverse("funds:allocation_delete", args=[allocation.pk]))

    assert response.status_code == 200
    assert Allocation.objects.filter(pk=allocation.pk).exists()


def test_allocation_delete_removes_row_and_audits(operator_a, project_a, allocation):
    response = logged_in(operator_a).post(
        reverse("funds:allocation_delete", args=[allocation.pk]), {"version": allocation.version})

    assert response.status_code == 302
    assert not Allocation.objects.filter(pk=allocation.pk).exists()
    assert totals(project_a)[0] == Decimal("0.00")
    assert AuditEntry.objects.filter(object_type="funds.allocation", action="delete").exists()
    assert verify() == []


def test_allocation_delete_of_changed_row_is_refused(operator_a, allocation):
    actions.update_allocation(operator_a, allocation, {"document_no": "台财农〔2024〕1号"},
                              expected_version=1)

    response = logged_in(operator_a).post(
        reverse("funds:allocation_delete", args=[allocation.pk]), {"version": 1})

    assert response.status_code == 409
    assert Allocation.objects.filter(pk=allocation.pk).exists()


def test_allocation_delete_without_version_is_400(operator_a, allocation):
    response = logged_in(operator_a).post(reverse("funds:allocation_delete", args=[allocation.pk]))

    assert response.status_code == 400
    assert Allocation.objects.filter(pk=allocation.pk).exists()


def test_allocation_delete_on_other_county_is_not_found(operator_b, allocation):
    response = logged_in(operator_b).post(
        reverse("funds:allocation_delete", args=[allocation.pk]), {"version": 1})

    assert response.status_code == 404
    assert Allocation.objects.filter(pk=allocation.pk).exists()


def test_allocation_delete_of_missing_row_is_404(operator_a):
    response = logged_in(operator_a).post(reverse("funds:allocation_delete", args=[999999]))

    assert response.status_code == 404


# disbursements


def test_payment_create_links_supplier_by_credit_code(operator_a, project_a, allocation):
    supplier = actions.create_supplier(operator_a, name="台州某建设有限公司",
                                       credit_code=CREDIT_CODE)

    response = logged_in(operator_a).post(
        reverse("funds:disbursement_create", args=[project_a.pk]),
        payment_data(payee_credit_code=CREDIT_CODE.lower()),
    )

    payment = Disbursement.objects.get()
    assert response.status_code == 302
    assert payment.supplier == supplier
    assert payment.payee_credit_code == CREDIT_CODE
    assert payment.payee_is_person is False
    assert totals(project_a)[2] == Decimal("120000.55")


def test_payment_without_credit_code_is_a_person(operator_a, project_a, allocation):
    logged_in(operator_a).post(reverse("funds:disbursement_create", args=[project_a.pk]),
                               payment_data(payee_name="王小明"))

    assert Disbursement.objects.get().payee_is_person is True


def test_payment_over_arrived_funds_is_saved_and_flagged(operator_a, project_a, allocation):
    response = logged_in(operator_a).post(
        reverse("funds:disbursement_create", args=[project_a.pk]), payment_data(amount="400000"),
        follow=True,
    )

    assert Disbursement.objects.get().exceeds_arrived is True
    assert "超过了到位资金" in response.content.decode()


@time_machine.travel(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize(("field", "value", "message"), [
    ("amount", "-1", "负数"),
    ("amount", "0", "为零"),
    ("amount", "abc", "不是数字"),
    ("amount", "1000000000000.01", "过大"),
    ("amount", "1e999999999999999999", "过大"),
    ("paid_on", "2024-06-02", "晚于今天"),
    ("payee_credit_code", "91110000600037341X", "校验位"),
    ("payee_name", "", ""),
])
def test_payment_create_rejects_bad_input(operator_a, project_a, field, value, message):
    response = logged_in(operator_a).post(
        reverse("funds:disbursement_create", args=[project_a.pk]), payment_data(**{field: value}))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Disbursement.objects.exists()


def test_payment_create_on_other_county_is_not_found(operator_b, project_a):
    response = logged_in(operator_b).post(
        reverse("funds:disbursement_create", args=[project_a.pk]), payment_data())

    assert response.status_code == 404
    assert not Disbursement.objects.exists()


def test_payment_create_on_missing_project_is_404(operator_a):
    response = logged_in(operator_a).get(reverse("funds:disbursement_create", args=[999999]))

    assert response.status_code == 404


def test_payment_create_rejects_delete_method(operator_a, project_a):
    response = logged_in(operator_a).delete(
        reverse("funds:disbursement_create", args=[project_a.pk]))

    assert response.status_code == 405


def test_payment_edit_saves(operator_a, project_a, payment):
    response = logged_in(operator_a).post(
        reverse("funds:disbursement_edit", args=[payment.pk]),
        payment_data(amount="100000", purpose="第一期进度款", version=payment.version),
    )

    payment.refresh_from_db()
    assert response.status_code == 302
    assert payment.purpose == "第一期进度款"
    assert totals(project_a)[2] == Decimal("100000.00")


def test_payment_edit_conflict_keeps_input(operator_a, payment):
    actions.update_disbursement(operator_a, payment, {"purpose": "已由他人修改"},
                                expected_version=1)

    response = logged_in(operator_a).post(
        reverse("funds:disbursement_edit", args=[payment.pk]),
        payment_data(purpose="我的修改", version=1),
    )

    payment.refresh_from_db()
    assert response.status_code == 409
    assert 'value="我的修改"' in response.content.decode()
    assert payment.purpose == "已由他人修改"


def test_payment_edit_forbidden_for_inspector(inspector_a, payment):
    response = logged_in(inspector_a).post(
        reverse("funds:disbursement_edit", args=[payment.pk]), payment_data(version=1))

    assert response.status_code == 403


def test_payment_edit_on_other_county_is_not_found(operator_b, payment):
    response = logged_in(operator_b).get(reverse("funds:disbursement_edit", args=[payment.pk]))

    assert response.status_code == 404


def test_payment_edit_over_arrived_is_flagged(operator_a, project_a, payment):
    assert payment.exceeds_arrived is False

    response = logged_in(operator_a).post(
        reverse("funds:disbursement_edit", args=[payment.pk]),
        payment_data(amount="900万元", version=payment.version), follow=True,
    )

    payment.refresh_from_db()
    page = response.content.decode()
    assert payment.exceeds_arrived is True
    assert "已保存" in page
    assert "超过了到位资金" in page


def test_payment_edit_within_arrived_clears_flag(operator_a, project_a, allocation):
    payment = actions.add_disbursement(operator_a, project_a, paid_on=datetime.date(2024, 5, 1),
                                       amount=Decimal("400000"), payee_name="台州某建设有限公司")
    assert payment.exceeds_arrived is True

    response = logged_in(operator_a).post(
        reverse("funds:disbursement_edit", args=[payment.pk]),
        payment_data(amount="300000", version=payment.version), follow=True,
    )

    payment.refresh_from_db()
    assert payment.exceeds_arrived is False
    assert "超过了到位资金" not in response.content.decode()


def test_payment_edit_counts_other_payments(operator_a, project_a, payment):
    second = actions.add_disbursement(operator_a, project_a, paid_on=datetime.date(2024, 5, 2),
                                      amount=Decimal("100000"), payee_name="台州某建设有限公司")
    assert second.exceeds_arrived is False

    logged_in(operator_a).post(
        reverse("funds:disbursement_edit", args=[second.pk]),
        payment_data(amount="180000", version=second.version),
    )

    second.refresh_from_db()
    assert second.exceeds_arrived is True
    assert totals(project_a)[2] == Decimal("300000.55")


def test_payment_edit_of_missing_row_is_404(operator_a):
    response = logged_in(operator_a).get(reverse("funds:disbursement_edit", args=[999999]))

    assert response.status_code == 404


def test_payment_delete_removes_row(operator_a, project_a, payment):
    response = logged_in(operator_a).post(
        reverse("funds:disbursement_delete", args=[payment.pk]), {"version": payment.version})

    assert response.status_code == 302
    assert not Disbursement.objects.exists()
    assert totals(project_a)[2] == Decimal("0.00")
    assert verify() == []


def test_payment_delete_on_other_county_is_not_found(operator_b, payment):
    response = logged_in(operator_b).post(
        reverse("funds:disbursement_delete", args=[payment.pk]), {"version": 1})

    assert response.status_code == 404
    assert Disbursement.objects.exists()


def test_payment_delete_rejects_put(operator_a, payment):
    response = logged_in(operator_a).put(reverse("funds:disbursement_delete", args=[payment.pk]))

    assert response.status_code == 405


# project totals


def stored_payments(project: Project, count: int, amount: Decimal) -> None:
    """Store payments larger than the forms accept, as rows written before the limit existed."""
    Disbursement.objects.bulk_create([
        Disbursement(project=project, paid_on=datetime.date(2024, 5, 1), amount=amount,
                     payee_name="台州某建设有限公司")
        for _ in range(count)
    ])


def test_payment_past_total_limit_is_form_error(operator_a, project_a):
    stored_payments(project_a, 2, MAX_YUAN // 2)
    before = Disbursement.objects.count()

    response = logged_in(operator_a).post(
        reverse("funds:disbursement_create", args=[project_a.pk]), payment_data(amount="100"))

    assert response.status_code == 400
    message = " ".join(response.context["form"].non_field_errors())
    assert "JJ-2024-001" in message
    assert "上限" in message
    assert Disbursement.objects.count() == before


def test_payment_edit_past_total_limit_is_form_error(operator_a, project_a, payment):
    stored_payments(project_a, 1, MAX_YUAN - Decimal("100000"))

    response = logged_in(operator_a).post(
        reverse("funds:disbursement_edit", args=[payment.pk]),
        payment_data(amount="200000", version=payment.version),
    )

    payment.refresh_from_db()
    assert response.status_code == 400
    assert "上限" in " ".join(response.context["form"].non_field_errors())
    assert payment.amount == Decimal("120000.55")


def test_allocation_past_total_limit_is_form_error(operator_a, project_a):
    Allocation.objects.bulk_create([
        Allocation(project=project_a, source="county", approved_amount=MAX_YUAN // 2)
        for _ in range(2)
    ])

    response = logged_in(operator_a).post(
        reverse("funds:allocation_create", args=[project_a.pk]), allocation_data())

    assert response.status_code == 400
    assert "上限" in " ".join(response.context["form"].non_field_errors())
    assert Allocation.objects.count() == 2


def test_totals_at_limit_are_stored(operator_a, project_a):
    stored_payments(project_a, 1, MAX_YUAN - Decimal("100"))

    response = logged_in(operator_a).post(
        reverse("funds:disbursement_create", args=[project_a.pk]), payment_data(amount="100"))

    assert response.status_code == 302
    assert totals(project_a)[2] == MAX_YUAN


# projects in a foreign currency


@pytest.fixture
def peso_project(operator_a, unit_a):
    return actions.create_project(operator_a, code="ocds-test-mxn", name="Obra pública",
                                  region=region("331002001"), owner_unit=unit_a, currency="MXN")


def test_allocation_takes_project_currency(operator_a, peso_project):
    response = logged_in(operator_a).post(
        reverse("funds:allocation_create", args=[peso_project.pk]),
        allocation_data(approved_amount="1000", arrived_amount="1000"),
    )

    assert response.status_code == 302
    assert Allocation.objects.get().currency == "MXN"
    assert totals(peso_project) == (Decimal("1000.00"), Decimal("1000.00"), Decimal("0.00"))


def test_payment_takes_project_currency(operator_a, peso_project):
    response = logged_in(operator_a).post(
        reverse("funds:disbursement_create", args=[peso_project.pk]),
        payment_data(amount="250.10"),
    )

    assert response.status_code == 302
    assert Disbursement.objects.get().currency == "MXN"
    assert totals(peso_project)[2] == Decimal("250.10")


def test_foreign_form_rejects_yuan_units(operator_a, peso_project):
    client = logged_in(operator_a)

    response = client.post(reverse("funds:allocation_create", args=[peso_project.pk]),
                           allocation_data(approved_amount="50万元", arrived_amount="¥100"),
                           HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = response.content.decode()
    assert response.status_code == 400
    assert "“50万元”是人民币金额，但本项目的金额以 MXN 计" in page
    assert "“¥100”是人民币金额" in page
    assert "以本项目的币种 MXN 填写" in page
    assert not Allocation.objects.exists()


def test_foreign_payment_edit_rejects_yuan(operator_a, peso_project):
    payment = actions.add_disbursement(operator_a, peso_project, paid_on=datetime.date(2024, 5, 1),
                                       amount=Decimal("10"), payee_name="Acme")

    response = logged_in(operator_a).post(
        reverse("funds:disbursement_edit", args=[payment.pk]),
        payment_data(amount="20元", payee_name="Acme", version=payment.version),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "“20元” is in yuan, but this project keeps its amounts in MXN" in response.content.decode()
    payment.refresh_from_db()
    assert payment.amount == Decimal("10.00")


def test_action_rejects_other_currency(operator_a, peso_project):
    with pytest.raises(actions.CurrencyMismatchError) as caught:
        actions.add_allocation(operator_a, peso_project, source="county", currency="CNY",
                               approved_amount=Decimal("1000"))

    assert "CNY" in str(caught.value)
    assert "ocds-test-mxn" in str(caught.value)
    assert "MXN" in str(caught.value)
    assert not Allocation.objects.exists()


def test_totals_leave_out_other_currency(operator_a, peso_project):
    actions.add_allocation(operator_a, peso_project, source="county",
                           approved_amount=Decimal("70"), arrived_amount=Decimal("70"))
    with transaction.atomic():
        # As the staff form stored allocations before they took the project's currency.
        create_row(operator_a, Allocation(project=peso_project, source="county", currency="CNY",
                                          approved_amount=Decimal("1000")))
        actions.refresh_totals([peso_project.pk])

    assert totals(peso_project) == (Decimal("70.00"), Decimal("70.00"), Decimal("0.00"))
    assert Project.derived_mismatches() == []
