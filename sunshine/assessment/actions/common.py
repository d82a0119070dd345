"""Checks shared by the assessment actions: scores, roles and scope."""

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from sunshine.assessment.models.tenths import TENTH
from sunshine.organisation.models import Assignment, Region, Role, Unit
from sunshine.organisation.scoping import scope_for

HUNDRED = Decimal("100")
# Digits with an optional fraction and minus sign, without exponent, underscore or spaces.
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def parse_score(value: Any, *, label: str) -> Decimal:
    """Return a score from 0 to 100 with at most one decimal place; raise ValidationError naming it.

    Only digits with an optional decimal point and minus sign are read
    (full-width digits too). Python's Decimal also reads 1e2, +85 and 8_5,
    which no one means as a score.
    """
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text and not PLAIN_DECIMAL.fullmatch(text):
        raise ValidationError(
            _("%(label)s “%(value)s” is not a plain number; write the score with digits and at "
              "most one decimal point, such as 85 or 85.5") % {"label": label, "value": value},
            code="score_format")
    try:
        score = Decimal(text)
    except (InvalidOperation, ValueError):
        score = None
    if score is None or not score.is_finite() or not 0 <= score <= HUNDRED:
        raise ValidationError(
            _("%(label)s “%(value)s” is not a score from 0 to 100; enter a number such as 85 "
              "or 85.5") % {"label": label, "value": value}, code="score_range")
    if score != score.quantize(TENTH):
        raise ValidationError(
            _("%(label)s “%(value)s” has more than one decimal place; round it to one place, "
              "such as 85.5") % {"label": label, "value": value}, code="score_places")
    return score


def has_role(user: Any, role: str, *, region: Region | None = None) -> bool:
    """Return whether ``user`` has ``role`` in a unit whose region covers ``region``.

    Without a region, any unit counts.
    """
    if user is None:
        return False
    if user.is_superuser:
        return True
    paths = Assignment.objects.filter(user=user, role=role).values_list("unit__region__path",
                                                                        flat=True)
    if region is None:
        return paths.exists()
    return any(region.path.startswith(path) for path in paths)


def require_role(user: Any, role: str, region: Region | None, message: str) -> None:
    """Raise PermissionDenied with ``message`` unless the user has the role over the region.

    ``user`` None is the system, which may act anywhere.
    """
    if user is not None and not has_role(user, role, region=region):
        raise PermissionDenied(message)


def require_unit_write(actor: Any, unit: Unit) -> None:
    if actor is not None and not scope_for(actor, write=True).contains(unit):
        raise PermissionDenied(
            _("“%(object)s” belongs to a region or unit outside the ones you may change.")
            % {"object": unit})


def administrator_of(actor: Any, region: Region | None) -> None:
    """Require an administrator of ``region`` (of the city when None), or the system."""
    if actor is None or actor.is_superuser:
        return
    if region is None:
        if scope_for(actor).everything:
            return
    elif has_role(actor, Role.ADMINISTRATOR, region=region):
        return
    raise PermissionDenied(_("Only an administrator of %(region)s or of the city may do this.")
                           % {"region": region.name if region else _("the city")})
