"""``sunshine register_reports``: register the reports that have their receipt and wait."""

import signal
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.translation import gettext as _

from sunshine.petitions.deferred_intake import intake_is_busy, register_waiting


class Command(BaseCommand):
    help = ("Register the reports that the report API gave a receipt before "
            "registering them (SUNSHINE_DEFERRED_REGISTRATION), oldest first. With --follow "
            "it keeps running and looks for new ones every --interval seconds; run it that way "
            "as a service wherever deferred registration is on.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--follow", action="store_true",
                            help="keep running until stopped (SIGTERM or Ctrl-C)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds to wait when no report waits (default 1)")
        parser.add_argument("--batch", type=int, default=20,
                            help="reports registered between two looks for new ones "
                                 "(default 20)")
        parser.add_argument("--quiet", type=float, default=1.0,
                            help="with --follow, wait while reports arrive less than this many "
                                 "seconds apart, so that a burst is answered first "
                                 "(default 1; 0 never waits)")
        parser.add_argument("--max-wait", type=float, default=300.0,
                            help="with --follow, register anyway once the oldest report has "
                                 "waited this many seconds (default 300)")

    def handle(self, *args, **options) -> None:
        if min(options["interval"], options["batch"], options["max_wait"]) <= 0 or (
                options["quiet"] < 0):
            self.stderr.write(_("--interval, --batch and --max-wait must be greater than 0 and "
                                "--quiet at least 0, such as --interval 1 --batch 20 --quiet 1 "
                                "--max-wait 300."))
            raise SystemExit(2)
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_args: stopping.append(True))
        total = 0
        while not stopping:
            if options["follow"] and options["quiet"] > 0 and intake_is_busy(
                    quiet=options["quiet"], max_wait=options["max_wait"]):
                time.sleep(min(options["quiet"], options["interval"]))
                continue
            done = register_waiting(limit=options["batch"])
            total += done
            if not options["follow"] and done < options["batch"]:
                break
            if done == 0:
                close_old_connections()
                time.sleep(options["interval"])
        self.stdout.write(_("Registered or refused %(count)s received reports.")
                          % {"count": total})
