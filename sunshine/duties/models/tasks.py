"""Tasks that decompose a directive into a tree, and their milestones.

A task's status is derived when it is read, from its deadline, its
completion date, its approved progress and the day asked about. A list is
therefore right on the day it is shown, whether or not a scheduled job ran.
``progress`` and ``completed_on`` are caches that the actions recompute
from approved progress reports (for a task without sub-tasks) or from the
sub-tasks (for a parent) in the transaction that changes them; see
``sunshine.duties.rollup``.
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sunshine.audit.models import AuditedModel
from sunshine.duties.models.directives import Directive, Duty
from sunshine.duties.models.fields import PercentField

if TYPE_CHECKING:
    from sunshine.organisation.models import Unit

FULL = Decimal("100")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("task status", "not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("task status", "in progress")
    DONE_ON_TIME = "done_on_time", pgettext_lazy("task status", "done on time")
    DONE_LATE = "done_late", pgettext_lazy("task status", "done late")
    OVERDUE = "overdue", pgettext_lazy("task status", "overdue")
    CANCELLED = "cancelled", pgettext_lazy("task status", "cancelled")


def derive_status(*, cancelled_on: datetime.date | None, completed_on: datetime.date | None,
                  deadline: datetime.date, progress: Decimal, today: datetime.date) -> str:
    """Return the status of a task on ``today``; ``TaskQuerySet.with_status`` is the SQL twin."""
    if cancelled_on is not None:
        return TaskStatus.CANCELLED
    if completed_on is not None:
        return TaskStatus.DONE_ON_TIME if completed_on <= deadline else TaskStatus.DONE_LATE
    if deadline < today:
        return TaskStatus.OVERDUE
    if progress > 0:
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


class TaskQuerySet(models.QuerySet):
    def active(self) -> "TaskQuerySet":
        """Tasks that are not cancelled."""
        return self.filter(cancelled_on__isnull=True)

    def open(self) -> "TaskQuerySet":
        """Tasks neither cancelled nor completed."""
        return self.active().filter(completed_on__isnull=True)

    def overdue(self, today: datetime.date | None = None) -> "TaskQuerySet":
        """Open tasks whose deadline is before ``today``."""
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def due_between(self, first: datetime.date, last: datetime.date) -> "TaskQuerySet":
        """Tasks not cancelled with a deadline from ``first`` to ``last``, both included."""
        return self.active().filter(deadline__gte=first, deadline__lte=last)

    def done_on_time(self) -> "TaskQuerySet":
        return self.active().filter(completed_on__lte=F("deadline"))

    def done_late(self) -> "TaskQuerySet":
        return self.active().filter(completed_on__gt=F("deadline"))

    def in_region(self, region) -> "TaskQuerySet":
        """Tasks whose lead unit lies in ``region`` or a region below it."""
        return self.filter(lead_unit__region__path__startswith=region.path)

    def in_unit(self, unit) -> "TaskQuerySet":
        """Tasks led by ``unit`` or a unit below it."""
        return self.filter(lead_unit__path__startswith=unit.path)

    def with_status(self, today: datetime.date | None = None) -> "TaskQuerySet":
        """Annotate ``status`` as ``derive_status`` computes it, so lists can filter on it."""
        today = today or timezone.localdate()
        return self.annotate(status=Case(
            When(cancelled_on__isnull=False, then=Value(TaskStatus.CANCELLED)),
            When(completed_on__lte=F("deadline"), then=Value(TaskStatus.DONE_ON_TIME)),
            When(completed_on__isnull=False, then=Value(TaskStatus.DONE_LATE)),
            When(deadline__lt=today, then=Value(TaskStatus.OVERDUE)),
            When(progress__gt=0, then=Value(TaskStatus.IN_PROGRESS)),
            default=Value(TaskStatus.NOT_STARTED),
            output_field=models.CharField(),
        ))

    def with_status_in(self, statuses: list[str], today: datetime.date | None = None
                       ) -> "TaskQuerySet":
        return self.with_status(today).filter(status__in=statuses)


class Task(AuditedModel):
    """A piece of a directive's work with a lead unit, a deadline and a weight in its parent.

    ``weight`` is the task's share, in percent, of its parent's progress (of
    the directive's progress for a top-level task). The weights of the
    sub-tasks of one parent sum to 100.
    """

    directive = models.ForeignKey(Directive, models.PROTECT, related_name="tasks",
                                  verbose_name=_("directive"))
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("parent task"))
    duty = models.ForeignKey(Duty, models.PROTECT, null=True, blank=True, related_name="tasks",
                             verbose_name=_("duty"))
    code = models.CharField(_("task number"), max_length=50)
    name = models.CharField(_("task"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey("organisation.Unit", models.PROTECT, related_name="led_tasks",
                                  verbose_name=_("lead unit"))
    cooperating_units: "models.ManyToManyField[Unit, TaskCooperation]" = models.ManyToManyField(
        "organisation.Unit", through="TaskCooperation", related_name="cooperating_tasks",
        blank=True, verbose_name=_("cooperating units"),
    )
    responsible_person = models.ForeignKey(
        "organisation.Person", models.PROTECT, null=True, blank=True, related_name="tasks",
        verbose_name=_("responsible person"),
    )
    start = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    weight = PercentField(_("weight (%)"), default=FULL)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # The period key (2026-03, 2026Q1 or 2026) of a recurring duty's occurrence; empty otherwise.
    period = models.CharField(_("period"), max_length=7, blank=True, editable=False)
    # Ids of the ancestors and this task joined by "/", for subtree queries.
    path = models.CharField(max_length=255, db_index=True, editable=False)

    progress = PercentField(_("approved progress (%)"), default=Decimal("0"), editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)
    audit_exclude = ("progress", "completed_on")
    # Added after tasks existed: see sunshine.audit.chain.digest_row.
    audit_added = ("period",)

    objects = TaskQuerySet.as_manager()

    scope_region = "lead_unit__region"
    scope_unit = "lead_unit"

    class Meta:
        ordering = ["directive_id", "path"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["directive", "code"],
                                    name="task_unique_code_in_directive"),
            models.UniqueConstraint(fields=["duty", "period"], condition=~Q(period=""),
                                    name="task_unique_duty_period"),
            models.CheckConstraint(condition=Q(deadline__gte=F("start")),
                                   name="task_deadline_not_before_start"),
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100),
                                   name="task_weight_range"),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100),
                                   name="task_progress_range"),
        ]
        indexes = [
            models.Index(fields=["deadline", "completed_on"], name="task_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def status_on(self, today: datetime.date | None = None) -> str:
        return derive_status(cancelled_on=self.cancelled_on, completed_on=self.completed_on,
                             deadline=self.deadline, progress=self.progress,
                             today=today or timezone.localdate())

    @property
    def status(self) -> str:
        """The status today, unless ``with_status`` annotated it on the row."""
        return self.__dict__.get("_status") or self.status_on()

    @status.setter
    def status(self, value: str) -> None:
        self.__dict__["_status"] = value

    def get_status_display(self) -> str:
        return str(TaskStatus(self.status).label)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.split("/")[:-2] if part]

    @property
    def tree_key(self) -> tuple[int, ...]:
        """Sort key putting each task after its parent and siblings in id order.

        The ``path`` column is text, where "100/" sorts before "99/".
        """
        return tuple(int(part) for part in self.path.strip("/").split("/") if part)

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else ""
        return f"{prefix}{self.pk}/"


class TaskCooperation(AuditedModel):
    """A unit that cooperates on a task led by another unit."""

    task = models.ForeignKey(Task, models.PROTECT, related_name="cooperations",
                             verbose_name=_("task"))
    unit = models.ForeignKey("organisation.Unit", models.PROTECT, related_name="+",
                             verbose_name=_("cooperating unit"))

    scope_region = "task__lead_unit__region"
    scope_unit = "task__lead_unit"

    class Meta:
        ordering = ["task_id", "unit_id"]
        verbose_name = _("cooperating unit")
        verbose_name_plural = _("cooperating units")
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="task_cooperation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.unit_id}"


class Milestone(AuditedModel):
    """An intermediate checkpoint of a task."""

    task = models.ForeignKey(Task, models.PROTECT, related_name="milestones",
                             verbose_name=_("task"))
    name = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    scope_region = "task__lead_unit__region"
    scope_unit = "task__lead_unit"

    class Meta:
        ordering = ["task_id", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.due_on} {self.name}"
