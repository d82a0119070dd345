from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from sunshine.funds.ocds.errors import OcdsImportError
from sunshine.funds.ocds.importer import import_files


class Command(BaseCommand):
    help = (
        "Import OCDS release packages, record packages, single releases or records, JSON "
        "arrays or JSON Lines of these. All files are imported in one transaction: on any "
        "invalid value nothing is written. Re-importing the same data changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--region", metavar="CODE",
            help="Region code for new projects, because OCDS data has none (default: the "
                 "ocds.default_region setting, the city 331000). Existing projects keep "
                 "their region unless this is given.",
        )
        visibility = parser.add_mutually_exclusive_group()
        visibility.add_argument("--public", dest="public", action="store_true", default=True,
                                help="Show the imported projects on the public portal (default).")
        visibility.add_argument("--private", dest="public", action="store_false",
                                help="Keep the imported projects off the public portal.")
        parser.add_argument("--user", metavar="USERNAME",
                            help="User recorded as the actor in the audit log (default: system).")
        parser.add_argument("--language", choices=["zh-hans", "en"],
                            help="Language of the messages (default: the active language).")

    def handle(self, *args, files, region, public, user, language, **options):
        with translation.override(language or translation.get_language()):
            actor = self.find_user(user) if user else None
            try:
                report = import_files(actor, files, region=region, public=public)
            except OcdsImportError as error:
                raise CommandError("\n".join(
                    [_("OCDS import rejected, nothing was written:"), *error.problems])) from None
            for line in report.lines():
                self.stdout.write(line)

    def find_user(self, username: str):
        found = get_user_model().objects.filter(username=username).first()
        if found is None:
            raise CommandError(_("user “%(name)s” not found; check the spelling or create the "
                                 "user first") % {"name": username})
        return found
