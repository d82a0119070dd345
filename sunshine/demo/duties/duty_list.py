"""Duty lists (权责清单) of the demo units: township governments, villages and county departments.

A few items recur, as in real duty lists: township safety inspections every
month, the upkeep of rural living conditions and of rural roads every
quarter, and the supervision of special funds every year. They are
entered on the calendar's first issue day, so their tasks (planned in
``trees.Planner.plan_occurrences``) start then. The other items are done
once, by a deadline.
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from sunshine.demo import bulk
from sunshine.demo.duties.texts import COUNTY_DUTIES, TOWNSHIP_DUTIES, VILLAGE_DUTIES
from sunshine.demo.organisation import Organisation
from sunshine.demo.schedule import TaskCalendar
from sunshine.duties.models import Cycle, Duty, DutyFunding, DutyStep
from sunshine.funds.models import FundSource
from sunshine.organisation.models import Unit

PUBLIC_SHARE = 0.6
RECURRING = {"安全生产检查": Cycle.MONTHLY, "农村人居环境日常监管": Cycle.QUARTERLY,
             "农村公路养护管理": Cycle.QUARTERLY, "财政专项资金监管": Cycle.YEARLY}
STEP_DAYS = (3, 5, 7, 10, 15)


def _duty(calendar: TaskCalendar, unit: Unit, code: str, item: tuple, *, public: bool) -> Duty:
    name, category, basis = item[0], item[1], item[2]
    cycle = RECURRING.get(name, Cycle.ONCE)
    deadline = datetime.date(calendar.year, 12, 31) if cycle == Cycle.ONCE else None
    evidence = item[3] if isinstance(item[3], str) else "会议记录、公开照片"
    return Duty(unit=unit, code=code, name=name, category=category, basis=basis, cycle=cycle,
                deadline=deadline, required_evidence=evidence, is_public=public,
                created_on=calendar.first_issue)


def build_duty_list(actor: Any, rng: random.Random, organisation: Organisation,
                    calendar: TaskCalendar) -> tuple[dict[int, Duty], list[Duty]]:
    """Insert every unit's duty items, their funding and village procedures.

    Returns the first duty of each township government by unit id, for the
    tasks that carry one out, and the recurring duties.
    """
    duties: list[Duty] = []
    first_of_township: dict[int, Duty] = {}
    for county in organisation.counties:
        for key, items in COUNTY_DUTIES.items():
            for number, item in enumerate(items, start=1):
                duties.append(_duty(calendar, county.units[key], f"XB-{number:03d}", item,
                                    public=rng.random() < PUBLIC_SHARE))
    for township in organisation.townships:
        for number, item in enumerate(TOWNSHIP_DUTIES, start=1):
            duty = _duty(calendar, township.government, f"XZ-{number:03d}", item,
                         public=rng.random() < PUBLIC_SHARE)
            first_of_township.setdefault(township.government.pk or 0, duty)
            duties.append(duty)
        for village in township.villages:
            for number, village_item in enumerate(VILLAGE_DUTIES, start=1):
                # A village power list exists so that villagers can read it: always public.
                duties.append(_duty(calendar, village.committee, f"CW-{number:03d}", village_item,
                                    public=True))
    bulk.insert_audited(actor, duties)

    bulk.insert_audited(actor, _funding(rng, duties))
    bulk.insert_audited(actor, _steps(rng, duties))
    return first_of_township, [duty for duty in duties if duty.cycle != Cycle.ONCE]


def _funding(rng: random.Random, duties: list[Duty]) -> list[DutyFunding]:
    """Split the cost of township duties between county and township finance."""
    rows = []
    for duty in duties:
        if not duty.code.startswith("XZ-") or rng.random() < 0.5:
            continue
        county_share = Decimal(rng.choice((60, 70, 80)))
        rows.append(DutyFunding(duty=duty, source=FundSource.COUNTY, share=county_share))
        rows.append(DutyFunding(duty=duty, source=FundSource.TOWNSHIP,
                                share=Decimal("100") - county_share))
    return rows


def _steps(rng: random.Random, duties: list[Duty]) -> list[DutyStep]:
    """Give the first village item of each committee its standard procedure."""
    procedure = VILLAGE_DUTIES[0][3]
    rows = []
    for duty in duties:
        if duty.code != "CW-001":
            continue
        for number, name in enumerate(procedure, start=1):
            rows.append(DutyStep(duty=duty, number=number, name=name,
                                 time_limit_days=rng.choice(STEP_DAYS),
                                 required_evidence="会议记录或公示照片",
                                 is_disclosed=number == len(procedure)))
    return rows
