"""New versions of point rules; a version, once in force, is never edited."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit.actions import create_row
from sunshine.merit.models import PointRule
from sunshine.organisation.models import Assignment, Level, Role


def add_rule_version(actor: Any, code: str, *, points: int, cap: int | None,
                     effective_from: datetime.date, name: str = "", source: str = "") -> PointRule:
    """Add a version of rule ``code`` taking effect on ``effective_from``, today or later.

    Name and trigger carry over from the latest version unless a name is
    given. Entries posted before keep the version they were computed under.
    """
    if not is_rule_administrator(actor):
        raise PermissionDenied(_("Only an administrator of the city may change point rules."))
    latest = PointRule.objects.filter(code=code).order_by("-effective_from").first()
    if latest is None:
        raise ValidationError(_("Point rule “%(code)s” does not exist") % {"code": code},
                              code="unknown_rule")
    check_version(latest, points=points, cap=cap, effective_from=effective_from)
    rule = PointRule(code=code, name=(name or "").strip() or latest.name, points=points,
                     trigger=latest.trigger, cap=cap, effective_from=effective_from,
                     source=(source or "").strip(), created_by=actor)
    with transaction.atomic():
        create_row(actor, rule, action="add_version")
    return rule


def check_version(latest: PointRule, *, points: int, cap: int | None,
                  effective_from: datetime.date) -> None:
    if points == 0:
        raise ValidationError(_("Points must not be 0; a rule gives or takes points"),
                              code="points_zero")
    if cap is not None and cap < abs(points):
        raise ValidationError(_("Cap %(cap)s is below the %(points)s points of one event; set a "
                                "cap of at least %(points)s or none") % {
                                    "cap": cap, "points": abs(points)}, code="cap_too_low")
    first = max(timezone.localdate(), latest.effective_from + datetime.timedelta(days=1))
    if effective_from < first:
        raise ValidationError(_("A new version must take effect on %(first)s or later, so that "
                                "points already posted keep their version") % {
                                    "first": first.isoformat()}, code="effective_too_early")


def is_rule_administrator(user: Any) -> bool:
    return user.is_superuser or Assignment.objects.filter(
        user=user, role=Role.ADMINISTRATOR, unit__region__level=Level.CITY).exists()
