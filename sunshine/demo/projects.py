"""Demo projects with their allocations, contracts and disbursements.

Each project follows a scenario drawn from the seed: regular, late
(planned completion passed, not completed), under-funded (arrival below
the county's ``funds.low_arrival_rate``), over-paid (paid more than has
arrived), not started or cancelled. Every date falls between 2023-01-01 and
``AS_OF``, the day the demo data describes, except planned dates, which run
to the end of 2026; so the same seed gives the same data on any day.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sunshine.demo import bulk, names
from sunshine.demo.bulk import yuan
from sunshine.demo.organisation import Organisation, TownshipUnits, is_rural, place_name
from sunshine.demo.schedule import AS_OF, LAST_DAY, clamp, days_after, random_day
from sunshine.demo.suppliers import SupplierPool
from sunshine.funds.actions import refresh_totals
from sunshine.funds.models import (
    Allocation,
    Contract,
    Disbursement,
    FundSource,
    Project,
    ProjectStatus,
    Source,
)
from sunshine.rules.values import get_setting

CATEGORY_KEYS = [category[0] for category in names.CATEGORIES]
CATEGORY_WEIGHTS = (24, 10, 10, 8, 14, 8, 10, 8, 8)
DURATION_DAYS = {
    "roads": (120, 300), "water": (150, 360), "housing": (90, 240), "culture": (150, 330),
    "sewage": (180, 420), "rivers": (150, 360), "village": (200, 420), "toilets": (60, 150),
    "lighting": (45, 120),
}
# Funding sources by category, from the top level down; a project draws two or more.
SOURCES = {
    "roads": ("provincial", "county", "township", "self_raised"),
    "water": ("provincial", "city", "county", "township"),
    "housing": ("central", "provincial", "county", "self_raised"),
    "culture": ("provincial", "county", "township", "self_raised"),
    "sewage": ("provincial", "county", "township"),
    "rivers": ("central", "provincial", "county"),
    "village": ("provincial", "city", "county", "township"),
    "toilets": ("county", "township"),
    "lighting": ("township", "self_raised"),
}
# Scenario shares in percent; the rest are "regular", of which LATE_PERCENT of
# those whose planned completion has passed are late as well.
SHARES = {"cancelled": 2, "not_started": 5, "under_funded": 10, "over_paid": 3}
LATE_PERCENT = 22
# The first projects follow these scenarios, so that even a small demo shows each problem.
GUARANTEED = ("late", "under_funded", "over_paid", "not_started", "cancelled")


@dataclass
class ProjectPlan:
    project: Project
    scenario: str
    allocations: list[Allocation] = field(default_factory=list)
    contract: Contract | None = None
    disbursements: list[Disbursement] = field(default_factory=list)


def build_projects(
    actor: Any, rng: random.Random, organisation: Organisation, suppliers: SupplierPool,
    count: int,
) -> Counter:
    """Create ``count`` projects with their money, and return how many follow each scenario."""
    planner = Planner(rng, organisation, suppliers)
    plans = [planner.plan(GUARANTEED[i] if i < len(GUARANTEED) else None) for i in range(count)]
    bulk.insert_audited(actor, [plan.project for plan in plans])

    for plan in plans:
        for child in [*plan.allocations, *plan.disbursements, plan.contract]:
            if child is not None:
                child.project = plan.project
    _insert_children(actor, plans)
    refresh_totals([plan.project.pk for plan in plans])
    return Counter(plan.scenario for plan in plans)


def _insert_children(actor: Any, plans: list[ProjectPlan]) -> None:
    allocations = [a for plan in plans for a in plan.allocations]
    contracts = [plan.contract for plan in plans if plan.contract is not None]
    disbursements = [d for plan in plans for d in plan.disbursements]
    for rows in (allocations, contracts, disbursements):
        if rows:
            bulk.insert_audited(actor, rows)


class Planner:
    """Draws one project at a time, with its money, from the seeded generator."""

    def __init__(self, rng: random.Random, organisation: Organisation,
                 suppliers: SupplierPool) -> None:
        self.rng = rng
        self.suppliers = suppliers
        self.people = organisation.people
        self.townships = [t for t in organisation.townships if t.region.is_statutory]
        self.codes: Counter = Counter()
        self.names: Counter = Counter()
        self.low_arrival = {
            county.region.code: get_setting("funds.low_arrival_rate", region=county.region)
            for county in organisation.counties
        }

    def plan(self, scenario: str | None = None) -> ProjectPlan:
        rng = self.rng
        township = rng.choice(self.townships)
        key, label, patterns, budget_range = rng.choices(names.CATEGORIES,
                                                         weights=CATEGORY_WEIGHTS)[0]
        scenario = scenario or self._scenario()
        start, end = self._schedule(key, scenario)
        status, progress = self._status(scenario, start, end)

        project = self._project(township, key, label, patterns, budget_range, start, end)
        project.status, project.progress = status, progress
        plan = ProjectPlan(project, scenario)
        if scenario == "cancelled":
            return plan

        plan.allocations = self._allocations(township, key, project, scenario)
        if status not in (ProjectStatus.PLANNED, ProjectStatus.CANCELLED):
            plan.contract = self._contract(township, project)
        plan.disbursements = Payments(self, township, plan).draw()
        return plan

    def _scenario(self) -> str:
        roll = self.rng.randrange(100)
        for scenario, share in SHARES.items():
            if roll < share:
                return scenario
            roll -= share
        return "regular"

    def _schedule(self, key: str, scenario: str) -> tuple[datetime.date, datetime.date]:
        rng = self.rng
        if scenario == "not_started":
            # Approved this autumn, still out to tender, due by the end of the year.
            return random_day(rng, datetime.date(2026, 9, 1), datetime.date(2026, 11, 20)), LAST_DAY
        years, weights = [2023, 2024, 2025, 2026], [2, 3, 3, 2]
        if scenario in ("late", "over_paid"):
            # Started by 2025, so the planned completion has passed and money has arrived.
            years, weights = years[:-1], weights[:-1]
        year = rng.choices(years, weights=weights)[0]
        start = random_day(rng, datetime.date(year, 2, 1), datetime.date(year, 9, 30))
        low, high = DURATION_DAYS[key]
        return start, min(days_after(rng, start, low, high), LAST_DAY)

    def _status(self, scenario: str, start: datetime.date, end: datetime.date) -> tuple[str, int]:
        rng = self.rng
        if scenario == "cancelled":
            return ProjectStatus.CANCELLED, 0
        if scenario == "not_started":
            return ProjectStatus.PLANNED, 0
        if end < AS_OF:
            if scenario != "late" and rng.randrange(100) >= LATE_PERCENT:
                return ProjectStatus.COMPLETED, 100
            if rng.random() < 0.15:
                return ProjectStatus.SUSPENDED, rng.randint(15, 60)
            return ProjectStatus.IN_PROGRESS, rng.randint(40, 92)
        elapsed = (AS_OF - start).days / max((end - start).days, 1)
        return ProjectStatus.IN_PROGRESS, max(5, min(95, round(elapsed * 100 + rng.gauss(0, 8))))

    def _project(self, township: TownshipUnits, key, label, patterns, budget_range,
                 start, end) -> Project:
        rng = self.rng
        village = rng.choice(township.villages) if township.villages and rng.random() < 0.75 else None
        place = place_name(village.region) if village else township.region.name
        others = [place_name(v) for v in township.all_villages if is_rural(v)]
        others = [other for other in others if other != place] or [township.region.name]
        name = self._unique_name(names.project_name(rng, patterns, place, rng.choice(others)))

        owner = village.committee if village else township.government
        if village is None and key == "roads" and rng.random() < 0.3:
            owner = township.county.units["transport"]
        responsible = self.people[owner.pk][0 if village else 1]

        abbreviation = township.county.abbreviation.upper()
        self.codes[(abbreviation, start.year)] += 1
        low, high = budget_range
        return Project(
            code=f"{abbreviation}-{start.year}-{self.codes[(abbreviation, start.year)]:04d}",
            name=name, category=label, region=village.region if village else township.region,
            owner_unit=owner, responsible_person=responsible,
            budget=yuan(rng.randint(low // 100, high // 100) * 100 * 100),
            planned_start=start, planned_end=end, is_public=rng.random() < 0.85,
            source=Source.DEMO,
            description=f"建设地点：{township.county.region.name}{township.region.name}"
                        f"{place if village else ''}；"
                        f"建设内容：{names.project_content(rng, key)}。",
        )

    def _unique_name(self, name: str) -> str:
        """Name a repeated project as its second or third phase, as counties do."""
        self.names[name] += 1
        phase = self.names[name]
        if phase == 1:
            return name
        return f"{name}（{'二三四五六七八九十'[min(phase, 10) - 2]}期）"

    def _allocations(self, township: TownshipUnits, key: str, project: Project,
                     scenario: str) -> list[Allocation]:
        rng = self.rng
        sources = self._sources(key)
        budget = int(project.budget * 100)
        # Approved amounts are whole thousands of yuan (0.1 万元), as grant documents state them.
        total = int(budget * rng.uniform(0.9, 1.0)) // 100_000 * 100_000
        weights = [rng.uniform(1, 3) * (len(sources) - rank) for rank in range(len(sources))]
        amounts = [int(total * w / sum(weights)) // 100_000 * 100_000 for w in weights]
        amounts[0] += total - sum(amounts)

        assert project.planned_start is not None
        base = project.planned_start - datetime.timedelta(days=rng.randint(20, 90))
        allocations = []
        for source, amount in zip(sources, amounts, strict=True):
            if amount <= 0:
                continue
            approved_on = clamp(days_after(rng, base, 0, 60))
            allocations.append(Allocation(
                source=source, approved_amount=yuan(amount), approved_on=approved_on,
                arrived_amount=yuan(0), document_no=self._document_no(
                    source, approved_on, township),
                origin=Source.DEMO,
            ))
        allocations.sort(key=lambda a: (a.approved_on, a.source))

        share = self._arrival_share(township, scenario, project.status)
        self._arrive(allocations, int(total * share))
        return allocations

    def _sources(self, key: str) -> list[str]:
        sources = SOURCES[key]
        count = self.rng.randint(min(2, len(sources)), len(sources))
        keep = sorted(self.rng.sample(range(len(sources)), count))
        return [sources[index] for index in keep]

    def _arrival_share(self, township: TownshipUnits, scenario: str, status: str) -> float:
        rng = self.rng
        threshold = float(self.low_arrival[township.county.region.code])
        if scenario == "under_funded":
            return threshold * rng.uniform(0.3, 0.85)
        if status == ProjectStatus.PLANNED:
            return rng.choice((0.0, 0.0, rng.uniform(0.2, 0.5)))
        if status == ProjectStatus.COMPLETED or rng.random() < 0.4:
            return 1.0
        return rng.uniform(max(threshold + 0.1, 0.75), 1.0)

    def _arrive(self, allocations: list[Allocation], target: int) -> None:
        """Let the earliest grants arrive in full until ``target`` fen have arrived."""
        for allocation in allocations:
            assert allocation.approved_on is not None
            arrived_on = days_after(self.rng, allocation.approved_on, 7, 60)
            amount = min(int(allocation.approved_amount * 100), target)
            if amount <= 0 or arrived_on > AS_OF:
                continue
            allocation.arrived_amount, allocation.arrived_on = yuan(amount), arrived_on
            target -= amount

    def _document_no(self, source: str, day: datetime.date, township: TownshipUnits) -> str:
        number = self.rng.randint(3, 160)
        issuers: dict[str, str] = {
            FundSource.CENTRAL: "财农",
            FundSource.PROVINCIAL: "浙财农",
            FundSource.CITY: "台财农发",
            FundSource.COUNTY: f"{township.county.short_name[0]}财农",
            FundSource.TOWNSHIP: f"{township.region.name[:2]}政发",
        }
        issuer = issuers.get(source)
        return f"{issuer}〔{day.year}〕{number}号" if issuer else ""

    def _contract(self, township: TownshipUnits, project: Project) -> Contract:
        rng = self.rng
        assert project.planned_start is not None and project.budget is not None
        supplier = self.suppliers.pick(rng, township.county.region.code, "construction")
        amount = int(project.budget * 100 * Decimal(rng.uniform(0.85, 0.97)))
        return Contract(
            external_id=f"{project.code}-SG", title=f"{project.name}施工合同",
            supplier=supplier, amount=yuan(amount),
            status="terminated" if project.status == ProjectStatus.COMPLETED else "active",
            signed_on=clamp(project.planned_start - datetime.timedelta(days=rng.randint(3, 25))),
            start_on=project.planned_start, end_on=project.planned_end,
        )


class Payments:
    """Draws the disbursements of one project: fees, labour and the contractor's instalments."""

    def __init__(self, planner: Planner, township: TownshipUnits, plan: ProjectPlan) -> None:
        self.rng = planner.rng
        self.suppliers = planner.suppliers
        self.county_code = township.county.region.code
        self.plan = plan
        self.project = plan.project
        self.budget = int((self.project.budget or 0) * 100)
        self.arrived = sum(int(a.arrived_amount * 100) for a in plan.allocations)
        arrivals = [a.arrived_on for a in plan.allocations if a.arrived_on is not None]
        self.first_day = min(arrivals) if arrivals else None
        self.rows: list[Disbursement] = []

    def draw(self) -> list[Disbursement]:
        if self.first_day is None:
            return []
        assert self.project.planned_end is not None
        last_day = min(AS_OF, self.project.planned_end + datetime.timedelta(days=90))
        if last_day <= self.first_day:
            last_day = AS_OF
        remaining = self._target()

        remaining = self._design_fee(remaining, last_day)
        if self.plan.contract is not None:
            # Design is contracted separately; works are paid only once their
            # contract is signed, or the data would show payments before contract.
            assert self.plan.contract.signed_on is not None
            self.first_day = max(self.first_day, self.plan.contract.signed_on)
            remaining = self._supervision_fees(remaining, last_day)
            remaining = self._labour(remaining, last_day)
            self._instalments(remaining, last_day)
        return self._flag_excess()

    def _target(self) -> int:
        """Return how many fen the project has paid out by ``AS_OF``."""
        rng, project = self.rng, self.project
        if self.plan.scenario == "over_paid":
            return int(self.arrived * rng.uniform(1.04, 1.25))
        if project.status == ProjectStatus.COMPLETED:
            return int(self.arrived * rng.uniform(0.93, 1.0))
        if project.status == ProjectStatus.PLANNED:
            return min(self.arrived, int(self.budget * rng.uniform(0.015, 0.03)))
        factor = rng.uniform(0.6, 0.9) if project.status == ProjectStatus.SUSPENDED else \
            rng.uniform(0.75, 1.0)
        return min(self.arrived, int(self.budget * project.progress / 100 * factor))

    def _design_fee(self, remaining: int, last_day: datetime.date) -> int:
        if self.project.status != ProjectStatus.PLANNED and self.rng.random() > 0.7:
            return remaining
        assert self.first_day is not None
        fee = min(remaining, int(self.budget * self.rng.uniform(0.015, 0.03)))
        day = min(days_after(self.rng, self.first_day, 3, 30), last_day)
        return remaining - self._pay_supplier("design", fee, day, "设计费")

    def _supervision_fees(self, remaining: int, last_day: datetime.date) -> int:
        if self.rng.random() > 0.5:
            return remaining
        assert self.first_day is not None
        fee = min(remaining, int(self.budget * self.rng.uniform(0.01, 0.025)))
        supplier = self.suppliers.pick(self.rng, self.county_code, "supervision")
        first = fee // 2 if self.project.status == ProjectStatus.COMPLETED else fee
        days = sorted(random_day(self.rng, self.first_day, last_day) for _ in range(2))
        paid = self._pay_supplier("supervision", first, days[0], "监理费（第1期）", supplier)
        if fee > first:
            paid += self._pay_supplier("supervision", fee - first, days[1], "监理费（第2期）",
                                       supplier)
        return remaining - paid

    def _labour(self, remaining: int, last_day: datetime.date) -> int:
        """Pay a few villagers directly: wages for casual work or compensation for crops."""
        rng = self.rng
        if rng.random() > 0.25:
            return remaining
        assert self.first_day is not None
        purposes = ("青苗补偿款",) if self.project.category in ("道路硬化", "河道整治") else \
            ("村民务工工资", "零星用工劳务费")
        for _ in range(rng.randint(1, 3)):
            amount = min(remaining, rng.randint(150_000, 1_800_000))
            if amount <= 0:
                break
            self._add(random_day(rng, self.first_day, last_day), amount,
                      names.person_name(rng, male=rng.random() < 0.7), rng.choice(purposes),
                      is_person=True)
            remaining -= amount
        return remaining

    def _instalments(self, remaining: int, last_day: datetime.date) -> None:
        rng, project = self.rng, self.project
        contract = self.plan.contract
        if remaining <= 0 or contract is None:
            return
        assert self.first_day is not None and contract.amount is not None
        if self.plan.scenario != "over_paid":
            # Only the over-paid scenario pays the contractor beyond the contract.
            remaining = min(remaining, int(contract.amount * 100))
        count = rng.randint(3, 5) if project.status == ProjectStatus.COMPLETED else \
            1 + project.progress // 30
        labels = ["预付款"] + [f"第{n}期进度款" for n in range(1, count)]
        if project.status == ProjectStatus.COMPLETED:
            labels[-1] = "竣工结算款"
        weights = [rng.uniform(0.6, 1.4) for _ in labels]
        amounts = [int(remaining * w / sum(weights)) for w in weights]
        amounts[-1] += remaining - sum(amounts)
        days = sorted(random_day(rng, self.first_day, last_day) for _ in labels)
        for label, amount, day in zip(labels, amounts, days, strict=True):
            self._add(day, amount, contract.supplier, f"{project.name} {label}")

    def _pay_supplier(self, trade: str, amount: int, day: datetime.date, purpose: str,
                      supplier=None) -> int:
        if amount <= 0:
            return 0
        supplier = supplier or self.suppliers.pick(self.rng, self.county_code, trade)
        self._add(day, amount, supplier, purpose)
        return amount

    def _add(self, day: datetime.date, amount: int, payee, purpose: str,
             *, is_person: bool = False) -> None:
        row = Disbursement(paid_on=day, amount=yuan(amount), purpose=purpose,
                           voucher_no=f"记-{day:%Y%m}-{self.rng.randint(1, 400):03d}",
                           origin=Source.DEMO)
        if is_person:
            row.payee_name, row.payee_is_person = payee, True
        else:
            row.payee_name, row.supplier = payee.name, payee
            row.payee_credit_code = payee.credit_code or ""
        self.rows.append(row)

    def _flag_excess(self) -> list[Disbursement]:
        """Flag payments that take the running total past the arrived funds, as the action does."""
        self.rows.sort(key=lambda row: row.paid_on)
        paid = 0
        for row in self.rows:
            paid += int(row.amount * 100)
            row.exceeds_arrived = paid > self.arrived
        return self.rows
