"""Delete reporters' and supervision day registrants' names and phones after their retention periods."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.lib.command_dates import parse_today
from sunshine.petitions.retention import purge, purge_registrations


class Command(BaseCommand):
    help = (
        "Delete the reporter's name and phone from every petition closed longer ago than "
        "petitions.reporter_data_retention_years (per county); the case itself stays. "
        "Also delete the name and phone of every citizen registered for a supervision day more "
        "than supervision.registrant_data_retention_days ago (per county). "
        "Safe to run daily: a petition or registration already purged is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Report what would be deleted, and change nothing.")
        parser.add_argument("--today", help=(
            "Run as on this day (YYYY-MM-DD) instead of today. A later day than today is "
            "accepted only with --dry-run: it would delete data still within its retention "
            "period."))

    def handle(self, *args, **options):
        today = parse_today(options["today"])
        if today is not None and not options["dry_run"]:
            self._reject_future_day(today)
        report = purge(today, dry_run=options["dry_run"])

        template = (_("Would delete reporter data of %(count)s petitions.") if options["dry_run"]
                    else _("Deleted reporter data of %(count)s petitions."))
        self.stdout.write(template % {"count": len(report.purged)})
        if report.reward_reporters:
            self.stdout.write(_("Unlinked %(count)s rewarded reporters from their phone.")
                              % {"count": len(report.reward_reporters)})
        if report.entries:
            self.stdout.write(_("Audit entries: %(ids)s") % {
                "ids": ", ".join(f"#{pk}" for pk in report.entries)})
        if report.skipped:
            self.stdout.write(_(
                "Kept %(count)s petitions past retention because they still have an open "
                "deadline (ids %(ids)s); close that deadline first."
            ) % {"count": len(report.skipped), "ids": ", ".join(map(str, report.skipped[:50]))})
        if options["verbosity"] >= 2 and report.purged:
            self.stdout.write(_("Petition ids: %(ids)s") % {"ids": ", ".join(map(str, report.purged))})

        registrations = purge_registrations(today, dry_run=options["dry_run"])
        template = (_("Would delete names and phones of %(count)s supervision day registrations.")
                    if options["dry_run"]
                    else _("Deleted names and phones of %(count)s supervision day registrations."))
        self.stdout.write(template % {"count": len(registrations.purged)})
        if registrations.entries:
            self.stdout.write(_("Audit entries: %(ids)s") % {
                "ids": ", ".join(f"#{pk}" for pk in registrations.entries)})
        if options["verbosity"] >= 2 and registrations.purged:
            self.stdout.write(_("Registration ids: %(ids)s") % {
                "ids": ", ".join(map(str, registrations.purged))})

    def _reject_future_day(self, day: datetime.date) -> None:
        """Raise CommandError, before anything is deleted, when ``day`` is after the local date.

        A purge as on a future day would delete names and phones still within
        their retention period, such as those of citizens registered for a
        supervision day still to come.
        """
        real = timezone.localdate()
        if day > real:
            raise CommandError(_(
                "--today %(value)s is later than today, %(today)s: it would delete names and "
                "phones still within their retention period, so nothing was deleted. Give a day "
                "up to %(today)s, leave out --today, or add --dry-run to see what would be "
                "deleted on %(value)s."
            ) % {"value": day.isoformat(), "today": real.isoformat()})
