"""Local times in messages to users."""

import datetime
import math

from django.utils import timezone


def clock_time(moment: datetime.datetime) -> str:
    """Format a moment as local HH:MM, with the date in front when it is not today."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def seconds_until(moment: datetime.datetime) -> int:
    """Return the whole seconds from now until a moment, at least 1, as a Retry-After header takes."""
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))
