"""Access rules shared by the merit pages.

Every staff user sees their own entries. Other people's entries, the
promotion list and the decisions are for ledger readers: leaders,
discipline inspectors and administrators, inside their scope.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sunshine.duties.views.common import get_readable
from sunshine.merit.models import PointEntry
from sunshine.merit.permissions import is_person_of
from sunshine.organisation.models import Assignment, Role

READER_ROLES = [Role.LEADER, Role.INSPECTOR, Role.ADMINISTRATOR]


def is_ledger_reader(user: Any) -> bool:
    return user.is_superuser or Assignment.objects.filter(user=user,
                                                          role__in=READER_ROLES).exists()


def require_ledger_reader(user: Any) -> None:
    if not is_ledger_reader(user):
        raise PermissionDenied(_("Only leaders, discipline inspectors and administrators see "
                                 "other people's points; your own are under “My points”."))


def readable_entry(user: Any, pk: int) -> PointEntry:
    """Load an entry the user may read: their own, or one in scope for a ledger reader."""
    queryset = PointEntry.objects.select_related("person__unit__region", "rule", "created_by",
                                                 "reverses")
    entry = queryset.filter(pk=pk).first()
    if entry is not None and is_person_of(user, entry.person):
        return entry
    require_ledger_reader(user)
    return get_readable(queryset, user, pk=pk)
