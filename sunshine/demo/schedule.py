"""The calendar window of the demo data and helpers for drawing dates in it."""

import datetime
import random

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
