"""The four measured components of a unit's quarter, each as grouped aggregates over many units.

Every function returns ``{unit_id: Measure}`` for the units asked about and
leaves out units without data, which the composite then treats as missing.
Values are on a 0–100 scale, rounded to one decimal place, so the figures
on the score page reproduce the composite exactly.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from sunshine.assessment.models import (
    CheckStatus,
    Deduction,
    DeductionStatus,
    Evaluation,
    SpotCheck,
    SurveyResponse,
)
from sunshine.assessment.models.tenths import TENTH, round_score
from sunshine.duties import rates
from sunshine.duties.models import Task
from sunshine.duties.periods import Period

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Measure:
    """A component's value for one unit and the number of records it was taken over."""

    value: Decimal
    count: int


def mean_of_tenths(total: int, count: int) -> Decimal:
    return round_score(Decimal(total) * TENTH / count)


def _means(rows: Iterable[dict], key: str) -> dict[int, Measure]:
    return {row[key]: Measure(mean_of_tenths(row["total"], row["count"]), row["count"])
            for row in rows if row["count"]}


def satisfaction(unit_ids: list[int], period: Period) -> dict[int, Measure]:
    """Mean satisfaction of the scored responses to the units' surveys of the quarter."""
    rows = (SurveyResponse.objects
            .filter(survey__unit_id__in=unit_ids, survey__quarter=period.key,
                    score_tenths__isnull=False)
            .order_by().values("survey__unit")
            .annotate(total=Sum("score_tenths"), count=Count("pk")))
    return _means(rows, "survey__unit")


def evaluation(unit_ids: list[int], period: Period) -> dict[int, Measure]:
    """Mean third-party evaluation of the quarter."""
    rows = (Evaluation.objects.filter(unit_id__in=unit_ids, quarter=period.key)
            .order_by().values("unit")
            .annotate(total=Sum("score_tenths"), count=Count("pk")))
    return _means(rows, "unit")


def performed_in(period: Period) -> Q:
    return Q(status=CheckStatus.PERFORMED, performed_at__date__gte=period.start,
             performed_at__date__lte=period.end)


def spot_check(unit_ids: list[int], period: Period) -> dict[int, Measure]:
    """Mean score of the checks performed in the quarter; planned checks never count."""
    rows = (SpotCheck.objects.filter(performed_in(period), target_unit_id__in=unit_ids)
            .order_by().values("target_unit")
            .annotate(total=Sum("score_tenths"), count=Count("pk")))
    return _means(rows, "target_unit")


def execution(unit_ids: list[int], period: Period, today: datetime.date) -> dict[int, Measure]:
    """Execution rate in percent of the tasks each unit leads (``sunshine.duties.rates``)."""
    rows = (Task.objects.filter(lead_unit_id__in=unit_ids).order_by().values("lead_unit")
            .annotate(due=Count("pk", filter=rates.due_condition(period, today)),
                      done=Count("pk", filter=rates.done_condition(period, today))))
    return {row["lead_unit"]: Measure(round_score(Decimal(row["done"]) * HUNDRED / row["due"]),
                                      row["due"])
            for row in rows if row["due"]}


def deductions(unit_ids: list[int], period: Period) -> dict[int, Measure]:
    """Total points of the deductions in force for the quarter."""
    rows = (Deduction.objects.filter(unit_id__in=unit_ids, quarter=period.key,
                                     status=DeductionStatus.ACTIVE)
            .order_by().values("unit")
            .annotate(total=Sum("points_tenths"), count=Count("pk")))
    return {row["unit"]: Measure(round_score(Decimal(row["total"]) * TENTH), row["count"])
            for row in rows}
