"""Local times in messages to users."""

import datetime

from django.utils import timezone


def clock_time(moment: datetime.datetime) -> str:
    """Format a moment as local HH:MM, with the date in front when it is not today."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
