"""The promotion-priority list and a suggested grading, as advice only.

Under the Civil Servant Law (2018) arts. 37-38 the assessment body sets
the annual grade by procedure, and under the Civil Servant Assessment
Provisions (2020) the 优秀 (excellent) grade generally goes to at most 20%
of the persons assessed, 25% in special cases with approval. Points are
one record behind that decision, so this module only suggests: it lists
the people at or above the setting ``merit.promotion_threshold`` for the
year and marks as suggested-excellent the highest of them that fit under
the share. A tie that would cross the share is left out whole, so the
suggestion never exceeds it.
"""

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from itertools import groupby

from sunshine.duties.periods import year as year_period
from sunshine.merit.models import QuotaApproval
from sunshine.merit.rankings import RankRow, ranked_people, region_of
from sunshine.organisation.models import Region, Unit
from sunshine.rules.values import get_setting


@dataclass(frozen=True)
class Candidate:
    row: RankRow
    suggested_excellent: bool


@dataclass(frozen=True)
class PromotionList:
    year: int
    scope: Region | Unit
    assessed: int
    threshold: int
    share: Decimal
    approval: QuotaApproval | None
    excellent_places: int
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def suggested_excellent(self) -> int:
        return sum(1 for candidate in self.candidates if candidate.suggested_excellent)


def approval_for(scope: Region | Unit, year: int) -> QuotaApproval | None:
    """Return the unit's recorded approval of the higher share; a region has none."""
    if not isinstance(scope, Unit):
        return None
    return QuotaApproval.objects.filter(unit=scope, year=year).first()


def promotion_list(year: int, scope: Region | Unit) -> PromotionList:
    period = year_period(year)
    region = region_of(scope)
    threshold = get_setting("merit.promotion_threshold", region=region, on=period.end)
    approval = approval_for(scope, year)
    key = "merit.excellent_share_approved" if approval else "merit.excellent_share"
    share = get_setting(key, region=region, on=period.end)

    rows = [RankRow(row["pk"], row["name"], row["unit_name"], row["total"], row["rank"])
            for row in ranked_people(period, scope)]
    places = int((share * len(rows)).to_integral_value(rounding=ROUND_FLOOR))
    above = [row for row in rows if row.total >= threshold]
    return PromotionList(year, scope, len(rows), threshold, share, approval, places,
                         suggest(above, places))


def suggest(rows: list[RankRow], places: int) -> list[Candidate]:
    """Mark rows as suggested-excellent by total, whole tie groups only, up to ``places``."""
    candidates: list[Candidate] = []
    taken = 0
    for _total, tied in groupby(rows, key=lambda row: row.total):
        group = list(tied)
        fits = taken + len(group) <= places and taken == len(candidates)
        if fits:
            taken += len(group)
        candidates.extend(Candidate(row, fits) for row in group)
    return candidates
