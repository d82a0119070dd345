"""Arithmetic and advice of sunshine.funds.figures, on rows written through the funds actions."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from sunshine.audit.actions import create_row
from sunshine.funds import actions
from sunshine.funds.figures import (
    AdviceCode,
    add_months,
    advice_for,
    figures_of,
    format_money,
    format_rate,
)
from sunshine.funds.models import Contract, Project, ProjectStatus
from sunshine.rules.models import Setting
from tests.conftest import region

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 30)


@pytest.fixture
def project(operator_a):
    return actions.create_project(
        operator_a, code="JJ-2025-001", name="海门街道污水管网改造",
        region=region("331002001"), budget=Decimal("1500000.00"),
        planned_end=datetime.date(2025, 12, 31), status=ProjectStatus.IN_PROGRESS,
    )


def reload(project: Project) -> Project:
    return Project.all_objects.select_related("region__parent__parent").get(pk=project.pk)


def allocate(actor, project, approved, arrived, arrived_on=datetime.date(2025, 1, 10)):
    actions.add_allocation(actor, project, source="county", approved_amount=Decimal(approved),
                           arrived_amount=Decimal(arrived), approved_on=datetime.date(2025, 1, 5),
                           arrived_on=arrived_on if Decimal(arrived) else None)


def pay(actor, project, amount, paid_on=datetime.date(2025, 3, 1)):
    actions.add_disbursement(actor, project, paid_on=paid_on, amount=Decimal(amount),
                             payee_name="台州市椒江建设工程有限公司",
                             payee_credit_code="91110000600037341L")


def codes(project) -> list[AdviceCode]:
    return [item.code for item in advice_for(reload(project), today=TODAY)]


def test_it_sums_allocations_and_disbursements(operator_a, project):
    allocate(operator_a, project, "800000.00", "500000.25")
    allocate(operator_a, project, "200000.00", "100000.00")
    pay(operator_a, project, "120000.10")
    pay(operator_a, project, "30000.05")

    figures = figures_of(reload(project))

    assert figures.budget == Decimal("1500000.00")
    assert figures.allocated == Decimal("1000000.00")
    assert figures.arrived == Decimal("600000.25")
    assert figures.paid == Decimal("150000.15")
    assert figures.remaining == Decimal("450000.10")
    assert figures.currency == "CNY"


def test_it_computes_rates_to_four_places(operator_a, project):
    allocate(operator_a, project, "900000.00", "600000.00")
    pay(operator_a, project, "200000.00")

    figures = figures_of(reload(project))

    assert figures.arrival_rate == Decimal("0.6667")
    assert figures.spend_rate == Decimal("0.3333")


def test_rates_are_none_when_divisor_is_zero(project):
    figures = figures_of(reload(project))

    assert figures.allocated == Decimal("0.00")
    assert figures.arrival_rate is None
    assert figures.spend_rate is None
    assert figures.remaining == Decimal("0.00")


def test_spend_rate_is_none_when_nothing_arrived(operator_a, project):
    allocate(operator_a, project, "100000.00", "0")

    figures = figures_of(reload(project))

    assert figures.arrival_rate == Decimal("0.0000")
    assert figures.spend_rate is None


def test_it_follows_deleted_disbursement(operator_a, project):
    allocate(operator_a, project, "100000.00", "100000.00")
    pay(operator_a, project, "40000.00")
    second = actions.add_disbursement(operator_a, project, paid_on=datetime.date(2025, 4, 1),
                                      amount=Decimal("10000.00"), payee_name="某公司",
                                      payee_credit_code="91110000600037341L")

    actions.delete_disbursement(operator_a, second)

    figures = figures_of(reload(project))
    assert figures.paid == Decimal("40000.00")
    assert figures.spend_rate == Decimal("0.4000")


def test_advice_on_track(operator_a, project):
    allocate(operator_a, project, "100000.00", "100000.00")
    pay(operator_a, project, "80000.00")

    assert codes(project) == [AdviceCode.ON_TRACK]


def test_advice_overdue(operator_a, project):
    actions.update_project(operator_a, project, {"planned_end": datetime.date(2025, 6, 1)},
                           expected_version=None)

    assert AdviceCode.OVERDUE in codes(project)


def test_completed_project_is_not_overdue(operator_a, project):
    actions.update_project(operator_a, project, {"planned_end": datetime.date(2025, 6, 1),
                                                 "status": ProjectStatus.COMPLETED},
                           expected_version=None)

    assert AdviceCode.OVERDUE not in codes(project)


def test_advice_under_funded_below_threshold(operator_a, project):
    allocate(operator_a, project, "100000.00", "59990.00")
    pay(operator_a, project, "59990.00")

    assert codes(project) == [AdviceCode.UNDER_FUNDED]


def test_arrival_rate_at_threshold_is_not_under_funded(operator_a, project):
    allocate(operator_a, project, "100000.00", "60000.00")
    pay(operator_a, project, "60000.00")

    assert codes(project) == [AdviceCode.ON_TRACK]


def test_under_funded_threshold_comes_from_versioned_setting(operator_a, project):
    allocate(operator_a, project, "100000.00", "70000.00")
    pay(operator_a, project, "70000.00")
    Setting.objects.create(key="funds.low_arrival_rate", county=region("331002"), value="0.80",
                           effective_from=datetime.date(2025, 1, 1))

    assert codes(project) == [AdviceCode.UNDER_FUNDED]


def test_advice_slow_to_spend_after_idle_months(operator_a, project):
    allocate(operator_a, project, "100000.00", "100000.00", arrived_on=datetime.date(2024, 12, 30))
    pay(operator_a, project, "29990.00")

    assert codes(project) == [AdviceCode.SLOW_TO_SPEND]


def test_low_spend_within_idle_months_is_not_slow(operator_a, project):
    allocate(operator_a, project, "100000.00", "100000.00", arrived_on=datetime.date(2025, 1, 1))
    pay(operator_a, project, "10000.00")

    assert codes(project) == [AdviceCode.ON_TRACK]


def test_idle_months_come_from_versioned_setting(operator_a, project):
    allocate(operator_a, project, "100000.00", "100000.00", arrived_on=datetime.date(2025, 3, 1))
    pay(operator_a, project, "10000.00")
    Setting.objects.create(key="funds.idle_months", county=None, value=3,
                           effective_from=datetime.date(2025, 1, 1))

    assert codes(project) == [AdviceCode.SLOW_TO_SPEND]


def test_advice_overspent_comes_first(operator_a, project):
    allocate(operator_a, project, "100000.00", "50000.00")
    pay(operator_a, project, "70000.00")

    found = codes(project)

    assert found[0] == AdviceCode.OVERSPENT
    assert AdviceCode.UNDER_FUNDED in found


def test_advice_overspent_needs_allocation(operator_a, project):
    pay(operator_a, project, "70000.00")

    assert codes(project) == [AdviceCode.NO_ALLOCATION]


def test_advice_over_budget(operator_a, project):
    allocate(operator_a, project, "2000000.00", "2000000.00")
    pay(operator_a, project, "1500000.01")

    advice = advice_for(reload(project), today=TODAY)

    assert [item.code for item in advice] == [AdviceCode.OVER_BUDGET]
    assert "¥1,500,000.01" in advice[0].message
    assert "¥1,500,000.00" in advice[0].message


def test_advice_at_budget_is_on_track(operator_a, project):
    allocate(operator_a, project, "2000000.00", "2000000.00")
    pay(operator_a, project, "1500000.00")

    assert codes(project) == [AdviceCode.ON_TRACK]


def contract(actor, project, amount, credit_code="91110000600037341L"):
    supplier = actions.create_supplier(actor, name="台州市椒江建设工程有限公司",
                                       credit_code=credit_code)
    create_row(actor, Contract(project=project, supplier=supplier, amount=Decimal(amount)))
    return supplier


def pay_supplier(actor, project, supplier, amount):
    actions.add_disbursement(actor, project, paid_on=datetime.date(2025, 3, 1),
                             amount=Decimal(amount), payee_name=supplier.name,
                             payee_credit_code=supplier.credit_code, supplier=supplier)


def test_advice_over_contract(operator_a, project):
    allocate(operator_a, project, "1000000.00", "1000000.00")
    supplier = contract(operator_a, project, "500000.00")
    pay_supplier(operator_a, project, supplier, "300000.00")
    pay_supplier(operator_a, project, supplier, "250000.00")

    advice = advice_for(reload(project), today=TODAY)

    assert [item.code for item in advice] == [AdviceCode.OVER_CONTRACT]
    assert "¥550,000.00" in advice[0].message
    assert "¥500,000.00" in advice[0].message


def test_advice_counts_only_the_contractor(operator_a, project):
    allocate(operator_a, project, "1000000.00", "1000000.00")
    supplier = contract(operator_a, project, "500000.00")
    pay_supplier(operator_a, project, supplier, "500000.00")
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2025, 3, 2),
                             amount=Decimal("90000.00"), payee_name="台州某设计咨询有限公司")
    actions.add_disbursement(operator_a, project, paid_on=datetime.date(2025, 3, 2),
                             amount=Decimal("8000.00"), payee_name="王小明",
                             payee_is_person=True)

    assert codes(project) == [AdviceCode.ON_TRACK]


def test_budget_advice_is_chinese(operator_a, project):
    allocate(operator_a, project, "2000000.00", "2000000.00")
    pay(operator_a, project, "1600000.00")

    with translation.override("zh-hans"):
        message = advice_for(reload(project), today=TODAY)[0].message

    assert message == "支付金额 ¥1,600,000.00 超过了项目预算 ¥1,500,000.00，本项目账目需要核查。"


def test_contract_advice_is_chinese(operator_a, project):
    allocate(operator_a, project, "1000000.00", "1000000.00")
    pay_supplier(operator_a, project, contract(operator_a, project, "100.00"), "200.00")

    with translation.override("zh-hans"):
        message = advice_for(reload(project), today=TODAY)[0].message

    assert message == "向承包方支付的 ¥200.00 超过了其合同金额 ¥100.00，本项目账目需要核查。"


def test_advice_without_allocation(project):
    assert codes(project) == [AdviceCode.NO_ALLOCATION]


def test_advice_is_chinese_by_default(operator_a, project):
    allocate(operator_a, project, "100000.00", "50000.00")

    with translation.override("zh-hans"):
        message = advice_for(reload(project), today=TODAY)[0].message

    assert "资金到位不足" in message
    assert "50.00%" in message


def test_format_money():
    assert format_money(Decimal("1234567.5")) == "¥1,234,567.50"
    assert format_money(Decimal("-1200.5")) == "-¥1,200.50"
    assert format_money(Decimal("980"), "UAH") == "980.00 UAH"
    assert format_money(None) == "—"


def test_format_rate():
    assert format_rate(Decimal("0.6667")) == "66.67%"
    assert format_rate(Decimal("1.2500")) == "125.00%"
    assert format_rate(None) == "—"


def test_add_months_clamps_to_month_end():
    assert add_months(datetime.date(2024, 8, 31), 6) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2024, 12, 30), 6) == datetime.date(2025, 6, 30)
    assert add_months(datetime.date(2024, 1, 15), 12) == datetime.date(2025, 1, 15)
