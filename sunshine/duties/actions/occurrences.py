"""Creating and cancelling the tasks of recurring duties (see ``sunshine.duties.occurrences``).

``write_occurrences`` runs inside the batch of the action that creates,
changes or imports a duty, so the occurrences share that change's audit
entry. ``extend_occurrences`` moves every recurring duty up to today's
horizon, with one audit entry per duty that gained or lost occurrences.
Run twice, it writes nothing the second time.

Occurrences are never deleted. When a duty stops recurring (or changes
its cycle), each occurrence of the old cycle whose period starts after
today, has no progress report and is not complete is cancelled with a
reason. The others stay, because they are what the unit did or failed to
do, or, for the current period, what it still owes. A duty taken off
the public portal still applies inside the government, so unpublishing
changes nothing here. Should the duty recur again, the occurrences this
cancelled and that are still not due are restored rather than created
twice.

A later change of the duty's name or executing unit reaches the
occurrences that are still untouched (not yet due, no report, not
complete). The others keep the name and lead unit they were done or
reported under.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sunshine.duties import locks, occurrences
from sunshine.duties.actions.batch import Batch
from sunshine.duties.actions.tasks import TASK_TYPE, insert_task
from sunshine.duties.models import Directive, Duty, ProgressReport, Task
from sunshine.duties.periods import Period, parse_period, quarter_of

logger = logging.getLogger(__name__)


@dataclass
class Written:
    created: int = 0
    cancelled: int = 0
    restored: int = 0
    followed: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, other: "Written") -> None:
        self.created += other.created
        self.cancelled += other.cancelled
        self.restored += other.restored
        self.followed += other.followed
        self.failed.extend(other.failed)


def cancel_reason() -> str:
    """Return the reason stored on occurrences a change of cycle cancelled, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("The duty no longer recurs in this cycle, so this period's task is not owed.")


def write_occurrences(batch: Batch, duty: Duty, today: datetime.date) -> Written:
    """Bring a duty's occurrences in line with its cycle and today's horizon, in ``batch``.

    The duty row is locked first, so two writers cannot plan the same
    period; the unique constraint on (duty, period) would reject the second.
    """
    Duty.all_objects.select_for_update().filter(pk=duty.pk).first()
    duty = Duty.all_objects.select_related("unit__region", "directive").get(pk=duty.pk)
    stored = list(Task.objects.filter(duty=duty).exclude(period="").order_by("period"))
    touched = reported_ids(stored)
    cancelled = cancel_unowed(batch, duty, stored, touched, today)
    written = Written(cancelled=len(cancelled))
    written.followed = follow_duty(batch, duty, stored, touched | cancelled, today)
    follow_directives(batch, duty, today)

    active = [task.period for task in stored
              if task.cancelled_on is None and task.pk not in cancelled]
    by_key = {task.period: task for task in stored}
    for period, start in occurrences.planned_periods(duty, today, active):
        task = by_key.get(period.key)
        if task is None:
            insert_occurrence(batch, duty, period, start, today)
            written.created += 1
        elif restorable(task, touched, today):
            batch.update(task, {"cancelled_on": None, "cancel_reason": ""})
            written.restored += 1
    return written


def reported_ids(tasks: list[Task]) -> set[int]:
    return set(ProgressReport.objects.filter(task__in=[task.pk for task in tasks])
               .values_list("task_id", flat=True))


def untouched(task: Task, touched: set[int], today: datetime.date) -> bool:
    """Tell whether the task is not yet due, has no report and is not complete.

    Cancelling such a task loses no work.
    """
    return (task.deadline >= today and task.pk not in touched and task.completed_on is None
            and not task.progress)


def owed(duty: Duty, period: Period) -> bool:
    """Tell whether the duty's current cycle still requires a task for ``period``."""
    if not occurrences.is_recurring(duty.cycle):
        return False
    return occurrences.period_of(duty.cycle, period.start).key == period.key


def cancel_unowed(batch: Batch, duty: Duty, stored: list[Task], touched: set[int],
                  today: datetime.date) -> set[int]:
    """Cancel the untouched tasks the duty's cycle no longer requires, and return their ids."""
    reason = cancel_reason()
    cancelled: set[int] = set()
    for task in stored:
        period = parse_period(task.period)
        # The current period stays owed in the old cycle, and the new cycle
        # starts after it, so no day is left without a task.
        if task.cancelled_on is not None or period.start <= today or owed(duty, period):
            continue
        if not untouched(task, touched, today) or locks.lock_state(
                locks.county_of(task), quarter_of(task.deadline),
                today).locked:
            continue
        batch.update(task, {"cancelled_on": today, "cancel_reason": reason})
        cancelled.add(task.pk)
    return cancelled


def follow_duty(batch: Batch, duty: Duty, stored: list[Task], skipped: set[int],
                today: datetime.date) -> int:
    """Give untouched occurrences the duty's current name and unit; return how many changed.

    Tasks in a quarter that is locked are left as they are.
    """
    changed = 0
    for task in stored:
        if task.cancelled_on is not None or task.pk in skipped or not untouched(task, set(), today):
            continue
        if locks.lock_state(locks.county_of(task), quarter_of(task.deadline), today).locked:
            continue
        name = occurrences.occurrence_name(duty, parse_period(task.period))
        if task.name != name or task.lead_unit_id != duty.unit_id:
            batch.update(task, {"name": name, "lead_unit": duty.unit})
            changed += 1
    return changed


def follow_directives(batch: Batch, duty: Duty, today: datetime.date) -> None:
    """Give the duty's directives of this year and later its current unit and name.

    Earlier years' directives keep the unit that did the work.
    """
    for directive in Directive.objects.filter(generated_for=duty, issued_on__year__gte=today.year):
        fields = occurrences.directive_fields(duty, directive.issued_on.year, today)
        current = {name: fields[name] for name in ("title", "issuer", "region", "unit")}
        if any(getattr(directive, name) != value for name, value in current.items()):
            batch.update(directive, current)


def restorable(task: Task, touched: set[int], today: datetime.date) -> bool:
    return (task.cancelled_on is not None and task.cancel_reason == cancel_reason()
            and untouched(task, touched, today))


def insert_occurrence(batch: Batch, duty: Duty, period: Period, start: datetime.date,
                      today: datetime.date) -> Task:
    directive = directive_for(batch, duty, period.start.year, today)
    weight = min(occurrences.weight_of(duty.cycle, period), room_in(directive))
    if weight <= 0:
        raise ValidationError(
            _("The task for %(period)s of duty “%(duty)s” cannot be added: the top-level "
              "weights of directive %(number)s already sum to 100%%. Lower them on the "
              "directive's weights page, then save the duty again.")
            % {"period": occurrences.period_label(period), "duty": duty.name,
               "number": directive.document_number},
            code="directive_full",
        )
    task = Task(directive=directive, duty=duty, period=period.key, code=period.key,
                name=occurrences.occurrence_name(duty, period), lead_unit=duty.unit,
                start=start, deadline=period.end, weight=weight, path="")
    return insert_task(batch, task)


def room_in(directive: Directive) -> Decimal:
    """Return what the directive's active top-level weights leave of 100%.

    Periods of different cycles that follow one another after a change of
    cycle can round to 0.01% over a year; the last one gives way.
    """
    used = sum(Task.objects.active().filter(directive=directive, parent=None)
               .values_list("weight", flat=True), start=Decimal("0"))
    return Decimal("100") - used


def directive_for(batch: Batch, duty: Duty, year_number: int, today: datetime.date) -> Directive:
    """Return the directive that contains the duty's tasks of one year, made on first use.

    It is found by its duty and year, never by document number alone. Should
    another directive already carry the number, the new one gets a suffix.
    """
    found = (Directive.objects.filter(generated_for=duty, issued_on__year=year_number)
             .order_by("pk").first())
    if found is not None:
        return found
    fields = occurrences.directive_fields(duty, year_number, today)
    # Directives made before they named their duty carry only the number and the
    # duty's tasks.
    legacy = (Directive.objects.filter(document_number=fields["document_number"],
                                       generated_for=None, tasks__duty=duty)
              .exclude(tasks__duty__isnull=True).exclude(tasks__duty__in=Duty.all_objects
                                                         .exclude(pk=duty.pk)).first())
    if legacy is not None:
        return legacy
    number, suffix = fields["document_number"], 1
    while Directive.objects.filter(document_number=fields["document_number"]).exists():
        suffix += 1
        fields["document_number"] = f"{number}-{suffix}"
    return batch.insert(Directive(**fields))


def extend_occurrences(actor: Any, duties: Iterable[Duty] | None = None,
                       today: datetime.date | None = None) -> Written:
    """Give every recurring duty (or the given ones) its occurrences up to today's horizon."""
    today = today or timezone.localdate()
    if duties is None:
        duties = Duty.all_objects.filter(cycle__in=list(occurrences.PERIODS_PER_YEAR))
    total = Written()
    for duty in duties:
        try:
            with transaction.atomic():
                batch = Batch()
                written = write_occurrences(batch, duty, today)
                batch.commit(actor, "extend_occurrences", object_type=TASK_TYPE,
                             changes={"duty": duty.pk, "created": written.created,
                                      "cancelled": written.cancelled,
                                      "restored": written.restored})
        except ValidationError as error:
            # One duty that cannot be planned must not stop the others.
            logger.warning("recurring duty %s not extended: %s", duty.pk, " ".join(error.messages))
            total.failed.append(f"{duty.code} {duty.name}: {' '.join(error.messages)}")
            continue
        total.add(written)
    logger.info("recurring duty tasks extended to %s: %s created, %s cancelled, %s restored",
                today, total.created, total.cancelled, total.restored)
    return total
