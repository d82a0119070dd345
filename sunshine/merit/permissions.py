"""Who may review whose points: unit leaders above a person, and discipline inspectors.

A reviewer of a person is a leader of the person's unit or of a unit above
it, or a discipline inspector whose region contains the person's unit.
Nobody reviews their own entries.
"""

from typing import Any

from sunshine.duties.actions.common import unit_prefixes
from sunshine.organisation.models import Assignment, Person, Role, Unit


def is_person_of(user: Any, person: Person) -> bool:
    return person.user_id is not None and person.user_id == user.pk


def leads(user: Any, unit: Unit, *, strictly_above: bool = False) -> bool:
    """Return whether ``user`` leads ``unit`` or a unit above it.

    With ``strictly_above`` only a unit above it counts.
    """
    if user.is_superuser:
        return True
    paths = unit_prefixes(unit)
    if strictly_above:
        paths = paths[:-1]
    return Assignment.objects.filter(user=user, role=Role.LEADER, unit__path__in=paths).exists()


def led_unit_over(user: Any, unit: Unit) -> Unit | None:
    """Return the nearest unit at or above ``unit`` that ``user`` leads, or None."""
    rows = Assignment.objects.filter(user=user, role=Role.LEADER,
                                     unit__path__in=unit_prefixes(unit)).select_related("unit")
    units = [row.unit for row in rows]
    return max(units, key=lambda led: len(led.path), default=None)


def inspects(user: Any, unit: Unit) -> bool:
    """Return whether ``user`` is a discipline inspector of a region containing ``unit``."""
    regions = Assignment.objects.filter(user=user, role=Role.INSPECTOR).values_list(
        "unit__region__path", flat=True)
    return any(unit.region.path.startswith(path) for path in regions)


def is_reviewer_for(user: Any, person: Person) -> bool:
    if is_person_of(user, person):
        return False
    return leads(user, person.unit) or inspects(user, person.unit)


def is_reviewer(user: Any) -> bool:
    """Return whether ``user`` may review anybody: a superuser, leader or inspector."""
    return user.is_superuser or Assignment.objects.filter(
        user=user, role__in=[Role.LEADER, Role.INSPECTOR]).exists()
