from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import review_notes, verify


class Command(BaseCommand):
    help = ("Verify the audit hash chain and the rows it covers; name the first broken entry. "
            "Also list rows that need review, such as money rows in another currency than "
            "their project; these do not fail the check.")

    def handle(self, *args, **options):
        for note in review_notes():
            self.stderr.write(_("needs review: %(note)s") % {"note": note})
        problems = verify()
        if problems:
            for problem in problems:
                self.stderr.write(problem.message)
            first = problems[0]
            raise CommandError(
                _("audit chain broken: first problem at entry #%(id)s") % {"id": first.entry_id}
                if first.entry_id is not None
                else _("audit chain broken: %(message)s") % {"message": first.message}
            )
        self.stdout.write(
            _("audit chain intact: %(count)s entries verified") % {"count": AuditEntry.objects.count()}
        )
