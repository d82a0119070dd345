"""The workflow forms on a petition's staff page: one POST endpoint per action.

Each endpoint loads the petition through ``get_visible_petition`` (404 for
an unknown petition, one outside the scope or one that accuses the user),
checks the user's right to the step (403), validates its form and calls
the action, which checks the right and the state again on a locked row.

Every form carries ``seen_event``, the id of the latest log entry on the
page the user acted from. If someone else acted on the petition since,
the action is not run: the page is shown again with what changed and the
user's input, so a stale form never overwrites a change its user has not
seen.
"""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sunshine.lib.record_ids import parse_id
from sunshine.petitions import visibility
from sunshine.petitions.models import Petition, PetitionEvent
from sunshine.petitions.views.access import staff_only
from sunshine.petitions.views.staff import render_detail, step_auto_id
from sunshine.petitions.views.steps import STEPS

logger = logging.getLogger(__name__)



@require_POST
@staff_only
def petition_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one workflow action; 400 with the page and the error when the input or step is invalid."""
    step = STEPS.get(action)
    if step is None:
        raise Http404(_("There is no petition action “%(action)s”.") % {"action": action})
    petition = visibility.get_visible_petition(request.user, pk=pk)
    # Check the right first, so a user who may not take the step gets 403, never a form error
    # or a stale-page 409.
    step.check(request.user, petition)
    form = step.form(petition, request.POST)
    # Set before validation: the error lists keep the field ids they are made with.
    form.auto_id = step_auto_id(action)
    if not form.is_valid():
        return render_detail(request, petition, bound={action: form}, status=400)
    try:
        with transaction.atomic():
            # The lock orders this check against every other action on the petition.
            Petition.all_objects.select_for_update().filter(pk=petition.pk).first()
            change = _unseen_change(petition, request.POST.get("seen_event", ""))
            if change is not None:
                logger.info("petition %s: stale %s by user %s rejected, event %s not seen",
                            petition.pk, action, request.user.pk, change.pk)
                form.add_error(None, _stale_message(petition, change))
                return render_detail(request, fresh(petition), bound={action: form}, status=409)
            step.run(request.user, petition, form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return render_detail(request, fresh(petition), bound={action: form}, status=400)

    logger.info("petition %s: %s by user %s", petition.pk, action, request.user.pk)
    messages.success(request, _("Saved: %(step)s.") % {"step": step.title})
    return redirect("petitions:staff_detail", pk=petition.pk)


def fresh(petition: Petition) -> Petition:
    """Reload the petition, as the action may have changed it before it failed."""
    return Petition.all_objects.get(pk=petition.pk)


def _unseen_change(petition: Petition, seen: str) -> PetitionEvent | None:
    """Return the latest log entry unless it is the one the page showed (``seen``), else None.

    Anything but the latest entry's id counts as stale: an older id, a
    missing or malformed value, and an id the log has not reached.
    """
    latest = petition.events.select_related("actor").order_by("-pk").first()
    if latest is None or parse_id(seen) == latest.pk:
        return None
    return latest


def _stale_message(petition: Petition, change: PetitionEvent) -> str:
    actor = (change.actor.get_username() if change.actor
             else _("the reporter") if change.by_reporter else _("the system"))
    return _("Petition %(code)s changed after you opened this page: %(step)s by %(actor)s at "
             "%(time)s. Nothing was saved. Check the log below and submit again if your input "
             "still applies.") % {
        "code": petition.printed_code, "step": change.get_action_display(), "actor": actor,
        "time": timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M")}
