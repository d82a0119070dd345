"""Audited changes to the task tree: create, edit, weights, cancellation and milestones."""

import datetime
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.duties import locks, rules
from sunshine.duties.actions.batch import Batch
from sunshine.duties.actions.common import (
    Rectifications,
    readable_weights,
    require_change,
    require_owner,
    require_write,
)
from sunshine.duties.models import Directive, Milestone, Task, TaskCooperation
from sunshine.duties.rollup import refresh_progress
from sunshine.organisation.models import Unit

logger = logging.getLogger(__name__)

TASK_TYPE = chain.object_type_of(Task)
EDITABLE = frozenset({"code", "name", "description", "lead_unit", "responsible_person", "start",
                      "deadline", "weight", "duty"})
# Fields that only the holder of the parent task or directive may change (``require_owner``).
OWNER_FIELDS = ("deadline", "weight")


def owner_label(directive: Directive, parent: Task | None) -> str:
    return str(parent) if parent is not None else str(directive)


def sibling_weights(directive: Directive, parent: Task | None, exclude: Task | None = None,
                    *, actor: Any = None) -> list[tuple[str, Decimal]]:
    """Return (label, weight) of the active tasks directly under ``parent`` or the directive.

    Tasks that ``actor`` may not read are summed under one label (``readable_weights``).
    """
    siblings = Task.objects.active().filter(directive=directive, parent=parent)
    if exclude is not None and exclude.pk is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    return readable_weights(actor, siblings.order_by("code"))


def check_new_task(task: Task, actor: Any = None) -> None:
    parent = task.parent
    if parent is not None and parent.directive_id != task.directive_id:
        raise ValidationError(_("The parent task “%(parent)s” belongs to another directive; "
                                "choose a task of “%(directive)s”")
                              % {"parent": parent, "directive": task.directive},
                              code="parent_other_directive")
    if parent is not None and parent.cancelled_on is not None:
        raise ValidationError(_("The parent task “%(parent)s” is cancelled; a sub-task cannot "
                                "be added to it") % {"parent": parent}, code="parent_cancelled")
    check_task_values(task, actor)


def check_task_values(task: Task, actor: Any = None) -> None:
    """Check dates and weight of a new or edited task against its parent and siblings."""
    rules.check_dates(task.start, task.deadline)
    rules.check_parent_deadline(task.deadline, task.parent)
    rules.check_weight(task.weight)
    weights = [*sibling_weights(task.directive, task.parent, exclude=task, actor=actor),
               (str(task), task.weight)]
    rules.check_weights(owner_label(task.directive, task.parent), weights, exact=False)


def create_task(actor: Any, *, directive: Directive, parent: Task | None = None,
                cooperating_units: Iterable[Unit] = (),
                milestones: Iterable[tuple[str, datetime.date]] = (), **fields: Any) -> Task:
    """Create a task under a directive, or a sub-task under ``parent``."""
    task = Task(directive=directive, parent=parent, path="", **fields)
    owner = parent if parent is not None else directive
    if require_change(actor, owner, directive) is None:
        require_write(actor, task.lead_unit)
    check_new_task(task, actor)
    with transaction.atomic():
        batch = Batch()
        insert_task(batch, task)
        for unit in cooperating_units:
            batch.insert(TaskCooperation(task=task, unit=unit))
        for name, due_on in milestones:
            batch.insert(Milestone(task=task, name=name, due_on=due_on))
        batch.commit(actor, "create", object_type=TASK_TYPE, object_id=task.pk,
                     changes={"directive": directive.pk, "code": task.code,
                              "parent": parent.pk if parent else None})
        refresh_progress([task])
    logger.info("task %s created by user %s", task.pk, getattr(actor, "pk", None))
    return task


def insert_task(batch: Batch, task: Task) -> Task:
    """Insert a task and give it its tree path, before the batch digests it."""
    batch.insert(task)
    task.path = task.compute_path()
    Task.objects.filter(pk=task.pk).update(path=task.path)
    return task


def update_task(actor: Any, task: Task, changes: dict[str, Any], *,
                cooperating_units: Iterable[Unit] | None = None,
                expected_version: int | None) -> Task:
    """Edit a task's fields; ``cooperating_units``, when given, replaces the stored ones."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"fields that cannot be edited: {sorted(unknown)}")
    edited = Task.objects.select_related("parent", "directive", "lead_unit__region").get(
        pk=task.pk)
    rectification = require_change(actor, task, edited.directive)
    if "lead_unit" in changes and changes["lead_unit"].pk != edited.lead_unit_id:
        require_write(actor, changes["lead_unit"])
    moved = [name for name in OWNER_FIELDS
             if name in changes and changes[name] != getattr(edited, name)]
    if moved and rectification is None:
        require_owner(actor, edited)
    for name, value in changes.items():
        setattr(edited, name, value)
    check_task_values(edited, actor)
    if edited.deadline != task.deadline:
        rules.check_children_deadline(task, edited.deadline)
        check_deadline_unlocked(task, [task.deadline, edited.deadline])

    with transaction.atomic():
        batch = Batch()
        task, diff = batch.update(task, changes, expected_version=expected_version)
        if cooperating_units is not None:
            write_cooperation(batch, task, cooperating_units)
        batch.commit(actor, "update", object_type=TASK_TYPE, object_id=task.pk, changes=diff)
        refresh_progress([task])
    return task


def check_deadline_unlocked(task: Task, days: Iterable[datetime.date]) -> None:
    """Reject a change that would move a task into or out of a locked quarter."""
    for day in days:
        locks.check_open(task, day)


def write_cooperation(batch: Batch, task: Task, units: Iterable[Unit]) -> None:
    wanted = {unit.pk for unit in units}
    stored = {row.unit_id: row for row in TaskCooperation.objects.filter(task=task)}
    for unit_id, row in stored.items():
        if unit_id not in wanted:
            batch.delete(row)
    for unit_id in sorted(wanted - set(stored)):
        batch.insert(TaskCooperation(task=task, unit_id=unit_id))


def set_weights(actor: Any, directive: Directive, parent: Task | None,
                weights: dict[int, Decimal]) -> list[Task]:
    """Set the weights of all active tasks under ``parent`` (or the directive's top level).

    ``weights`` maps task ids to percentages that must sum to exactly 100.
    """
    if directive.generated_for_id is not None and parent is None:
        raise ValidationError(
            _("The weights of directive %(number)s are each period's share of the year, set "
              "with the recurring duty's tasks; they cannot be edited.")
            % {"number": directive.document_number},
            code="generated_weights",
        )
    children = list(Task.objects.active().filter(directive=directive, parent=parent)
                    .order_by("code"))
    if {task.pk for task in children} != set(weights):
        raise ValidationError(_("The list of sub-tasks changed while you were editing; reload "
                                "the page and enter the weights again"), code="children_changed")
    rectifications = Rectifications()
    for task in children:
        if require_change(actor, task, directive, rectifications=rectifications) is None:
            require_owner(actor, task)
        rules.check_weight(weights[task.pk])
    rules.check_weights(owner_label(directive, parent),
                        [(str(task), weights[task.pk]) for task in children], exact=True)
    with transaction.atomic():
        batch = Batch()
        for task in children:
            batch.update(task, {"weight": weights[task.pk]})
        batch.commit(actor, "set_weights", object_type=TASK_TYPE,
                     object_id=parent.pk if parent else "",
                     changes={"directive": directive.pk,
                              "weights": {str(k): str(v) for k, v in weights.items()}})
        refresh_progress(children)
    return children


def cancel_task(actor: Any, task: Task, *, reason: str, on: datetime.date | None = None) -> Task:
    """Cancel an unfinished task and its unfinished sub-tasks, with the reason."""
    task = Task.objects.select_related("parent", "directive", "lead_unit__region").get(pk=task.pk)
    if require_change(actor, task, task.directive) is None:
        require_owner(actor, task)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write why the task is cancelled; the reason is kept in the "
                                "record"), code="reason_missing")
    if task.cancelled_on is not None or task.completed_on is not None:
        raise ValidationError(_("Task “%(task)s” is already %(status)s and cannot be cancelled")
                              % {"task": task, "status": task.get_status_display()},
                              code="not_open")
    on = on or timezone.localdate()
    affected = list(Task.objects.open().filter(path__startswith=task.path)
                    .select_related("lead_unit__region"))
    for row in affected:
        check_deadline_unlocked(row, [row.deadline])
    with transaction.atomic():
        batch = Batch()
        for row in affected:
            batch.update(row, {"cancelled_on": on, "cancel_reason": reason})
        batch.commit(actor, "cancel", object_type=TASK_TYPE, object_id=task.pk,
                     changes={"reason": reason, "tasks": [row.pk for row in affected]})
        refresh_progress([task])
    return Task.objects.get(pk=task.pk)


def add_milestone(actor: Any, task: Task, *, name: str, due_on: datetime.date) -> Milestone:
    require_write(actor, task)
    if task.cancelled_on is not None or task.completed_on is not None:
        raise ValidationError(_("Task “%(task)s” is already %(status)s, so it takes no new "
                                "milestones") % {"task": task, "status": task.get_status_display()},
                              code="not_open")
    if due_on > task.deadline:
        raise ValidationError(_("Milestone date %(due)s is after the task's deadline "
                                "%(deadline)s; choose a date by the deadline")
                              % {"due": due_on, "deadline": task.deadline},
                              code="milestone_after_deadline")
    with transaction.atomic():
        batch = Batch()
        milestone = batch.insert(Milestone(task=task, name=name.strip(), due_on=due_on))
        batch.commit(actor, "create", object_type=chain.object_type_of(Milestone),
                     object_id=milestone.pk, changes={"task": task.pk, "name": name})
    return milestone  # type: ignore[return-value]


def complete_milestone(actor: Any, milestone: Milestone, *, done_on: datetime.date) -> Milestone:
    require_write(actor, milestone)
    if done_on > timezone.localdate():
        raise ValidationError(_("Date %(value)s is in the future; record a milestone once it is "
                                "reached") % {"value": done_on}, code="future")
    with transaction.atomic():
        batch = Batch()
        milestone, diff = batch.update(milestone, {"done_on": done_on})
        batch.commit(actor, "complete_milestone", object_type=chain.object_type_of(Milestone),
                     object_id=milestone.pk, changes=diff)
    return milestone  # type: ignore[return-value]
