"""``sunshine register_reports``: register the reports that have their receipt and wait."""

import signal
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.translation import gettext as _

from sunshine.petitions.deferred_intake import register_waiting


class Command(BaseCommand):
    help = ("Register the reports that the report API answered with a receipt before "
            "registering them (SUNSHINE_DEFERRED_REGISTRATION), oldest first. With --follow "
            "it keeps running and looks for new ones every --interval seconds; run it that way "
            "as a service wherever deferred registration is on.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--follow", action="store_true",
                            help="keep running until stopped (SIGTERM or Ctrl-C)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds to wait when no report waits (default 1)")
        parser.add_argument("--batch", type=int, default=100,
                            help="reports registered between two looks for new ones "
                                 "(default 100)")

    def handle(self, *args, **options) -> None:
        if options["interval"] <= 0 or options["batch"] <= 0:
            self.stderr.write(_("--interval and --batch must be greater than 0, such as "
                                "--interval 1 --batch 100."))
            raise SystemExit(2)
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_args: stopping.append(True))
        total = 0
        while True:
            done = register_waiting(limit=options["batch"])
            total += done
            if not options["follow"] and done < options["batch"]:
                break
            if stopping:
                break
            if done == 0:
                close_old_connections()
                time.sleep(options["interval"])
        self.stdout.write(_("Registered or refused %(count)s received reports.")
                          % {"count": total})
