"""In-app messages about spot checks, addressed only to people allowed to see the check."""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from sunshine.assessment import visibility
from sunshine.assessment.models import SpotCheck
from sunshine.notify.outbox import Message, compose
from sunshine.organisation.models import Assignment, Role


def allowed(check: SpotCheck, users: Iterable[Any]) -> list[Any]:
    """Return the distinct active users among ``users`` who may see ``check`` now."""
    unique = {user.pk: user for user in users if user is not None and user.is_active}
    return [user for user in unique.values() if visibility.may_see(user, check)]


def planned_messages(check: SpotCheck, users: Iterable[Any]) -> list[Message]:
    """Tell the check's team; the secrecy filter runs again on every recipient."""
    url = reverse("assessment:spot_check_detail", args=[check.pk])

    def build(user: Any) -> Message:
        subject = _("Spot check planned for %(date)s: %(title)s") % {
            "date": check.planned_on, "title": check.title}
        return Message(recipient=user, key=f"assessment.spot_check.{check.pk}.planned",
                       subject=subject, url=url, confidential=True)

    return compose(allowed(check, users), build)


def performed_messages(check: SpotCheck) -> list[Message]:
    """Tell the target unit's leaders the result, now that the check has happened."""
    leaders = [row.user for row in Assignment.objects.filter(
        unit=check.target_unit, role=Role.LEADER).select_related("user")]
    url = reverse("assessment:spot_check_detail", args=[check.pk])

    def build(user: Any) -> Message:
        subject = _("Spot check result for %(unit)s: %(rating)s") % {
            "unit": check.target_unit, "rating": check.get_rating_display()}
        return Message(recipient=user, key=f"assessment.spot_check.{check.pk}.performed",
                       subject=subject, url=url)

    return compose(allowed(check, leaders), build)
