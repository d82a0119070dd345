"""The composite score (综合得分) of a unit for a quarter.

    score = Σ value_i × weight_i ÷ Σ weight_i  −  deductions,   over present components

Components: citizen satisfaction, execution rate, third-party evaluation
and spot checks, each 0–100. Weights come from ``AssessmentWeights`` (the
nearest region's version in force on the last day of the quarter), else
from the versioned setting ``assessment.default_weights``.

A component without data (no survey response, no task due, no evaluation,
no check performed) is shown as missing and left out; the weights of the
present components are renormalised to 100%, and the score is marked
incomplete with the share of the weights it rests on. Renormalising keeps
a unit that was never spot-checked from scoring zero for it. With no
component at all there is no score. Deductions are subtracted afterwards
and the result is never below 0.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from sunshine.assessment import components
from sunshine.assessment.models import COMPONENTS, AssessmentWeights
from sunshine.assessment.models.tenths import round_score
from sunshine.duties.periods import Period
from sunshine.organisation.models import Region, Unit
from sunshine.rules.values import get_setting

ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Weights:
    values: dict[str, Decimal]
    row: AssessmentWeights | None = None


@dataclass(frozen=True)
class Component:
    name: str
    weight: Decimal
    measure: components.Measure | None

    @property
    def value(self) -> Decimal | None:
        return self.measure.value if self.measure else None

    @property
    def present(self) -> bool:
        return self.measure is not None and self.weight > 0


@dataclass
class Composite:
    unit: Unit
    period: Period
    weights: Weights
    parts: list[Component]
    deduction: components.Measure | None = None
    applied: dict[str, Decimal] = field(default_factory=dict)
    before_deductions: Decimal | None = None
    score: Decimal | None = None

    @property
    def complete(self) -> bool:
        return all(part.present or part.weight == 0 for part in self.parts)

    @property
    def missing(self) -> list[str]:
        return [part.name for part in self.parts if not part.present and part.weight > 0]

    @property
    def weight_present(self) -> Decimal:
        """Share of the configured weights, in percent, that the score rests on."""
        return sum((part.weight for part in self.parts if part.present), ZERO)

    @property
    def deduction_points(self) -> Decimal:
        return self.deduction.value if self.deduction else ZERO


def weights_for(region: Region, on: datetime.date) -> Weights:
    """Return the weights in force on ``on`` for ``region``: its nearest own version wins."""
    codes = region.path.strip("/").split("/")
    rows = AssessmentWeights.objects.filter(Q(region_id__in=codes) | Q(region__isnull=True),
                                            effective_from__lte=on)

    def rank(row: AssessmentWeights) -> tuple[int, datetime.date]:
        depth = codes.index(row.region_id) if row.region_id else -1
        return depth, row.effective_from

    best = max(rows, key=rank, default=None)
    if best is not None:
        return Weights(best.as_dict(), best)
    default = get_setting("assessment.default_weights", region=region, on=on)
    return Weights({name: Decimal(str(default.get(name, 0))) for name in COMPONENTS})


def combine(composite: Composite) -> Composite:
    """Fill in the renormalised weights, the score before deductions and the score."""
    present = [part for part in composite.parts if part.present]
    total = sum((part.weight for part in present), ZERO)
    if not present or total == 0:
        return composite
    composite.applied = {part.name: part.weight * HUNDRED / total for part in present}
    weighted = sum((part.value * part.weight for part in present if part.value is not None),
                   ZERO)
    composite.before_deductions = round_score(weighted / total)
    composite.score = max(ZERO, composite.before_deductions - composite.deduction_points)
    return composite


def scores_for_units(units: Iterable[Unit], period: Period,
                     today: datetime.date | None = None) -> dict[int, Composite]:
    """Return the composite of each unit, from five grouped queries whatever the number of units."""
    units = list(units)
    today = today or timezone.localdate()
    ids = [unit.pk for unit in units]
    measured = {
        "satisfaction": components.satisfaction(ids, period),
        "execution": components.execution(ids, period, today),
        "evaluation": components.evaluation(ids, period),
        "spot_check": components.spot_check(ids, period),
    }
    deducted = components.deductions(ids, period)
    weights_by_region: dict[str, Weights] = {}
    result = {}
    for unit in units:
        if unit.region_id not in weights_by_region:
            weights_by_region[unit.region_id] = weights_for(unit.region, period.end)
        weights = weights_by_region[unit.region_id]
        parts = [Component(name, weights.values[name], measured[name].get(unit.pk))
                 for name in COMPONENTS]
        result[unit.pk] = combine(Composite(unit, period, weights, parts,
                                            deduction=deducted.get(unit.pk)))
    return result


def composite_score(unit: Unit, period: Period, today: datetime.date | None = None) -> Composite:
    """Return the composite score of one unit for one quarter, with every part that made it."""
    return scores_for_units([unit], period, today)[unit.pk]
