"""Checks shared by the duty actions: write scope and unit leadership."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext as _

from sunshine.duties.models import Task
from sunshine.organisation.models import Assignment, Role, Unit
from sunshine.organisation.scoping import scope_for


def require_write(actor: Any, instance: Model) -> None:
    """Raise PermissionDenied unless ``actor`` may change ``instance``; None is the system."""
    if actor is None:
        return
    if not scope_for(actor, write=True).contains(instance):
        raise PermissionDenied(
            _("“%(object)s” belongs to a region or unit outside the ones you may change.")
            % {"object": instance})


def unit_prefixes(unit: Unit) -> list[str]:
    """Return the paths of ``unit`` and every unit above it."""
    parts = unit.path.split("/")[:-1]
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def leaders_of(unit: Unit) -> list[Any]:
    """Return the users with the leader role in ``unit`` itself."""
    rows = Assignment.objects.filter(unit=unit, role=Role.LEADER).select_related("user")
    return [row.user for row in rows if row.user.is_active]


def is_leader_for(user: Any, task: Task) -> bool:
    """Whether ``user`` leads the task's lead unit or a unit above it."""
    if user.is_superuser:
        return True
    return Assignment.objects.filter(user=user, role=Role.LEADER,
                                     unit__path__in=unit_prefixes(task.lead_unit)).exists()
