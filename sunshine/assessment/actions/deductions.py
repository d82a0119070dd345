"""Performance deductions (绩效扣分) for units whose mean evaluation is under the line.

``apply_deductions`` is idempotent: for each unit evaluated in the quarter
it compares the mean evaluation, rounded to one decimal place as shown,
with ``assessment.deduction_threshold`` (of the unit's county, in force on
the quarter's last day), then
- records a deduction of ``assessment.deduction_points`` when the mean is
  under the line and none is in force;
- refreshes the cause (mean and evaluation ids) of the one in force when
  the evaluations changed but the mean is still under the line;
- cancels the one in force, with the reason, when the mean is no longer
  under the line. Cancelled rows are kept.
A rerun with unchanged evaluations writes nothing.
"""

import logging
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sunshine.assessment.actions.common import administrator_of
from sunshine.assessment.components import mean_of_tenths
from sunshine.assessment.models import Deduction, DeductionStatus, Evaluation
from sunshine.assessment.models.tenths import to_tenths
from sunshine.assessment.quarters import parse_quarter
from sunshine.audit.actions import create_row, update_row
from sunshine.duties.periods import Period
from sunshine.organisation.models import Region, Unit
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)


def apply_deductions(quarter: str, *, actor: Any = None, region: Region | None = None
                     ) -> dict[str, int]:
    """Bring the deductions of a quarter in line with its evaluations; return counts by outcome.

    ``region`` limits the run to units in it; ``actor`` None is the system
    (the management command), anyone else must administer the region.
    """
    period = parse_quarter(quarter)
    administrator_of(actor, region)
    evaluations = Evaluation.objects.filter(quarter=period.key)
    if region is not None:
        evaluations = evaluations.filter(unit__region__path__startswith=region.path)
    unit_ids = set(evaluations.values_list("unit_id", flat=True))
    counts: dict[str, int] = defaultdict(int)
    for unit in Unit.objects.filter(pk__in=unit_ids).select_related("region").order_by("pk"):
        with transaction.atomic():
            counts[settle_unit(actor, unit, period, create=True)] += 1
    logger.info("deductions for %s applied by user %s: %s", period.key,
                getattr(actor, "pk", None), dict(counts))
    return dict(counts)


def settle_unit(actor: Any, unit: Unit, period: Period, *, create: bool = False) -> str:
    """Record, refresh or cancel the unit's deduction for the quarter; return what happened.

    Evaluation edits call it with ``create`` false, so they can lift or
    refresh a deduction in force but a new one only comes from
    ``apply_deductions``. Runs inside the caller's transaction.
    """
    rows = list(Evaluation.objects.filter(unit=unit, quarter=period.key).order_by("pk")
                .values_list("pk", "score_tenths"))
    current = (Deduction.objects.select_for_update()
               .filter(unit=unit, quarter=period.key, status=DeductionStatus.ACTIVE).first())
    if not rows:
        return "unchanged"
    mean = mean_of_tenths(sum(score for _pk, score in rows), len(rows))
    threshold = get_setting("assessment.deduction_threshold", region=unit.region, on=period.end)
    cause = {"mean_tenths": to_tenths(mean), "evaluation_ids": [pk for pk, _score in rows]}
    if mean < threshold:
        if current is None:
            if not create:
                return "unchanged"
            points = get_setting("assessment.deduction_points", region=unit.region,
                                 on=period.end)
            create_row(actor, Deduction(unit=unit, quarter=period.key, points_tenths=to_tenths(
                points), threshold_tenths=to_tenths(threshold), status=DeductionStatus.ACTIVE,
                recorded_at=timezone.now(), **cause))
            return "created"
        if all(getattr(current, name) == value for name, value in cause.items()):
            return "unchanged"
        update_row(actor, current, cause, expected_version=None)
        return "updated"
    if current is None:
        return "unchanged"
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The mean of %(count)s evaluation(s) rose to %(mean)s, not below the threshold "
                   "%(threshold)s.") % {"count": len(rows), "mean": mean,
                                        "threshold": threshold}
    update_row(actor, current, {**cause, "status": DeductionStatus.CANCELLED,
                                "cancelled_at": timezone.now(), "cancel_reason": reason},
               expected_version=None)
    return "cancelled"
