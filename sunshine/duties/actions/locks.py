"""Locking and unlocking a quarter of a county, by administrators, with the reason audited."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.duties.actions.batch import Batch
from sunshine.duties.locks import can_lock
from sunshine.duties.models import PeriodLock
from sunshine.duties.periods import Period
from sunshine.organisation.models import Region

logger = logging.getLogger(__name__)


def lock_quarter(actor: Any, county: Region | None, period: Period, *, reason: str = ""
                 ) -> PeriodLock:
    return _decide(actor, county, period, locked=True, reason=reason)


def unlock_quarter(actor: Any, county: Region | None, period: Period, *, reason: str = ""
                   ) -> PeriodLock:
    return _decide(actor, county, period, locked=False, reason=reason)


def _decide(actor: Any, county: Region | None, period: Period, *, locked: bool,
            reason: str) -> PeriodLock:
    if "Q" not in period.key:
        raise ValueError(f"{period.key} is not a quarter")
    if not can_lock(actor, county):
        raise PermissionDenied(
            _("Only an administrator of %(county)s or of the city may lock or unlock its "
              "quarters.") % {"county": county.name if county else _("the city")})
    year, number = (int(part) for part in period.key.split("Q"))
    with transaction.atomic():
        batch = Batch()
        decision = batch.insert(PeriodLock(county=county, year=year, quarter=number,
                                           locked=locked, reason=reason.strip(),
                                           changed_by=actor, changed_at=timezone.now()))
        batch.commit(actor, "lock" if locked else "unlock",
                     object_type=chain.object_type_of(PeriodLock), object_id=decision.pk,
                     changes={"county": county.pk if county else None, "period": period.key,
                              "reason": reason.strip()})
    logger.info("quarter %s of county %s %s by user %s", period.key,
                county.pk if county else "-", "locked" if locked else "unlocked", actor.pk)
    return decision  # type: ignore[return-value]
