"""The public petition statistics, published as of a cutoff instead of live.

Live figures counted every report (检举控告) the moment it was filed. A
leader whose own dashboard leaves reports out could compare the two
totals and learn when a report about their county was filed. So the
public page shows the figures as of a cutoff, the start of the current
month or of today (setting ``petitions.public_statistics_cutoff``), as
the reward list does (``rewards.listing_cutoff``):

- only petitions registered before the cutoff are counted, over the
  period that ends on the day before it;
- the figures are computed once per cutoff and stored
  (``PublishedStatistics``), so a petition handled or closed later does
  not change them either.

NOTE: the stored figures show the state of the petitions when the first
visitor after the cutoff opened the page, which may be some hours after
the cutoff itself.
"""

import dataclasses
import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.organisation.models import Region
from sunshine.petitions import figures, rewards
from sunshine.petitions.models import Petition
from sunshine.petitions.models_ops import PublishedStatistics
from sunshine.rules.values import get_setting

CUTOFF = "petitions.public_statistics_cutoff"


def cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Return the moment the public figures are counted up to: the start of this month or today."""
    local = timezone.localtime(now)
    if get_setting(CUTOFF, on=local.date()) == "day":
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    return rewards.listing_cutoff(now)


def period_before(as_of: datetime.datetime) -> figures.Period:
    """Return the default period of the figures, ending on the day before ``as_of``."""
    last_day = timezone.localtime(as_of).date() - datetime.timedelta(days=1)
    return figures.default_period(today=last_day)


def published(city: Region, as_of: datetime.datetime) -> dict[str, Any]:
    """Return the stored figures for ``as_of``, computing and storing them on first use."""
    found = PublishedStatistics.objects.filter(as_of=as_of).first()
    if found is None:
        try:
            with transaction.atomic():
                found = PublishedStatistics.objects.create(
                    as_of=as_of, figures=_compute(city, as_of), computed_at=timezone.now())
        except IntegrityError:  # another request stored them first
            found = PublishedStatistics.objects.get(as_of=as_of)
    return {**_context(city, found.figures), "computed_on": timezone.localdate(found.computed_at)}


def _compute(city: Region, as_of: datetime.datetime) -> dict[str, Any]:
    period = period_before(as_of)
    conditions = figures.Conditions(period)
    petitions = Petition.all_objects.in_region(city).filter(registered_at__lt=as_of)
    summary = figures.summary(petitions, conditions)
    return {
        "first": period.first.isoformat(), "last": period.last.isoformat(),
        "summary": dataclasses.asdict(summary),
        "ages": [[bucket.label, count]
                 for bucket, count in zip(conditions.buckets, summary.ages, strict=True)],
        "rows": [[row.key, row.label, dataclasses.asdict(row.figures)]
                 for row in figures.by_child_region(petitions, city, conditions)],
    }


def _figures(counts: dict[str, Any]) -> figures.PetitionFigures:
    return figures.PetitionFigures(**{**counts, "ages": tuple(counts["ages"])})


def _context(city: Region, stored: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for key, label, counts in stored["rows"]:
        # The row of petitions placed on the city itself is labelled in the reader's language.
        if key == "":
            label = _("%(region)s itself") % {"region": city.name}
        rows.append({"label": label, "figures": _figures(counts)})
    return {
        "first": datetime.date.fromisoformat(stored["first"]),
        "last": datetime.date.fromisoformat(stored["last"]),
        "summary": _figures(stored["summary"]),
        "ages": stored["ages"],
        "rows": rows,
    }
