"""Load a year's holidays and make-up working days from a CSV file into the overrides."""

import csv
import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from sunshine.petitions.actions.calendar import set_workday

TRUE_WORDS = {"1", "true", "yes", "是", "上班", "工作日"}
FALSE_WORDS = {"0", "false", "no", "否", "休息", "放假", "休息日"}


def parse_row(number: int, row: dict[str, str]) -> tuple[datetime.date, bool, str]:
    """Return (date, is_workday, name) from one CSV row; raise CommandError naming the line."""
    try:
        day = datetime.date.fromisoformat((row.get("date") or "").strip())
    except ValueError:
        raise CommandError(
            _("line %(line)s: date “%(value)s” is invalid; write it as YYYY-MM-DD")
            % {"line": number, "value": row.get("date") or ""}
        ) from None
    flag = (row.get("is_workday") or "").strip().lower()
    if flag not in TRUE_WORDS | FALSE_WORDS:
        raise CommandError(
            _("line %(line)s: is_workday “%(value)s” is invalid; write 1 for a make-up "
              "working day or 0 for a day off") % {"line": number, "value": flag}
        )
    return day, flag in TRUE_WORDS, (row.get("name") or "").strip()


class Command(BaseCommand):
    help = (
        "Load holidays and make-up working days from a CSV file with the columns "
        "date (YYYY-MM-DD), is_workday (1 or 0) and name; they override chinese-calendar."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path, help="UTF-8 CSV file with a header row.")
        parser.add_argument(
            "--source", required=True,
            help="The notice the days come from, with its document number.",
        )
        parser.add_argument("--user", help="Username recorded as the actor in the audit chain.")

    def handle(self, *args, **options):
        path: Path = options["csv_file"]
        source = options["source"].strip()
        if not source:
            raise CommandError(_(
                "--source is blank; give the title and document number of the State Council "
                "notice the days come from, so each override can be traced to it"
            ))
        if not path.is_file():
            raise CommandError(_("%(path)s not found; give the path of the CSV file")
                               % {"path": path})
        actor = self._actor(options["user"])
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [parse_row(n, row) for n, row in enumerate(csv.DictReader(handle), start=2)]

        created = updated = 0
        with transaction.atomic():
            for day, is_workday, name in rows:
                _override, new = set_workday(actor, day, is_workday=is_workday, name=name,
                                             source=source)
                created += new
                updated += not new
        self.stdout.write(_("%(created)s days added, %(updated)s days updated")
                          % {"created": created, "updated": updated})

    def _actor(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("user “%(user)s” not found") % {"user": username})
        return user
