"""``sunshine import_duties FILE``: check and import a duty workbook in one transaction."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import ngettext

from sunshine.duties.excel.importer import LedgerError, import_workbook
from sunshine.funds.management.commands.import_ledger import find_user, format_issue


class Command(BaseCommand):
    help = (
        "Check a duty workbook (sheets 决策部署, 权责清单, 流程节点, 任务分解) and import it in one "
        "transaction; one invalid cell rejects the whole file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the .xlsx workbook")
        parser.add_argument("--user", metavar="USERNAME",
                            help="import as this user, within the regions and units the user may "
                                 "change (default: the system, which may change everything)")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE,
                            help="language of the summary and error messages (default: "
                                 "%(default)s)")

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            actor = find_user(options["user"])
            try:
                report = import_workbook(actor, options["file"])
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
