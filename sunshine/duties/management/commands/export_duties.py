"""``sunshine export_duties FILE``: export directives, duty lists and task trees to Excel."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from sunshine.duties.excel.writer import export_workbook
from sunshine.duties.models import Directive, Duty, Task
from sunshine.funds.management.commands.import_ledger import find_user
from sunshine.organisation.models import Region
from sunshine.organisation.scoping import scope_for


class Command(BaseCommand):
    help = ("Export directives, duty lists and task trees in the workbook format that "
            "import_duties reads back.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the .xlsx workbook to write")
        parser.add_argument("--region", metavar="CODE",
                            help="only rows of this region and the regions below it")
        parser.add_argument("--user", metavar="USERNAME",
                            help="only rows this user may read (default: everything)")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE,
                            help="language of the notes sheet and messages (default: "
                                 "%(default)s)")

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            actor = find_user(options["user"])
            directives: QuerySet = Directive.objects.all()
            duties: QuerySet = Duty.all_objects.all()
            tasks: QuerySet = Task.objects.all()
            if options["region"]:
                region = Region.objects.filter(code=options["region"]).first()
                if region is None:
                    raise CommandError(_("The region code “%(code)s” does not exist.")
                                       % {"code": options["region"]})
                directives = directives.filter(region__path__startswith=region.path)
                duties = Duty.all_objects.in_region(region)
                tasks = Task.objects.in_region(region)
            if actor is not None:
                scope = scope_for(actor)
                directives, duties, tasks = (scope.filter(directives), scope.filter(duties),
                                             scope.filter(tasks))
            folder = Path(options["file"]).parent
            if not folder.is_dir():
                raise CommandError(_("Folder %(folder)s not found; create it or write the workbook "
                                     "to an existing folder") % {"folder": folder})
            try:
                counts = export_workbook(actor, options["file"], directives=directives,
                                         duties=duties, tasks=tasks)
            except OSError as error:
                raise CommandError(_("cannot write %(file)s (%(error)s); check the path and its "
                                     "permissions") % {"file": options["file"],
                                                       "error": error.strerror}) from None
            self.stdout.write(_(
                "%(directives)s directives, %(duties)s duties, %(steps)s steps and %(tasks)s "
                "tasks written to %(file)s.") % {**vars(counts), "file": options["file"]})
