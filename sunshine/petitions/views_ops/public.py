"""Public pages: supervision days and registration, the reward list, consent, statistics."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from sunshine.lib.client_address import client_ip
from sunshine.organisation.models import Level, Region
from sunshine.petitions import figures, public_statistics, rewards, supervision_days, tracking
from sunshine.petitions.models import ReceivedReport
from sunshine.petitions.models_ops import DayState, SupervisionDay
from sunshine.petitions.views.access import AddressLimit, AddressLimited
from sunshine.petitions.views_ops.forms import ConsentForm, RegistrationForm, add_errors

FORM_METHODS = ["GET", "HEAD", "POST"]
# Counted per client address like new reports, so one client cannot take every place of a day.
REGISTRATION_LIMIT = AddressLimit("supervision_registration",
                                  "supervision.registrations_max_per_ip",
                                  "supervision.registration_window_minutes")
# A city has about 130 townships, each with a day a month, so one page cannot list them all.
DAYS_PER_PAGE = 40
# Browsers may reuse a page for a minute. Shared caches must not keep it,
# because it carries the CSRF token of the language and type-size forms.
PAGE_MAX_AGE = 60
# Reasons for a day page to show no registration form. day_public.html has a notice for each.
CLOSED_CANCELLED = "cancelled"
CLOSED_OVER = "over"
CLOSED_STARTED = "started"


@require_safe
@cache_control(private=True, max_age=PAGE_MAX_AGE)
@vary_on_headers("Cookie", "Accept-Language")
def days_public(request: HttpRequest) -> HttpResponse:
    """List the published supervision days from today on, by county and township."""
    code = request.GET.get("region", "")
    region = Region.objects.filter(code=code, level__in=[Level.COUNTY, Level.TOWNSHIP]).first()
    if code and region is None:
        raise Http404(_("No county or township has the code “%(code)s”.") % {"code": code})
    page = Paginator(supervision_days.public_days(region=region), DAYS_PER_PAGE).get_page(
        request.GET.get("page"))
    counties = Region.objects.filter(level=Level.COUNTY).current().order_by("code")
    return render(request, "petitions/ops/days_public.html", {
        "days": page.object_list, "page": page, "query": urlencode({"region": code} if code else {}),
        "region": region, "counties": counties})


def _public_day(pk: int) -> SupervisionDay:
    return get_object_or_404(SupervisionDay.public_objects.select_related("region__parent"), pk=pk)


@require_http_methods(FORM_METHODS)
def day_public(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one supervision day and let a citizen register for it."""
    day = _public_day(pk)
    closed = registration_closed(day)
    if closed:
        # A form posted to a closed day, from a page left open or forged, is not validated,
        # and the page shows the reason the day takes no registrations.
        status = 400 if request.method == "POST" else 200
        return _render_day(request, day, closed=closed, rejected=request.method == "POST",
                           status=status)

    form = RegistrationForm(request.POST if request.method == "POST" else None)
    status = 200
    retry_after = None
    if request.method == "POST" and form.is_valid():
        address = client_ip(request)
        try:
            REGISTRATION_LIMIT.reserve(address, region=day.region)
        except AddressLimited as limited:
            form.add_error(None, registration_limit_message(limited))
            status = 429
            retry_after = limited.retry_after_seconds()
        else:
            try:
                registration = supervision_days.register_for_day(day, **form.cleaned_data)
            except ValidationError as error:
                REGISTRATION_LIMIT.release(address)
                add_errors(form, error)
            else:
                return redirect("supervision:registered", pk=day.pk,
                                reference=registration.reference)
    if status == 200 and form.is_bound and form.errors:
        status = 400
    response = _render_day(request, day, form=form, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def registration_closed(day: SupervisionDay) -> str:
    """Return the reason the day takes no registrations, or "" while it takes them.

    ``register_for_day`` closes registration when the day begins. A day is
    over once its end time has passed or staff have recorded it as held.
    """
    now = timezone.now()
    if day.state == DayState.CANCELLED:
        return CLOSED_CANCELLED
    if day.state == DayState.HELD or now >= day_end(day):
        return CLOSED_OVER
    if now >= supervision_days.day_start(day):
        return CLOSED_STARTED
    return ""


def day_end(day: SupervisionDay) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day.date, day.ends_at))


def _render_day(request: HttpRequest, day: SupervisionDay, *, status: int,
                **context: Any) -> HttpResponse:
    context.update(day=day, registered=day.registrations.count())
    return render(request, "petitions/ops/day_public.html", context, status=status)


def registration_limit_message(limited: AddressLimited) -> str:
    return _("Too many registrations were sent from your network: at most %(limit)s in "
             "%(minutes)s minutes. Try again after %(time)s, or come in person on the day: "
             "walk-ins are received as well.") % {
        "limit": limited.limit, "minutes": limited.minutes,
        "time": timezone.localtime(limited.retry_at).strftime("%Y-%m-%d %H:%M")}


@require_safe
def registered(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    day = _public_day(pk)
    registration = get_object_or_404(day.registrations, reference=reference)
    return render(request, "petitions/ops/registered.html",
                  {"day": day, "reference": registration.reference})


@require_safe
@cache_control(private=True, max_age=PAGE_MAX_AGE)
@vary_on_headers("Cookie", "Accept-Language")
def rewards_public(request: HttpRequest) -> HttpResponse:
    """List rewarded reporters by anonymous number and points."""
    as_of = rewards.listing_cutoff()
    return render(request, "petitions/ops/rewards_public.html",
                  {"rows": rewards.public_listing(as_of), "as_of": as_of})


@require_http_methods(FORM_METHODS)
def consent_public(request: HttpRequest) -> HttpResponse:
    """Let a reporter give or withdraw consent to reward points with the tracking code."""
    form = ConsentForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "text": rewards.CONSENT_TEXTS[rewards.CURRENT_CONSENT_VERSION]}
    locked = None
    if request.method == "POST" and form.is_valid():
        try:
            context["done"], context["number"] = _apply_consent(request, form.cleaned_data)
        except tracking.TrackingLocked as error:
            locked = error
            form.add_error(None, str(error))
        except ValidationError as error:
            add_errors(form, error)
    status = 200
    if locked:
        status = 429
    elif form.is_bound and form.errors:
        status = 400
    response = render(request, "petitions/ops/consent_public.html", context, status=status)
    if locked:
        response["Retry-After"] = str(locked.retry_after_seconds())
    return response


def _apply_consent(request: HttpRequest, data: dict[str, Any]) -> tuple[str, str | None]:
    """Record the reporter's choice; return it and their anonymous number, if they have one yet."""
    petition = tracking.lookup(data["code"], data["secret"], client_ip=client_ip(request))
    if petition is None:
        raise ValidationError(_("The tracking code or the secret is wrong. Check both on your "
                                "receipt and enter them again."))
    if isinstance(petition, ReceivedReport):
        raise ValidationError(_("This report is not registered yet, or was not accepted; open "
                                "it on the tracking page to see which."))
    if data["choice"] == ConsentForm.WITHDRAW:
        rewards.withdraw_consent(petition)
        return "withdrawn", None
    rewards.record_consent(petition)
    return "given", rewards.number_of(petition)


@require_safe
@cache_control(private=True, max_age=PAGE_MAX_AGE)
@vary_on_headers("Cookie", "Accept-Language")
def statistics_public(request: HttpRequest) -> HttpResponse:
    """Show anonymous petition figures for the city and each county: counts and rates only."""
    city = get_object_or_404(Region, level=Level.CITY)
    as_of = public_statistics.cutoff()
    context = {
        "city": city, "as_of": as_of, "definitions": figures.DEFINITIONS,
        **public_statistics.published(city, as_of),
    }
    return render(request, "petitions/ops/statistics_public.html", context)


