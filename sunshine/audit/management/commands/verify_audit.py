from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sunshine.audit.models import AuditEntry
from sunshine.audit.verify import verify


class Command(BaseCommand):
    help = "Verify the audit hash chain and the rows it covers; name the first broken entry."

    def handle(self, *args, **options):
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
