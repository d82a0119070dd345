"""Composite assessment scores on the execution dashboard: the mean and the top and bottom units.

Scores come from ``sunshine.assessment.scores.scores_for_units`` for the
units the user may see that are placed in the region or one level below
it (a county page shows the county's departments and township
governments, not every village). Scores exist per quarter only.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from sunshine.assessment.scores import Composite, scores_for_units
from sunshine.duties.periods import Period
from sunshine.organisation.models import Region, Unit, UnitKind
from sunshine.organisation.scoping import scoped

TENTH = Decimal("0.1")


@dataclass
class ScoredUnit:
    composite: Composite
    url: str


@dataclass
class Summary:
    """Mean score of the scored units, with the address of the score list behind it."""

    mean: Decimal | None
    scored: int
    units: int
    url: str
    top: list[ScoredUnit]
    bottom: list[ScoredUnit]


def summary(user: Any, region: Region, period: Period, today: datetime.date,
            listed: int) -> Summary | None:
    """Return the region's composite figures, or None for a period that is not a quarter."""
    if "Q" not in period.key:
        return None
    units = (scoped(Unit.objects.exclude(kind=UnitKind.EVALUATOR), user)
             .filter(Q(region=region) | Q(region__parent=region)).select_related("region"))
    composites = scores_for_units(units, period, today)
    scored = sorted((c for c in composites.values() if c.score is not None),
                    key=lambda c: (c.score, c.unit.name))
    mean = None
    if scored:
        total = sum((c.score for c in scored if c.score is not None), Decimal("0"))
        mean = (total / len(scored)).quantize(TENTH, rounding=ROUND_HALF_UP)
    lines = [ScoredUnit(c, unit_url(c.unit, period)) for c in scored]
    bottom_count = max(0, min(listed, len(lines) - listed))
    return Summary(mean, len(scored), len(composites), score_list_url(region, period),
                   top=list(reversed(lines[-listed:])), bottom=lines[:bottom_count])


def unit_url(unit: Unit, period: Period) -> str:
    return (f"{reverse('assessment:unit_score', args=[unit.pk])}?"
            f"{urlencode({'period': period.key})}")


def score_list_url(region: Region, period: Period) -> str:
    return f"{reverse('assessment:score_list')}?{urlencode({'region': region.code, 'period': period.key})}"
