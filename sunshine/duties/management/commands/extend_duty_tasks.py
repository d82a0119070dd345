"""``sunshine extend_duty_tasks``: give every recurring duty its tasks up to the planning horizon."""


from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.duties.actions import extend_occurrences
from sunshine.lib.command_dates import parse_today


class Command(BaseCommand):
    help = ("Create the task of each period of every monthly, quarterly or yearly duty up to "
            "the planning horizon (the setting duties.plan_ahead_days). Running it again "
            "creates nothing new; run it daily, from cron or a systemd timer.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today",
                            help="plan as on this day, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options) -> None:
        real_today = timezone.localdate()
        today = parse_today(options["today"]) or real_today
        if today < real_today:
            # Planning as on a past day would cancel tasks that are owed today.
            raise CommandError(_("--today %(day)s is before today, %(today)s; plan as on today "
                                 "or a later day.") % {"day": today, "today": real_today})
        written = extend_occurrences(None, today=today)
        self.stdout.write(_("Recurring duties planned to the horizon of %(today)s: %(created)s "
                            "tasks created, %(cancelled)s cancelled, %(restored)s restored.")
                          % {"today": today, "created": written.created,
                             "cancelled": written.cancelled, "restored": written.restored})
        for problem in written.failed:
            self.stderr.write(_("Not planned: %(problem)s") % {"problem": problem})
        if written.failed:
            raise CommandError(_("%(count)s recurring duties could not be planned; see above.")
                               % {"count": len(written.failed)})
