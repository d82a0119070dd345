"""Staff pages: planning supervision days, recording the day, verifications and rewards."""

import datetime
import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sunshine.audit.actions import ConflictError
from sunshine.funds.views.access import get_readable, staff_only
from sunshine.organisation.scoping import scoped
from sunshine.petitions import rewards, supervision_days, tracking, visibility
from sunshine.petitions.models import Petition
from sunshine.petitions.models_ops import RewardEntry, SupervisionDay
from sunshine.petitions.views.submission import route
from sunshine.petitions.views_ops.forms import (
    ConsentForm,
    DayForm,
    HeldForm,
    MatterForm,
    ReasonForm,
    VerificationForm,
    add_errors,
)

logger = logging.getLogger(__name__)

FORM_METHODS = ["GET", "HEAD", "POST"]
STAFF_PAST_DAYS = 92
MAX_ENTRIES = 200
PAGE_SIZE = 50


def petition_url(petition: Petition) -> str | None:
    """Return the staff page of a petition, when the petition pages are installed."""
    try:
        return reverse("petitions:staff_detail", args=[petition.pk])
    except NoReverseMatch:
        return None


@require_safe
@staff_only()
def staff_days(request: HttpRequest) -> HttpResponse:
    since = timezone.localdate() - datetime.timedelta(days=STAFF_PAST_DAYS)
    # Only the matters the user may see are counted, so the count cannot hint at a report
    # against the user's own unit.
    visible = visibility.visible_petitions(request.user).values("pk")
    days = (scoped(SupervisionDay.all_objects.filter(date__gte=since), request.user)
            .select_related("region", "unit")
            .annotate(registered=Count("registrations", distinct=True),
                      received=Count("matters", filter=Q(matters__petition__in=visible),
                                     distinct=True))
            .order_by("date", "starts_at", "region_id"))
    page = Paginator(days, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "petitions/ops/staff_days.html", {"page": page})


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def staff_day_plan(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            planned = supervision_days.plan_monthly(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(count)s supervision day(s) planned.")
                             % {"count": len(planned)})
            return redirect("supervision:staff_day", pk=planned[0].pk)
    return _form_page(request, form, _("Plan supervision days"), reverse("supervision:staff_days"))


def _form_page(request: HttpRequest, form: Any, title: str, cancel_url: str,
               status: int | None = None, **extra: Any) -> HttpResponse:
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return render(request, "petitions/ops/staff_form.html",
                  {"form": form, "title": title, "cancel_url": cancel_url, **extra},
                  status=status)


def _staff_day(request: HttpRequest, pk: int, *, write: bool = False) -> Any:
    return get_readable(SupervisionDay.all_objects.select_related("region", "unit"),
                        request.user, write=write, pk=pk)


@require_safe
@staff_only()
def staff_day(request: HttpRequest, pk: int) -> HttpResponse:
    day = _staff_day(request, pk)
    # A matter may be a report against the user's own unit, which the user must not see.
    matters = day.matters.filter(
        petition__in=visibility.visible_petitions(request.user).values("pk"),
    ).select_related("petition__category", "registration")
    context = {
        "day": day, "registration_count": day.registrations.count(),
        "registrations": (day.registrations.all()
                          if supervision_days.may_see_registrations(request.user, day) else None),
        "matters": [(matter, petition_url(matter.petition)) for matter in matters],
        "held_form": HeldForm(), "cancel_form": ReasonForm(),
    }
    return render(request, "petitions/ops/staff_day.html", context)


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def staff_day_edit(request: HttpRequest, pk: int) -> HttpResponse:
    day = _staff_day(request, pk, write=True)
    form = DayForm(request.user, request.POST if request.method == "POST" else None, day=day)
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            supervision_days.update_day(request.user, day, form.changes(),
                                        expected_version=form.cleaned_data["version"])
        except ValidationError as error:
            add_errors(form, error)
        except ConflictError as error:
            # Someone saved the day after this form was opened, and nothing was written.
            logger.info("supervision day %s: stale edit by user %s rejected", day.pk,
                        request.user.pk)
            form.add_error(None, str(error))
            status = 409
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:staff_day", pk=day.pk)
    return _form_page(request, form, _("Edit the supervision day of %(date)s")
                      % {"date": day.date.isoformat()},
                      reverse("supervision:staff_day", args=[day.pk]), status=status)


def _day_step(request: HttpRequest, pk: int, form_class: Any, step) -> HttpResponse:
    day = _staff_day(request, pk, write=True)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            step(day, form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("supervision:staff_day", pk=day.pk)
        messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("supervision:staff_day", pk=day.pk)


@require_POST
@staff_only(write=True)
def staff_day_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _day_step(request, pk, ReasonForm, lambda day, data: supervision_days.cancel_day(
        request.user, day, reason=data["reason"]))


@require_POST
@staff_only(write=True)
def staff_day_held(request: HttpRequest, pk: int) -> HttpResponse:
    return _day_step(request, pk, HeldForm, lambda day, data: supervision_days.record_day_held(
        request.user, day, **data))


@require_POST
@staff_only()
def staff_day_registrants(request: HttpRequest, pk: int) -> HttpResponse:
    """Show names and phones of the day's registrants; every view is audited."""
    day = _staff_day(request, pk)
    rows = supervision_days.reveal_registrants(request.user, day)
    return render(request, "petitions/ops/staff_registrants.html", {"day": day, "rows": rows})


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def staff_matter_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a matter received on the day; it is registered as a petition of that channel."""
    day = _staff_day(request, pk, write=True)
    form = MatterForm(day, request.POST if request.method == "POST" else None)
    if not supervision_days.may_see_registrations(request.user, day):
        del form.fields["registration"]  # its choices show the registrations' topics
    if request.method == "POST" and form.is_valid():
        try:
            matter, petition, secret = supervision_days.record_matter(
                request.user, day, **form.record_arguments())
        except ValidationError as error:
            add_errors(form, error)
        else:
            # Routed by category as the system, like a walk-in entered at the petition office.
            # A report goes to the commission, and the clerk may then be unable to open it.
            petition, routing_error = route(None, petition)
            may_open = visibility.can_see(request.user, petition)
            return render(request, "petitions/ops/staff_receipt.html", {
                "day": day, "petition": petition, "code": tracking.format_code(petition.tracking_code),
                "secret": secret, "routing_error": routing_error,
                "petition_url": petition_url(petition) if may_open else None})
    return _form_page(request, form, _("Record a matter received on %(date)s")
                      % {"date": day.date.isoformat()},
                      reverse("supervision:staff_day", args=[day.pk]))


# Staff pages: verification and reward points


@require_safe
@staff_only()
def staff_rewards(request: HttpRequest) -> HttpResponse:
    entries = rewards.staff_entries(request.user)[:MAX_ENTRIES]
    return render(request, "petitions/ops/staff_rewards.html",
                  {"entries": [(entry, petition_url(entry.petition)) for entry in entries],
                   "reason_form": ReasonForm()})


@require_http_methods(FORM_METHODS)
@staff_only()
def staff_verification(request: HttpRequest, pk: int) -> HttpResponse:
    """Record whether a petition's facts are true; shows its consent and points."""
    petition = visibility.get_visible_petition(request.user, pk=pk)
    visibility.require(visibility.can_handle(request.user, petition))
    form = VerificationForm(request.POST if request.method == "POST" else None,
                            initial={"seen": rewards.latest_verification_id(petition)})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            rewards.record_verification(request.user, petition, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            status = 400
            if error.code == "stale":
                logger.info("petition %s: stale verification by user %s rejected", petition.pk,
                            request.user.pk)
                # The page now shows the latest verification, so sending it again is deliberate.
                data = request.POST.copy()
                data["seen"] = str(rewards.latest_verification_id(petition))
                form.data = data
                status = 409
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:staff_verification", pk=petition.pk)
    elif form.is_bound:
        status = 400
    context = {
        "petition": petition, "code": tracking.format_code(petition.tracking_code),
        "petition_url": petition_url(petition), "form": form,
        "verifications": petition.verifications.select_related("recorded_by"),
        "consents": petition.reward_consents.all(),
        "entries": petition.reward_entries.select_related("reporter"),
        "consent_text": rewards.CONSENT_TEXTS[rewards.CURRENT_CONSENT_VERSION],
    }
    return render(request, "petitions/ops/staff_verification.html", context, status=status)


@require_POST
@staff_only()
def staff_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a consent the reporter gave in writing, or its withdrawal."""
    petition = visibility.get_visible_petition(request.user, pk=pk)
    try:
        if request.POST.get("choice") == ConsentForm.WITHDRAW:
            rewards.withdraw_consent(petition, actor=request.user)
        else:
            rewards.record_consent(petition, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect("supervision:staff_verification", pk=petition.pk)


@require_POST
@staff_only()
def staff_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    visible = visibility.visible_petitions(request.user)
    entry = get_object_or_404(RewardEntry.objects.filter(petition__in=visible), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(request, "petitions/ops/staff_form.html", {
            "form": form, "title": _("Reverse a reward entry"),
            "cancel_url": reverse("supervision:staff_rewards")}, status=400)
    try:
        rewards.reverse_entry(request.user, entry, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The entry was reversed."))
    return redirect("supervision:staff_rewards")
