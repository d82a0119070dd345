"""Planned directives and task trees of the demo, before any row is written.

Each county issues ``DIRECTIVES_PER_COUNTY`` directives. Under each one a
county department leads a coordination task and every township leads a
task of its own, split into second-level tasks, some of which its villages
share as third-level tasks. The city issues one directive whose tasks the
county governments lead. Weights are whole percentages that sum to 100
under each parent and under each directive.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from sunshine.demo.duties.texts import CITY_TOPIC, COORDINATION_TASK, TOPICS, Topic
from sunshine.demo.organisation import CountyUnits, Organisation, TownshipUnits, place_name
from sunshine.demo.schedule import TaskCalendar, random_day
from sunshine.duties import occurrences
from sunshine.duties.models import Duty
from sunshine.organisation.models import Person, Unit

DIRECTIVES_PER_COUNTY = 3
# Share of leaf deadlines on or before the calendar's today; the rest fall in the months after it.
DUE_SHARE = 0.8
# Share of second-level tasks that villages share out among themselves.
SPLIT_SHARE = 0.35
COOPERATION_SHARE = 0.5
COORDINATION_WEIGHT = 10


@dataclass
class PlannedDirective:
    number: str
    title: str
    issuer: str
    issued_on: datetime.date
    unit: Unit
    description: str
    # The recurring duty whose period tasks the directive holds, if any.
    generated_for: Duty | None = None


@dataclass(eq=False)
class PlannedTask:
    """A task and the result the demo gives it; ``outcome`` is set on leaves only."""

    directive: PlannedDirective
    code: str
    name: str
    lead: Unit
    person: Person | None
    start: datetime.date
    deadline: datetime.date = datetime.date.min
    weight: int | Decimal = 100
    parent: "PlannedTask | None" = None
    children: list["PlannedTask"] = field(default_factory=list)
    cooperating: list[Unit] = field(default_factory=list)
    # The township (or county, for the city directive) whose execution rate the task counts in.
    group: str = ""
    outcome: str = ""
    completed_on: datetime.date | None = None
    progress: Decimal = Decimal("0")
    pk: int = 0
    # The recurring duty and period of an occurrence (see sunshine.duties.occurrences).
    duty: Duty | None = None
    period: str = ""

    def add(self, child: "PlannedTask") -> "PlannedTask":
        child.parent = self
        self.children.append(child)
        return child

    def leaves(self) -> list["PlannedTask"]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def walk(self) -> list["PlannedTask"]:
        return [self] + [task for child in self.children for task in child.walk()]


def split_weights(rng: random.Random, count: int, total: int = 100) -> list[int]:
    """Split ``total`` into ``count`` whole, uneven parts of at least 1 that sum to it."""
    raw = [rng.randint(2, 5) for _ in range(count)]
    parts = [max(1, total * r // sum(raw)) for r in raw]
    parts[parts.index(max(parts))] += total - sum(parts)
    return parts


def leaf_deadline(rng: random.Random, calendar: TaskCalendar) -> datetime.date:
    if rng.random() < DUE_SHARE:
        return random_day(rng, calendar.first_deadline, calendar.today)
    return random_day(rng, calendar.today + datetime.timedelta(days=1), calendar.last_deadline)


class Planner:
    def __init__(self, rng: random.Random, organisation: Organisation,
                 calendar: TaskCalendar) -> None:
        self.rng = rng
        self.organisation = organisation
        self.calendar = calendar
        self.directives: list[PlannedDirective] = []
        self.roots: list[PlannedTask] = []

    def person(self, unit: Unit, head: bool) -> Person | None:
        staff = self.organisation.people.get(unit.pk or 0, [])
        if not staff:
            return None
        return staff[0] if head else staff[-1]

    def plan(self) -> None:
        self._plan_city()
        for county in self.organisation.counties:
            townships = [t for t in self.organisation.townships if t.county is county]
            topics = self.rng.sample(TOPICS, DIRECTIVES_PER_COUNTY)
            for number, topic in enumerate(topics, start=1):
                self._plan_county_directive(county, townships, topic, number)
        for root in self.roots:
            fix_deadlines(self.rng, root, self.calendar)

    def plan_occurrences(self, duties: list[Duty]) -> None:
        """Plan each recurring duty's tasks as the product generates them, one root each."""
        today = self.calendar.today
        for duty in duties:
            planned: dict[int, PlannedDirective] = {}
            for period, start in occurrences.planned_periods(duty, today, []):
                year = period.start.year
                if year not in planned:
                    fields = occurrences.directive_fields(duty, year, today)
                    planned[year] = PlannedDirective(
                        fields["document_number"], fields["title"], fields["issuer"],
                        fields["issued_on"], duty.unit, fields["description"], duty)
                    self.directives.append(planned[year])
                task = PlannedTask(
                    planned[year], period.key, occurrences.occurrence_name(duty, period),
                    duty.unit, self.person(duty.unit, True),
                    start, period.end,
                    occurrences.weight_of(duty.cycle, period), group=duty.unit.region.code,
                    duty=duty, period=period.key)
                self.roots.append(task)

    def _directive(self, unit: Unit, number: str, issuer: str, topic: Topic) -> PlannedDirective:
        issued = self.calendar.first_issue + datetime.timedelta(days=self.rng.randint(0, 35))
        directive = PlannedDirective(number, topic.title.format(year=self.calendar.year), issuer,
                                     issued, unit,
                                     f"围绕{topic.short}，明确各乡镇（街道）和县级部门任务、时限和责任人。")
        self.directives.append(directive)
        return directive

    def _task(self, directive: PlannedDirective, code: str, name: str, lead: Unit, head: bool,
              group: str) -> PlannedTask:
        start = directive.issued_on + datetime.timedelta(days=self.rng.randint(1, 7))
        return PlannedTask(directive, code, name, lead, self.person(lead, head), start, group=group)

    def _plan_city(self) -> None:
        city = self.organisation.city_government
        directive = self._directive(city, f"台政办发〔{self.calendar.year}〕8号", "台州市人民政府办公室", CITY_TOPIC)
        counties = self.organisation.counties
        for index, (county, weight) in enumerate(
                zip(counties, split_weights(self.rng, len(counties)), strict=True), start=1):
            government = county.units["government"]
            root = self._task(directive, str(index), f"{county.short_name}{CITY_TOPIC.short}",
                              government, True, county.region.code)
            root.weight = weight
            departments = [county.units[key] for key in ("finance", "agriculture", "transport")]
            parts = split_weights(self.rng, len(CITY_TOPIC.parts))
            for number, (name, part_weight) in enumerate(zip(CITY_TOPIC.parts, parts,
                                                             strict=True), start=1):
                child = root.add(self._task(directive, f"{index}.{number}", name,
                                            departments[number - 1], False, county.region.code))
                child.weight = part_weight
            self.roots.append(root)

    def _plan_county_directive(self, county: CountyUnits, townships: list[TownshipUnits],
                               topic: Topic, number: int) -> None:
        initial = county.short_name[0]
        directive = self._directive(
            county.units["government"], f"{initial}政办发〔{self.calendar.year}〕{number * 7 + 3}号",
            f"{county.region.name}人民政府办公室", topic)
        department = county.units[topic.department]
        weights = [COORDINATION_WEIGHT, *split_weights(self.rng, len(townships),
                                                         100 - COORDINATION_WEIGHT)]
        coordination = self._task(directive, "1", COORDINATION_TASK.format(
            department=department.name), department, True, county.region.code)
        coordination.weight = weights[0]
        self.roots.append(coordination)
        for index, (township, weight) in enumerate(zip(townships, weights[1:], strict=True),
                                                   start=2):
            root = self._township_tree(directive, topic, township, str(index), department)
            root.weight = weight
            self.roots.append(root)

    def _township_tree(self, directive: PlannedDirective, topic: Topic, township: TownshipUnits,
                       code: str, department: Unit) -> PlannedTask:
        government = township.government
        group = township.region.code
        root = self._task(directive, code, f"{township.region.name}{topic.short}", government,
                          True, group)
        parts = split_weights(self.rng, len(topic.parts))
        for number, (name, weight) in enumerate(zip(topic.parts, parts, strict=True), start=1):
            child = root.add(self._task(directive, f"{code}.{number}", name, government, False,
                                        group))
            child.weight = weight
            if self.rng.random() < COOPERATION_SHARE:
                child.cooperating.append(department)
            if township.villages and self.rng.random() < SPLIT_SHARE:
                self._village_tasks(child, topic, township)
        return root

    def _village_tasks(self, parent: PlannedTask, topic: Topic, township: TownshipUnits) -> None:
        """Split a task among two villages, or one village and the township's own staff."""
        villages = self.rng.sample(township.villages, min(2, len(township.villages)))
        parts = [(topic.village_part.format(village=place_name(v.region)), v.committee)
                 for v in villages]
        if len(parts) == 1:
            parts.append((f"{parent.name}（{township.region.name}本级）", township.government))
        weights = split_weights(self.rng, len(parts))
        for number, ((name, lead), weight) in enumerate(zip(parts, weights, strict=True),
                                                        start=1):
            child = parent.add(self._task(parent.directive, f"{parent.code}.{number}", name,
                                          lead, True, parent.group))
            child.weight = weight


def fix_deadlines(rng: random.Random, task: PlannedTask, calendar: TaskCalendar) -> None:
    """Give leaves a drawn deadline and each parent a deadline a little after its last child's."""
    if not task.children:
        task.deadline = max(leaf_deadline(rng, calendar), task.start + datetime.timedelta(days=14))
        return
    for child in task.children:
        fix_deadlines(rng, child, calendar)
    latest = max(child.deadline for child in task.children)
    task.deadline = latest + datetime.timedelta(days=rng.randint(0, 12))
