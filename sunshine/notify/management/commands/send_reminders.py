"""``sunshine send_reminders``: queue the deadline reminders due today and deliver the outbox."""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sunshine.notify.outbox import deliver_due

# Functions that queue reminders for one day; each takes ``today`` and
# returns counts. Add a line here for another area's reminders.
SOURCES = ("sunshine.duties.reminders.send_task_reminders",)


class Command(BaseCommand):
    help = ("Queue the deadline reminders due today (tasks due within the days of the setting "
            "duties.reminder_days, by default 7, 3 and 1, and overdue tasks), then deliver every "
            "pending notification. Safe to run more than once a day.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", metavar="YYYY-MM-DD",
                            help="act as if today were this earlier date, to catch up (default: today); "
                                 "reminders before a deadline that has passed by today are "
                                 "skipped")

    def handle(self, *args, **options) -> None:
        today = parse_date(options["date"]) if options["date"] else None
        real_today = timezone.localdate()
        if today is not None and today > real_today:
            # A later day would send "overdue" and "due in N days" reminders before they are true.
            raise CommandError(_("--date %(day)s is after today, %(today)s; reminders can be "
                                 "sent for today or, to catch up, an earlier day.")
                               % {"day": today, "today": real_today})
        for path in SOURCES:
            result = import_string(path)(today)
            self.stdout.write(_("%(source)s: %(queued)s new of %(messages)s reminders.")
                              % {"source": path.rsplit(".", 1)[-1], **result})
            if result.get("skipped"):
                self.stdout.write(ngettext(
                    "Skipped %(skipped)s reminder that is out of date today: its task is "
                    "overdue by now or already got the overdue notice.",
                    "Skipped %(skipped)s reminders that are out of date today: their tasks are "
                    "overdue by now or already got the overdue notice.",
                    result["skipped"]) % result)
        counts = deliver_due()
        self.stdout.write(_("Delivered %(sent)s, to retry %(retry)s, failed %(failed)s, "
                            "without a sender %(no_sender)s.") % counts)
        if counts["deferred"]:
            self.stdout.write(_("Deferred %(deferred)s because a DingTalk robot reached its "
                                "rate limit or the Zhejiang government DingTalk gateway is not "
                                "configured.") % counts)


def parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date; write it as 2024-03-31")
                           % {"value": text}) from None
