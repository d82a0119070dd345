"""Record, refresh or cancel the performance deductions of a quarter; safe to rerun."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunshine.assessment.actions import apply_deductions
from sunshine.organisation.models import Region


class Command(BaseCommand):
    help = ("Apply performance deductions for a quarter (such as 2026Q4) from its third-party "
            "evaluations; a rerun makes no duplicates.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("quarter", help="Quarter written as 2026Q4.")
        parser.add_argument("--region", default="",
                            help="Statistical code of a region to limit the run to.")

    def handle(self, *args: Any, **options: Any) -> None:
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"Region code {options['region']!r} does not exist; "
                                   "use a code such as 331002")
        try:
            counts = apply_deductions(options["quarter"], region=region)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        summary = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
        self.stdout.write(f"{options['quarter']}: {summary or 'no evaluated units'}")
