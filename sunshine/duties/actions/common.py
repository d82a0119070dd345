"""Checks shared by the duty actions: write scope, authority from above and unit leadership."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sunshine.duties.models import Directive, Task
from sunshine.organisation.models import Assignment, Role, Unit
from sunshine.organisation.scoping import EDIT_ROLES, scope_for


def require_write(actor: Any, instance: Model) -> None:
    """Raise PermissionDenied unless ``actor`` may change ``instance``; None is the system."""
    if actor is None:
        return
    if not scope_for(actor, write=True).contains(instance):
        raise PermissionDenied(
            _("“%(object)s” belongs to a region or unit outside the ones you may change.")
            % {"object": instance})


def manages_from_above(actor: Any, unit: Unit) -> bool:
    """Return whether ``actor`` may change the rows of ``unit`` through an edit role above it.

    The role must be held in a unit above ``unit`` or in a region above the
    unit's region. A role in ``unit`` itself, in a unit below it or in a
    sibling unit of the same region does not count. None is the system.
    """
    if actor is None or actor.is_superuser or scope_for(actor, write=True).everything:
        return True
    rows = Assignment.objects.filter(user=actor, role__in=EDIT_ROLES).select_related(
        "unit__region")
    for row in rows:
        if row.unit.path.startswith(unit.path):
            continue
        if (unit.path.startswith(row.unit.path)
                or (row.unit.region_id != unit.region_id
                    and unit.region.path.startswith(row.unit.region.path))):
            return True
    return False


class Rectifications:
    """The failed spot checks behind rectification directives, loaded once per directive.

    Code that checks many rows calls ``load`` with all their directives
    first, so finding the spot checks takes one query whatever the number of
    rows. A directive not loaded takes one query the first time it is needed.
    """

    def __init__(self) -> None:
        self.checks: dict[int, Any] = {}
        self.loaded: set[int] = set()
        self.managers: dict[tuple[Any, int], bool] = {}

    def load(self, directives: Iterable[Directive]) -> None:
        """Load the spot checks of ``directives`` not loaded yet, in one query."""
        ids = {directive.pk for directive in directives if directive.pk is not None}
        ids -= self.loaded
        if not ids:
            return
        self.loaded |= ids
        if not apps.is_installed("sunshine.assessment"):
            return
        from sunshine.assessment.models import SpotCheck

        # In the model's order, so a directive gets the check that .first() would return.
        checks = (SpotCheck.objects.select_related("target_unit__region", "rectification_task")
                  .filter(rectification_task__directive_id__in=ids))
        for check in checks:
            if check.rectification_task is not None:
                self.checks.setdefault(check.rectification_task.directive_id, check)

    def check_of(self, directive: Directive) -> Any:
        """Return the failed spot check whose rectification ``directive`` contains, or None.

        A failed check creates one directive with one task for the checked
        unit (``sunshine.assessment.actions.rectification``) and points at the task.
        """
        if directive.pk is None:
            return None
        self.load([directive])
        return self.checks.get(directive.pk)

    def may_manage(self, actor: Any, check: Any) -> bool:
        """Return ``may_manage_rectification(actor, check)``, computed once per actor and check."""
        key = (getattr(actor, "pk", None), check.pk)
        if key not in self.managers:
            self.managers[key] = may_manage_rectification(actor, check)
        return self.managers[key]


def rectified_check(directive: Directive) -> Any:
    """Return the failed spot check whose rectification ``directive`` contains, or None."""
    return Rectifications().check_of(directive)


def may_manage_rectification(actor: Any, check: Any) -> bool:
    """Return whether ``actor`` is on the inspectors' side of a failed check.

    That side is the system, the check's own inspectors and planner, the
    discipline inspectors who may plan checks of the unit, and the users who
    may change the checked unit's rows from above it.
    """
    if actor is None:
        return True
    from sunshine.assessment import visibility

    return visibility.may_perform(actor, check) or manages_from_above(actor, check.target_unit)


def require_change(actor: Any, instance: Model, directive: Directive, *,
                   rectifications: Rectifications | None = None) -> Any:
    """Raise PermissionDenied unless ``actor`` may change ``instance`` of ``directive``.

    The rectification of a failed spot check belongs to the inspectors'
    side: the checked unit reports its progress but cannot edit, re-date or
    cancel the directive or its tasks. Everything else follows the write
    scope. Returns the spot check of a rectification, else None.
    Callers that check many rows pass one ``rectifications`` to all calls,
    so the spot checks are not looked up again for each row.
    """
    if rectifications is None:
        rectifications = Rectifications()
    check = rectifications.check_of(directive)
    if check is None:
        require_write(actor, instance)
    elif not rectifications.may_manage(actor, check):
        raise PermissionDenied(
            _("“%(object)s” is the rectification of the spot check “%(check)s”; only its "
              "inspectors or the level above %(unit)s may change it. Report your progress on "
              "the task instead.")
            % {"object": instance, "check": check.title, "unit": check.target_unit})
    return check


def require_owner(actor: Any, task: Task) -> None:
    """Raise PermissionDenied unless ``actor`` may manage ``task`` from where it was set.

    The users who may change a task's parent, or its directive for a
    top-level task, decide its deadline, its weight and its cancellation.
    The lead unit of a task under another unit's directive or parent
    reports progress on it but cannot change these.
    """
    if actor is None:
        return
    owner: Model = task.parent if task.parent_id is not None and task.parent else task.directive
    if not scope_for(actor, write=True).contains(owner):
        raise PermissionDenied(
            _("Task “%(task)s” was assigned by “%(owner)s”, outside the regions and units you "
              "may change; ask that level to change its deadline or weight, or to cancel it.")
            % {"task": task, "owner": owner})


def readable_weights(actor: Any, tasks: Iterable[Task]) -> list[tuple[str, Decimal]]:
    """Return the label and weight of each task, with the tasks ``actor`` may not read summed.

    A weight message lists the siblings of the task being written. Tasks
    outside the actor's read scope appear as one count and one summed
    weight, so the message explains the total without their names.
    """
    scope = None if actor is None else scope_for(actor)
    listed: list[tuple[str, Decimal]] = []
    hidden, hidden_weight = 0, Decimal("0")
    for task in tasks:
        if scope is None or scope.contains(task):
            listed.append((str(task), task.weight))
        else:
            hidden += 1
            hidden_weight += task.weight
    if hidden:
        label = ngettext("%(count)s other task outside your scope",
                         "%(count)s other tasks outside your scope", hidden) % {"count": hidden}
        listed.append((label, hidden_weight))
    return listed


def unit_prefixes(unit: Unit) -> list[str]:
    """Return the paths of ``unit`` and every unit above it."""
    parts = unit.path.split("/")[:-1]
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def leaders_of(unit: Unit) -> list[Any]:
    """Return the users with the leader role in ``unit`` itself, with their preferences loaded."""
    rows = Assignment.objects.filter(unit=unit, role=Role.LEADER).select_related(
        "user__preference")
    return [row.user for row in rows if row.user.is_active]


def is_leader_for(user: Any, task: Task) -> bool:
    """Whether ``user`` leads the task's lead unit or a unit above it."""
    if user.is_superuser:
        return True
    return Assignment.objects.filter(user=user, role=Role.LEADER,
                                     unit__path__in=unit_prefixes(task.lead_unit)).exists()
