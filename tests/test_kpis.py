"""The dashboard's figures on a small hand-made set of projects, with exact expected values.

The set, with today = 2025-01-01 and the default arrival threshold of 60%:

| code | place | allocated | arrived | paid | planned end | status |
|---|---|---|---|---|---|---|
| HM-1 | 海门街道 | 1000.00 | 800.00 | 600.00 | 2024-01-01 | completed |
| HM-2 | 海门街道 | 500.00 | 100.00 | 150.00 | 2024-06-30 | in progress: overdue, under-funded, overpaid |
| BY-1 | 白云街道 | — | — | — | 2030-01-01 | planned |
| BY-2 | 白云街道 | 300.00 | 0.00 | — | 2024-01-01 | cancelled: neither due nor under-funded |
| HY-1 | 东城街道, 黄岩区 | 200.00 | 200.00 | 50.00 | 2024-01-01 | completed |
| HY-2 | 东城街道, 黄岩区 | 100.00 | 50.00 | — | 2030-01-01 | in progress: under-funded only at 60% |
| UA-1 | 海门街道 | 999.00 UAH | 999.00 UAH | — | 2024-01-01 | in progress, not in yuan: never counted |
"""

import datetime
from decimal import Decimal

import pytest

from sunshine.audit.actions import create_row
from sunshine.dashboard import kpis
from sunshine.funds import actions
from sunshine.funds.models import Contract, Project, ProjectStatus
from sunshine.rules.models import Setting
from tests.conftest import region

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 1, 1)
PAST = datetime.date(2024, 1, 1)
FUTURE = datetime.date(2030, 1, 1)


def make_project(actor, code, place, *, end, status, allocated=None, arrived="0",
                 paid=None, currency="CNY"):
    project = actions.create_project(actor, code=code, name=f"{code} 道路硬化工程",
                                     region=region(place), planned_end=end, status=status,
                                     currency=currency, is_public=True)
    if allocated is not None:
        actions.add_allocation(actor, project, source="county", currency=currency,
                               approved_amount=Decimal(allocated),
                               arrived_amount=Decimal(arrived))
    if paid is not None:
        actions.add_disbursement(actor, project, paid_on=datetime.date(2024, 3, 1),
                                 amount=Decimal(paid), payee_name="台州市宏达建设有限公司")
    return project


@pytest.fixture
def funds_dataset(operator_a):
    make_project(operator_a, "HM-1", "331002001", end=PAST, status=ProjectStatus.COMPLETED,
                 allocated="1000.00", arrived="800.00", paid="600.00")
    make_project(operator_a, "HM-2", "331002001", end=datetime.date(2024, 6, 30),
                 status=ProjectStatus.IN_PROGRESS, allocated="500.00", arrived="100.00",
                 paid="150.00")
    make_project(operator_a, "BY-1", "331002002", end=FUTURE, status=ProjectStatus.PLANNED)
    make_project(operator_a, "BY-2", "331002002", end=PAST, status=ProjectStatus.CANCELLED,
                 allocated="300.00")
    make_project(operator_a, "HY-1", "331003001", end=PAST, status=ProjectStatus.COMPLETED,
                 allocated="200.00", arrived="200.00", paid="50.00")
    make_project(operator_a, "HY-2", "331003001", end=FUTURE, status=ProjectStatus.IN_PROGRESS,
                 allocated="100.00", arrived="50.00")
    make_project(operator_a, "UA-1", "331002001", end=PAST, status=ProjectStatus.IN_PROGRESS,
                 allocated="999.00", arrived="999.00", currency="UAH")


def figures_of(code: str) -> kpis.Figures:
    place = region(code)
    projects = kpis.projects_in(place, Project.all_objects.all())
    return kpis.summary(projects, kpis.Conditions(place, TODAY))


def test_county_figures_are_exact(funds_dataset):
    figures = figures_of("331002")

    assert figures.projects == 4
    assert figures.allocated == Decimal("1800.00")
    assert figures.arrived == Decimal("900.00")
    assert figures.paid == Decimal("750.00")
    assert figures.arrival_rate == Decimal("0.5000")
    assert figures.spend_rate == Decimal("0.8333")
    assert figures.due == 2
    assert figures.completed_due == 1
    assert figures.completion_rate == Decimal("0.5000")
    assert figures.overdue == 1
    assert figures.under_funded == 1
    assert figures.overpaid == 1


def test_city_figures_add_up_the_counties(funds_dataset):
    figures = figures_of("331000")

    assert figures.projects == 6
    assert figures.allocated == Decimal("2100.00")
    assert figures.arrived == Decimal("1150.00")
    assert figures.paid == Decimal("800.00")
    assert figures.arrival_rate == Decimal("0.5476")
    assert figures.spend_rate == Decimal("0.6957")
    assert figures.due == 3
    assert figures.completed_due == 2
    assert figures.completion_rate == Decimal("0.6667")
    assert figures.overdue == 1
    assert figures.under_funded == 2
    assert figures.overpaid == 1


def test_it_uses_each_county_threshold(funds_dataset):
    Setting.objects.create(key="funds.low_arrival_rate", county=region("331003"), value="0.40",
                           effective_from=datetime.date(2020, 1, 1))

    assert figures_of("331000").under_funded == 1
    assert figures_of("331003").under_funded == 0
    assert figures_of("331002").under_funded == 1


def test_zero_divisors_give_no_rate(funds_dataset):
    figures = figures_of("331002002")

    assert figures.allocated == Decimal("300.00")
    assert figures.arrival_rate == Decimal("0.0000")
    assert figures.spend_rate is None
    assert figures.due == 0
    assert figures.completion_rate is None


def test_empty_region_has_zeros_and_no_rates():
    figures = figures_of("331022")

    assert figures == kpis.Figures()
    assert figures.arrival_rate is None
    assert figures.spend_rate is None
    assert figures.completion_rate is None


def test_city_breakdown_has_a_row_per_county(funds_dataset):
    city = region("331000")
    projects = kpis.projects_in(city, Project.all_objects.all())

    rows = {row.code: row for row in kpis.breakdown(projects, city, kpis.Conditions(city, TODAY))}

    assert len(rows) == 9
    assert rows["331002"].figures == figures_of("331002")
    assert rows["331003"].figures.projects == 2
    assert rows["331022"].figures == kpis.Figures()


def test_county_breakdown_groups_townships(funds_dataset):
    county = region("331002")
    projects = kpis.projects_in(county, Project.all_objects.all())

    rows = {row.code: row for row in kpis.breakdown(projects, county,
                                                    kpis.Conditions(county, TODAY))}

    assert rows["331002001"].figures.projects == 2
    assert rows["331002001"].figures.paid == Decimal("750.00")
    assert rows["331002002"].figures.projects == 2
    assert rows["331002003"].figures.projects == 0
    assert rows["331002001"].region.name == "海门街道"


def test_township_breakdown_keeps_projects_on_the_township(funds_dataset):
    township = region("331002001")
    projects = kpis.projects_in(township, Project.all_objects.all())

    rows = kpis.breakdown(projects, township, kpis.Conditions(township, TODAY))

    assert len(rows) == 1
    assert rows[0].region is None
    assert rows[0].figures.projects == 2


def test_village_has_no_breakdown(funds_dataset):
    village = region("331002001003")
    projects = kpis.projects_in(village, Project.all_objects.all())

    assert kpis.breakdown(projects, village, kpis.Conditions(village, TODAY)) == []


@pytest.mark.parametrize(("name", "codes"), [
    ("all", ["BY-1", "BY-2", "HM-1", "HM-2"]),
    ("due", ["HM-1", "HM-2"]),
    ("completed_due", ["HM-1"]),
    ("overdue", ["HM-2"]),
    ("under_funded", ["HM-2"]),
    ("overpaid", ["HM-2"]),
])
def test_lists_match_their_counts(funds_dataset, name, codes):
    county = region("331002")
    projects = kpis.projects_in(county, Project.all_objects.all())

    listed = kpis.filtered(projects, kpis.Conditions(county, TODAY), name)

    assert [project.code for project in listed] == codes


def test_listed_projects_carry_flags(funds_dataset):
    county = region("331002")
    projects = kpis.projects_in(county, Project.all_objects.all())

    flagged = {p.code: p for p in kpis.filtered(projects, kpis.Conditions(county, TODAY), "all")}

    assert flagged["HM-2"].is_overdue is True
    assert flagged["HM-2"].is_under_funded is True
    assert flagged["HM-2"].is_overpaid is True
    assert flagged["HM-1"].is_overdue is False
    assert flagged["BY-2"].is_under_funded is False


def test_ancestors_run_from_the_city_down():
    names = [r.name for r in kpis.ancestors(region("331002001003"))]

    assert names == ["台州市", "椒江区", "海门街道"]


@pytest.fixture
def overruns(operator_a):
    """Projects in 椒江区 paying beyond their budget or a contract, and one without allocations."""
    make_project(operator_a, "IM-1", "331002001", end=FUTURE, status=ProjectStatus.IN_PROGRESS,
                 paid="500.00")
    budget = make_project(operator_a, "BU-1", "331002001", end=FUTURE,
                          status=ProjectStatus.IN_PROGRESS, allocated="900.00", arrived="900.00",
                          paid="300.00")
    actions.update_project(operator_a, budget, {"budget": Decimal("299.99")},
                           expected_version=budget.version)
    contracted = make_project(operator_a, "CO-1", "331002001", end=FUTURE,
                              status=ProjectStatus.IN_PROGRESS, allocated="900.00",
                              arrived="900.00")
    supplier = actions.create_supplier(operator_a, name="台州市宏达建设有限公司",
                                       credit_code="91110000600037341L")
    create_row(operator_a, Contract(project=contracted, supplier=supplier, amount=Decimal("400.00")))
    for amount in ("250.00", "150.01"):
        actions.add_disbursement(operator_a, contracted, paid_on=datetime.date(2024, 3, 1),
                                 amount=Decimal(amount), payee_name=supplier.name,
                                 payee_credit_code=supplier.credit_code, supplier=supplier)


def test_overrun_counts_are_exact(overruns):
    figures = figures_of("331002")

    assert figures.projects == 3
    assert figures.overpaid == 0
    assert figures.over_budget == 1
    assert figures.over_contract == 1


@pytest.mark.parametrize(("name", "codes"), [
    ("overpaid", []),
    ("over_budget", ["BU-1"]),
    ("over_contract", ["CO-1"]),
])
def test_overrun_lists_match_counts(overruns, name, codes):
    county = region("331002")
    projects = kpis.projects_in(county, Project.all_objects.all())

    listed = kpis.filtered(projects, kpis.Conditions(county, TODAY), name)

    assert [project.code for project in listed] == codes


def test_listed_projects_carry_overrun_flags(overruns):
    county = region("331002")
    projects = kpis.projects_in(county, Project.all_objects.all())

    flagged = {p.code: p for p in kpis.filtered(projects, kpis.Conditions(county, TODAY), "all")}

    assert flagged["IM-1"].is_overpaid is False
    assert flagged["BU-1"].is_over_budget is True
    assert flagged["BU-1"].is_over_contract is False
    assert flagged["CO-1"].is_over_contract is True
    assert flagged["CO-1"].is_over_budget is False
