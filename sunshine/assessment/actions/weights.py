"""New versions of the composite-score weights, entered by administrators."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.assessment.actions.common import HUNDRED, administrator_of
from sunshine.assessment.models import COMPONENTS, AssessmentWeights
from sunshine.audit.actions import create_row
from sunshine.organisation.models import Region


def check_weights_total(values: dict[str, Decimal]) -> None:
    """Raise ValidationError naming the sum unless the weights add up to exactly 100%."""
    for name in COMPONENTS:
        weight = values.get(name)
        if weight is None or not 0 <= weight <= HUNDRED:
            raise ValidationError(_("Weight %(value)s is outside 0–100; enter a share from 0 to "
                                    "100") % {"value": weight}, code="weight_range")
    total = sum((values[name] for name in COMPONENTS), Decimal(0))
    if total != HUNDRED:
        raise ValidationError(
            _("The weights sum to %(total)s%%, not 100%%; change them so they add up to exactly "
              "100%%") % {"total": f"{total.normalize():f}"}, code="weights_total")


def check_not_backdated(effective_from: datetime.date) -> None:
    """Reject a version that starts before today.

    A past start date would silently change composite scores already shown
    and settled for earlier quarters.
    """
    today = timezone.localdate()
    if effective_from < today:
        raise ValidationError(
            _("Effective date %(date)s is in the past; new weights take effect from today "
              "(%(today)s) or a later day, so scores of past quarters stay as published")
            % {"date": effective_from, "today": today}, code="weights_backdated")


def set_weights(actor: Any, *, region: Region | None, effective_from: datetime.date,
                values: dict[str, Decimal], reason: str = "") -> AssessmentWeights:
    """Add a version of the weights from ``effective_from`` on; earlier versions stay on record."""
    administrator_of(actor, region)
    check_weights_total(values)
    check_not_backdated(effective_from)
    if AssessmentWeights.objects.filter(region=region, effective_from=effective_from).exists():
        raise ValidationError(_("Weights from %(date)s already exist for this region; choose "
                                "another date for the new version") % {"date": effective_from},
                              code="weights_duplicate")
    row = AssessmentWeights(region=region, effective_from=effective_from,
                            reason=(reason or "").strip(),
                            **{name: values[name] for name in COMPONENTS})
    with transaction.atomic():
        return create_row(actor, row)
