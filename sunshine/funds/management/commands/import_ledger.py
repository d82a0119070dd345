"""``sunshine import_ledger FILE``: check and import an Excel project ledger."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sunshine.funds.ledger.importer import LedgerError, import_workbook


class Command(BaseCommand):
    help = (
        "Check an Excel project ledger (sheets 项目, 资金到位, 资金支付) and import it in one "
        "transaction; one invalid cell rejects the whole file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the .xlsx workbook")
        parser.add_argument("--user", metavar="USERNAME",
                            help="import as this user, within the regions and units the user "
                                 "may change (default: the system, which may change every "
                                 "project)")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE,
                            help="language of the progress, summary and error messages "
                                 "(default: %(default)s)")

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            actor = find_user(options["user"])
            try:
                report = import_workbook(actor, options["file"], progress=self.show_progress)
            except LedgerError as error:
                for issue in error.errors:
                    self.stderr.write(format_issue(issue))
                if error.more:
                    self.stderr.write(ngettext("… and %(count)s more problem.",
                                               "… and %(count)s more problems.", error.more)
                                      % {"count": error.more})
                raise CommandError(error.summary()) from None
            for line in report.summary_lines():
                self.stdout.write(line)
            if options["verbosity"] >= 2:
                for item in report.over_payments:
                    self.stdout.write(_(
                        "资金支付 row %(row)s, project %(project)s: %(amount)s paid on %(date)s "
                        "brings payments to %(paid)s of %(arrived)s arrived."
                    ) % {"row": item.row, "project": item.project, "amount": item.amount,
                         "date": item.paid_on.isoformat(), "paid": item.paid_total,
                         "arrived": item.arrived_total})

    def show_progress(self, done: int, total: int) -> None:
        self.stdout.write(_("Checked %(done)s of %(total)s rows.") % {"done": done, "total": total})


def find_user(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("No user is called “%(name)s”; check the spelling or create the "
                             "account first.") % {"name": username})
    return user


def format_issue(issue) -> str:
    place = issue.sheet
    if issue.row is not None:
        place += " " + _("row %(row)s") % {"row": issue.row}
    if issue.column:
        place += " " + issue.column
    value = f" “{issue.value}”" if issue.value else ""
    return f"{place}{value}: {issue.reason}"
