"""``sunshine ledger_template FILE``: write the empty Excel project ledger."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from sunshine.funds.ledger.writer import write_template


class Command(BaseCommand):
    help = "Write the empty project ledger workbook with its headers, drop-down lists and notes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the .xlsx workbook to write")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE,
                            help="language of the notes sheet (default: %(default)s); sheet "
                                 "names and headers are always Chinese")

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            write_template(options["file"])
            self.stdout.write(_("Template written to %(file)s.") % {"file": options["file"]})
