"""Post a closed quarter's merit points: overdue penalties and anything else still missing.

Running it again posts nothing twice, because each person, rule and cause
has at most one posting.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sunshine.duties.periods import QUARTER_TEXT, Period, parse_period
from sunshine.merit.closing import post_quarter


class Command(BaseCommand):
    help = ("Post the merit points owed by the events of one closed quarter and not yet posted: "
            "a penalty for each task due in the quarter and overdue at its close, points for "
            "each task done on time in it and for each reply rated satisfied in it. Earlier "
            "quarters are left alone, so run the command once for each quarter to post. "
            "Messages are in the site language.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quarter", required=True,
                            help="Quarter to close, for example 2026Q4; it must have ended.")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            period = closed_quarter(options["quarter"].strip())
            result = post_quarter(period)
            self.stdout.write(_("%(quarter)s: posted %(tasks)s task entries and %(petitions)s "
                                "petition entries for events of this quarter only.")
                              % {"quarter": period.key, "tasks": result.tasks,
                                 "petitions": result.petitions})


def closed_quarter(text: str) -> Period:
    """Return the quarter written as ``text``; raise CommandError unless it has ended."""
    if not QUARTER_TEXT.fullmatch(text):
        raise CommandError(_("“%(value)s” is not a quarter; write it as 2024Q1")
                           % {"value": text})
    try:
        period = parse_period(text)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
    today = timezone.localdate()
    if period.end >= today:
        raise CommandError(_("Quarter %(quarter)s ends on %(end)s, so it cannot be closed yet; "
                             "run this command on %(next)s or later")
                           % {"quarter": period.key, "end": period.end.isoformat(),
                              "next": (period.end + datetime.timedelta(days=1)).isoformat()})
    return period
