"""``sunshine export_ledger FILE``: export projects and their money as an Excel ledger."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from sunshine.funds.ledger.writer import export_projects, left_out_note
from sunshine.funds.management.commands.import_ledger import find_user
from sunshine.funds.models import Project
from sunshine.organisation.models import Region
from sunshine.organisation.scoping import scope_for


class Command(BaseCommand):
    help = (
        "Export projects with their fund allocations and disbursements in the ledger format "
        "that import_ledger reads back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the .xlsx workbook to write")
        parser.add_argument("--region", metavar="CODE",
                            help="only projects in this region and the regions below it")
        parser.add_argument("--user", metavar="USERNAME",
                            help="only projects this user may read (default: every project)")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE,
                            help="language of the notes sheet and messages (default: "
                                 "%(default)s)")

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"]):
            actor = find_user(options["user"])
            projects = Project.all_objects.all()
            if options["region"]:
                region = Region.objects.filter(code=options["region"]).first()
                if region is None:
                    raise CommandError(_("The region code “%(code)s” does not exist.")
                                       % {"code": options["region"]})
                projects = projects.in_region(region)
            visible = projects if actor is None else scope_for(actor).filter(projects)

            counts = export_projects(actor, options["file"], visible)
            self.stdout.write(_(
                "%(projects)s projects, %(allocations)s fund allocations and %(disbursements)s "
                "disbursements written to %(file)s."
            ) % {**vars(counts), "file": options["file"]})
            if counts.other_currencies:
                self.stdout.write(left_out_note(counts.other_currencies))
