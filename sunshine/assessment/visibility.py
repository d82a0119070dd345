"""Who may see a spot check: the one rule behind every page, list, API, admin and message.

"四不两直" checks come without notice, so until a check is performed:
- it is visible only to discipline inspectors whose region covers the
  target unit, and to the people named on it (its planner and inspectors);
- it is never visible to anyone assigned to the target unit or a unit above
  it, nor to the person records of that chain, unless they are named on the
  check. This applies to superusers as well, and such a user cannot tell
  a hidden check from a missing one (404).

Once performed, a check follows the ordinary read scope (``scope_for``), so
the target unit sees its result, and the inspectors in scope keep seeing it.
Cancelled checks never happened on site and stay with the inspectors.

No notification or to-do about a planned check is sent to anyone who
cannot see it: ``may_see`` filters every recipient.

The audit log is read by administrators of every region, so its entries
record "(withheld)" for a check's title, target, date, draw candidates
and follow-up (``SpotCheck.audit_withheld``): an entry shows that a check
was planned and by whom, never on which unit.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from sunshine.assessment.models import CheckStatus, SpotCheck
from sunshine.organisation.models import Assignment, Person, Role, Unit
from sunshine.organisation.scoping import Scope, scope_for


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def inspector_scope(user: Any) -> Scope:
    """Return the region scope of the user's discipline-inspector assignments."""
    paths = Assignment.objects.filter(user=user, role=Role.INSPECTOR).values_list(
        "unit__region__path", flat=True)
    return Scope(region_paths=tuple(sorted(set(paths))))


def own_unit_paths(user: Any) -> list[str]:
    """Return the tree paths of the user's units: their assignments and their person record."""
    paths = list(Assignment.objects.filter(user=user).values_list("unit__path", flat=True))
    paths += Person.objects.filter(user=user).values_list("unit__path", flat=True)
    return sorted(set(paths))


def works_in_or_above(user: Any, unit: Unit) -> bool:
    """Return whether ``user`` works in ``unit`` or in a unit above it in the same tree."""
    return any(unit.path.startswith(path) for path in own_unit_paths(user))


def own_line_condition(user: Any) -> Q:
    """Return the filter for checks whose target is one of the user's units or lies below one."""
    condition = Q(pk__in=[])
    for path in own_unit_paths(user):
        condition |= Q(target_unit__path__startswith=path)
    return condition


def named_condition(user: Any) -> Q:
    return Q(planned_by=user) | Q(assignments__user=user)


def visible_spot_checks(user: Any) -> QuerySet:
    """Return the spot checks ``user`` may see under the secrecy rule."""
    checks = SpotCheck.objects.all()
    if not _active(user):
        return checks.none()

    named = Q(pk__in=SpotCheck.objects.filter(named_condition(user)).values("pk"))
    in_line = own_line_condition(user)
    if user.is_superuser:
        unperformed = ~in_line | named
    else:
        unperformed = (inspector_scope(user).condition(SpotCheck) & ~in_line) | named
    general = scope_for(user)
    performed = Q() if general.everything else general.condition(SpotCheck)
    if not user.is_superuser:
        performed |= inspector_scope(user).condition(SpotCheck)

    allowed = ((Q(status=CheckStatus.PERFORMED) & performed)
               | (~Q(status=CheckStatus.PERFORMED) & unperformed))
    return checks.filter(allowed)


def get_visible_spot_check(user: Any, pk: Any) -> SpotCheck:
    """Load one visible check; raise Http404 for a missing one and for a hidden one alike."""
    check = visible_spot_checks(user).filter(pk=pk).first()
    if check is None:
        raise Http404(_("No spot check matches this address."))
    return check


def may_see(user: Any, check: SpotCheck) -> bool:
    return visible_spot_checks(user).filter(pk=check.pk).exists()


def may_plan(user: Any, unit: Unit) -> bool:
    """Return whether ``user`` is an inspector (or a superuser) who covers ``unit`` from outside its line."""
    if not _active(user) or works_in_or_above(user, unit):
        return False
    return user.is_superuser or inspector_scope(user).contains_region(unit.region)


def may_perform(user: Any, check: SpotCheck) -> bool:
    """Return whether ``user`` may record the result: a named inspector or one who may plan."""
    if not may_see(user, check):
        return False
    named = check.assignments.filter(user=user).exists() or check.planned_by_id == user.pk
    return named or may_plan(user, check.target_unit)
