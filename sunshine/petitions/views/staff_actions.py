"""The workflow forms on a petition's staff page: one POST endpoint per action.

Each endpoint loads the petition through ``get_visible_petition`` (404 for
an unknown petition or one that accuses the user, 403 outside the scope),
validates its form and calls the action, which checks the user's right
and the state again on a locked row.
"""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sunshine.petitions import visibility
from sunshine.petitions.views.access import staff_only
from sunshine.petitions.views.staff import render_detail
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
    form = step.form(petition, request.POST)
    if not form.is_valid():
        return render_detail(request, petition, bound={action: form}, status=400)
    try:
        step.run(request.user, petition, form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return render_detail(request, petition, bound={action: form}, status=400)

    logger.info("petition %s: %s by user %s", petition.pk, action, request.user.pk)
    messages.success(request, _("Saved: %(step)s.") % {"step": step.title})
    return redirect("petitions:staff_detail", pk=petition.pk)
