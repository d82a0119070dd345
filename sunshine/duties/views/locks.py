"""Quarter locks: the state of recent quarters per county, and the lock or unlock form."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunshine.duties import actions
from sunshine.duties.forms import LockForm
from sunshine.duties.locks import can_lock, lock_state
from sunshine.duties.models import PeriodLock
from sunshine.duties.periods import recent_quarters
from sunshine.duties.views.common import posted, render_page, run_action, staff_only
from sunshine.organisation.models import Level, Region
from sunshine.organisation.scoping import scoped

SHOWN_QUARTERS = 4
HISTORY_ROWS = 50


def lockable_counties(user: Any) -> list[Region]:
    counties = Region.objects.filter(level=Level.COUNTY).order_by("code")
    return [county for county in counties if can_lock(user, county)]


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only()
def quarter_locks(request: HttpRequest) -> HttpResponse:
    counties = lockable_counties(request.user)
    city_allowed = can_lock(request.user, None)
    if not counties and not city_allowed:
        raise PermissionDenied(_("Only administrators may lock or unlock quarters."))
    choices = Region.objects.filter(pk__in=[c.pk for c in counties]).order_by("code")
    form = LockForm(choices, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["county"] is None and not city_allowed:
            raise PermissionDenied(_("Only an administrator of the city may lock the city's "
                                     "own units."))
        action = actions.lock_quarter if data["locked"] else actions.unlock_quarter
        done = run_action(form, lambda: action(request.user, data["county"], data["period"],
                                               reason=data["reason"]))
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("duties:quarter_locks")
    today = timezone.localdate()
    quarters = recent_quarters(today, SHOWN_QUARTERS)
    places: list[Region | None] = [*counties, None] if city_allowed else list(counties)
    table = [(place, [lock_state(place, period, today) for period in quarters])
             for place in places]
    history = scoped(PeriodLock.objects.select_related("county", "changed_by"), request.user)
    context = {"form": form, "quarters": quarters, "table": table,
               "history": history[:HISTORY_ROWS]}
    return render_page(request, "duties/locks.html", context, form)
