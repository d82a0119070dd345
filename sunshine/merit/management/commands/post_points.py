"""Post a closed quarter's merit points: overdue penalties and anything still missing.

Running it again posts nothing twice, because each person, rule and cause
has at most one posting.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sunshine.duties.periods import QUARTER_TEXT, parse_period
from sunshine.merit.closing import post_quarter


class Command(BaseCommand):
    help = ("Post the merit points of a closed quarter: a penalty for each task overdue at "
            "quarter close, and task and petition points not yet posted.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quarter", required=True,
                            help="Quarter to close, for example 2026Q4.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = options["quarter"].strip()
        if not QUARTER_TEXT.fullmatch(text):
            raise CommandError(f"“{text}” is not a quarter; write it as 2026Q4.")
        try:
            period = parse_period(text)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        today = timezone.localdate()
        if period.end >= today:
            raise CommandError(f"Quarter {period.key} ends on {period.end.isoformat()}; run "
                               "this command from the day after.")
        result = post_quarter(period)
        self.stdout.write(f"{period.key}: posted {result.tasks} task entries and "
                          f"{result.petitions} petition entries.")
