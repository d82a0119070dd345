"""The calendar window of the demo data and helpers for drawing dates in it."""

import datetime
import random
from dataclasses import dataclass

from sunshine.duties.periods import Period, quarter_of

FIRST_DAY = datetime.date(2023, 1, 1)
LAST_DAY = datetime.date(2026, 12, 31)
# The day the demo data describes: nothing was approved, arrived or paid
# after it. Fixed rather than today's date so that a seed always gives the
# same data; projects planned to finish between this day and the day the
# demo is shown become overdue then, as they would in reality.
AS_OF = datetime.date(2026, 11, 30)


def clamp(day: datetime.date, first: datetime.date = FIRST_DAY,
          last: datetime.date = AS_OF) -> datetime.date:
    return max(first, min(last, day))


def days_after(rng: random.Random, day: datetime.date, low: int, high: int) -> datetime.date:
    return day + datetime.timedelta(days=rng.randint(low, high))


def random_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


@dataclass(frozen=True)
class TaskCalendar:
    """Dates of the demo's directives, tasks and progress, counted from the day they describe.

    Unlike projects, which describe AS_OF, execution data follows the day
    the demo runs, so that execution rates look as they would on that day.
    The offsets are those of AS_OF's year: directives issued from 5 January,
    deadlines from 15 February, open tasks due up to 31 March of the next
    year.
    """

    today: datetime.date

    @property
    def first_issue(self) -> datetime.date:
        return self.today - datetime.timedelta(days=329)

    @property
    def first_deadline(self) -> datetime.date:
        return self.today - datetime.timedelta(days=288)

    @property
    def last_deadline(self) -> datetime.date:
        return self.today + datetime.timedelta(days=121)

    @property
    def year(self) -> int:
        """The year of the directives, used in their titles and numbers."""
        return self.first_issue.year

    @property
    def reference(self) -> Period:
        """The twelve months up to today, which hold every demo deadline that is due.

        No deadline falls before it, so no task is carried in from earlier.
        On AS_OF it counts the same tasks as the calendar year.
        """
        start = self.today - datetime.timedelta(days=364)
        return Period(f"{start:%Y%m%d}~{self.today:%Y%m%d}", start, self.today)

    @property
    def locked_quarter(self) -> Period:
        """The quarter before the one of the day 15 days ago: reported, then locked."""
        recent = quarter_of(self.today - datetime.timedelta(days=15))
        return quarter_of(recent.start - datetime.timedelta(days=1))
