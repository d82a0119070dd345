"""``sunshine extend_duty_tasks``: give every recurring duty its tasks up to the planning horizon."""

import datetime

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.duties.actions import extend_occurrences


class Command(BaseCommand):
    help = ("Create the task of each period of every monthly, quarterly or yearly duty up to "
            "the planning horizon (the setting duties.plan_ahead_days). Running it again "
            "creates nothing new; run it daily, from cron or a systemd timer.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat,
                            help="plan as on this day, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options) -> None:
        today = options["today"] or timezone.localdate()
        written = extend_occurrences(None, today=today)
        self.stdout.write(_("Recurring duties planned to the horizon of %(today)s: %(created)s "
                            "tasks created, %(cancelled)s cancelled, %(restored)s restored.")
                          % {"today": today, "created": written.created,
                             "cancelled": written.cancelled, "restored": written.restored})
