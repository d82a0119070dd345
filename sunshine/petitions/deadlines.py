"""Statutory deadlines of petitions and reports, and their status at read time.

Every period is a versioned setting (``sunshine.rules.defaults``) whose
value names its unit: ``{"count": 15, "unit": "days"}`` for calendar days,
``{"count": 5, "unit": "workdays"}`` for working days. A deadline is
computed from the date of the event that starts it, with the setting in
force on that date for the petition's county, and stored on the event and
the petition. Status (on time, due soon, overdue) is derived from the
stored date whenever it is read, so it never depends on a scheduled job.

Counting rules:
- Calendar days: the event day is not counted and the period starts the
  next day (Civil Code art. 201). When the last day is a rest day or public
  holiday, the period ends on the next working day (Civil Code art. 203);
  the setting ``petitions.end_on_holiday_moves`` switches this off.
- Working days: the event day is not counted; make-up working days count
  and holidays do not (``sunshine.petitions.workdays``). A period counted
  in working days always ends on a working day, so art. 203 does not apply.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.petitions import workdays
from sunshine.rules.values import get_setting

DAYS = "days"
WORKDAYS = "workdays"

ACCEPT_NOTICE = "petitions.accept_notice_days"
TRANSFER = "petitions.transfer_days"
REFERRAL_OBJECTION = "petitions.referral_objection_days"
HANDLE = "petitions.handle_days"
ACCUSATION_HANDLE = "petitions.accusation_handle_days"
EXTENSION_MAX = "petitions.extension_max_days"
EXTENSION_MAX_COUNT = "petitions.extension_max_count"
REVIEW_REQUEST = "petitions.review_request_days"
REVIEW_DECISION = "petitions.review_decision_days"
RE_REVIEW_REQUEST = "petitions.re_review_request_days"
RE_REVIEW_DECISION = "petitions.re_review_decision_days"
ACCUSATION_ACCEPT = "petitions.accusation_accept_days"
ACCUSATION_NOTICE = "petitions.accusation_notice_days"
ACCUSATION_FEEDBACK = "petitions.accusation_feedback_days"
ACCEPT_WARNING = "petitions.zhejiang_accept_warning_days"
HANDLE_WARNING = "petitions.zhejiang_handle_warning_days"
END_ON_HOLIDAY_MOVES = "petitions.end_on_holiday_moves"
DUE_SOON_DAYS = "petitions.due_soon_days"

# Internal targets from the Zhejiang Petition Regulation (2016): shown as
# warnings, never as legal deadlines, because the national regulation of
# 2022 sets longer periods.
WARNING_RULES = frozenset({ACCEPT_WARNING, HANDLE_WARNING})


class DeadlineStatus(models.TextChoices):
    ON_TIME = "on_time", _("on time")
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")


@dataclass(frozen=True)
class Period:
    count: int
    unit: str


@dataclass(frozen=True)
class Deadline:
    """A deadline a step starts, or with ``met_on`` one that the step met after it passed."""

    rule: str
    due: datetime.date
    legal: bool
    met_on: datetime.date | None = None

    def as_json(self) -> dict:
        # PostgreSQL's jsonb returns object keys shortest first, then in byte
        # order. The audit row digest hashes keys in the order they are read
        # back, so writing them in jsonb's order gives the same digest on
        # SQLite, which keeps the written order.
        found: dict = {"due": self.due.isoformat(), "rule": self.rule, "legal": self.legal}
        if self.met_on is not None:
            found["met_on"] = self.met_on.isoformat()
        return found


def period(rule: str, *, region, on: datetime.date) -> Period:
    """Return the period of ``rule`` in force on ``on`` for the region's county."""
    expected = 'expected {"count": <days>, "unit": "days"} or {"count": <days>, "unit": "workdays"}'
    try:
        # get_setting converts a stored version to a dict, which fails for a bare number.
        value = get_setting(rule, region=region, on=on)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(
            f"the version of setting {rule} in force on {on} is not an object; {expected}"
        ) from None
    try:
        count, unit = int(value["count"]), value["unit"]
    except (TypeError, KeyError, ValueError):
        raise ImproperlyConfigured(f"setting {rule} is {value!r}; {expected}") from None
    if unit not in (DAYS, WORKDAYS) or count < 0:
        raise ImproperlyConfigured(
            f"setting {rule} is {value!r}; the unit must be \"days\" or \"workdays\" "
            f"and the count zero or more"
        )
    return Period(count, unit)


def end_of_period(start: datetime.date, length: Period, *, region) -> datetime.date:
    """Return the last day of a period starting after ``start`` (see the module notes)."""
    if length.unit == WORKDAYS:
        return workdays.add_workdays(start, length.count)
    end = workdays.add_days(start, length.count)
    if get_setting(END_ON_HOLIDAY_MOVES, region=region, on=start):
        end = workdays.next_workday(end)
    return end


def compute(rule: str, start: datetime.date, *, region) -> Deadline:
    """Compute the deadline of ``rule`` for an event on ``start`` in ``region``."""
    length = period(rule, region=region, on=start)
    due = end_of_period(start, length, region=region)
    return Deadline(rule, due, legal=rule not in WARNING_RULES)


def extend(due: datetime.date, days: int, *, region) -> datetime.date:
    """Return a deadline moved ``days`` calendar days later, ending on a working day if set."""
    return end_of_period(due, Period(days, DAYS), region=region)


def status_of(due: datetime.date | None, *, region=None,
              today: datetime.date | None = None) -> DeadlineStatus | None:
    """Return the status of one deadline on ``today``; None when there is no deadline."""
    if due is None:
        return None
    today = today or timezone.localdate()
    if today > due:
        return DeadlineStatus.OVERDUE
    soon = get_setting(DUE_SOON_DAYS, region=region, on=today)
    if (due - today).days <= soon:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.ON_TIME


def open_deadlines(petition) -> list[tuple[str, datetime.date]]:
    """Return the petition's open obligations as (field name, date), earliest first."""
    names = ("due_on", "notice_due", "assign_due")
    found = [(name, getattr(petition, name)) for name in names if getattr(petition, name)]
    return sorted(found, key=lambda item: item[1])


def petition_status(petition, today: datetime.date | None = None) -> DeadlineStatus | None:
    """Return the status of the petition's earliest open deadline on ``today``."""
    pending = open_deadlines(petition)
    if not pending:
        return None
    return status_of(pending[0][1], region=petition.region, today=today)


def warning_passed(petition, today: datetime.date | None = None) -> bool:
    """Return whether the internal (Zhejiang) target date has passed with the step still open."""
    today = today or timezone.localdate()
    return petition.warning_on is not None and today > petition.warning_on


def needs_escalation(petition, today: datetime.date | None = None) -> bool:
    """Return whether a deadline has passed since the last recorded escalation.

    Computed at read time: a petition is marked as soon as a deadline is
    missed, whether or not anyone has recorded the escalation yet.
    """
    today = today or timezone.localdate()
    escalated_on = timezone.localdate(petition.escalated_at) if petition.escalated_at else None
    # Any open deadline counts, not only the earliest: one missed after an escalation
    # needs an escalation of its own.
    return any(today > due and (escalated_on is None or escalated_on <= due)
               for _name, due in open_deadlines(petition))
