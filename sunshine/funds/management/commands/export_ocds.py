from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from sunshine.funds.ocds.export import build_package, public_projects, write_package


class Command(BaseCommand):
    help = (
        "Write public projects as an OCDS 1.1 release package: one compiled release per "
        "project with its budget, tender, bids, awards, contracts and payments."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="Path of the JSON file to write.")
        parser.add_argument("--project", dest="projects", action="append", metavar="CODE",
                            help="Export only this project code; repeat for several "
                                 "(default: every public project).")
        parser.add_argument("--publisher", help="Publisher name written into the package "
                                                "(default: the site name).")
        parser.add_argument("--uri", help="URI where the package is published (default: the "
                                          "file:// URI of FILE).")
        parser.add_argument("--language", choices=["zh-hans", "en"],
                            help="Language of the messages and of the default publisher name.")

    def handle(self, *args, file, projects, publisher, uri, language, **options):
        with translation.override(language or translation.get_language()):
            selected = public_projects(projects)
            if projects:
                self.check_codes(projects, {p.code for p in selected})
            package = build_package(
                selected,
                publisher=publisher or str(settings.SUNSHINE_SITE_NAME),
                uri=uri or Path(file).resolve().as_uri(),
            )
            try:
                write_package(file, package)
            except OSError as error:
                raise CommandError(_("cannot write %(file)s (%(error)s); check the path and its "
                                     "permissions") % {"file": file, "error": error.strerror}) from None
            self.stdout.write(_("%(count)s projects written to %(file)s")
                              % {"count": len(package["releases"]), "file": file})

    def check_codes(self, wanted: list[str], found: set[str]) -> None:
        missing = [code for code in wanted if code not in found]
        if missing:
            raise CommandError(_("no public project has the code %(codes)s; check the code, or "
                                 "make the project public first") % {"codes": ", ".join(missing)})
