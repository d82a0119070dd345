"""The citizen's pages: send a report, then follow it with the tracking code and secret.

No login. The secret is shown once, on the receipt, and never stored in
plain text; the tracking page requests code and secret on every visit and
carries them in the forms of the page it shows, never in a URL or cookie.
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sunshine.lib.client_address import client_ip
from sunshine.lib.too_large import takes_files
from sunshine.petitions import actions, receipts, tracking
from sunshine.petitions.actions.intake import RESUBMISSION_REFUSED
from sunshine.petitions.forms import PublicReportForm, RatingForm, ReviewRequestForm, TrackingForm
from sunshine.petitions.models import Channel, Kind, Petition, ReceivedReport, ReviewLevel, State
from sunshine.petitions.views import presenting
from sunshine.petitions.views.access import (
    IntakeLimited,
    intake_allowance,
)
from sunshine.petitions.views.submission import submit
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

RETENTION_YEARS = "petitions.reporter_data_retention_years"
# How long a submission id is remembered, so a reloaded receipt page does not file twice.
SUBMISSION_MEMORY_SECONDS = 24 * 3600


def _report_page(request: HttpRequest, form: PublicReportForm, *, status: int = 200,
                 error: str = "") -> HttpResponse:
    if form.is_bound:
        form.note_files_not_kept(failed=bool(error))
    context = {
        "form": form,
        "error": error,
        "retention_years": get_setting(RETENTION_YEARS),
        "max_bytes": get_setting("petitions.evidence_max_bytes"),
        "max_files": get_setting("petitions.evidence_max_files"),
    }
    return render(request, "petitions/report_form.html", context, status=status)


def _submission_key(submission: uuid.UUID) -> str:
    return f"petitions:intake:submission:{submission.hex}"


@takes_files(lambda: get_setting("petitions.evidence_max_files"))
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """Show the report form, or file the report and show the receipt with the secret."""
    if request.method != "POST":
        initial = {"submission": uuid.uuid4(), "identity": "anonymous",
                   "project_code": request.GET.get("project", "")[:64]}
        if request.GET.get("kind") in Kind.values:
            initial["kind"] = request.GET["kind"]
        return _report_page(request, PublicReportForm(initial=initial))

    form = PublicReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, form, status=400)
    # Only a valid report takes a share of the address's allowance.
    try:
        with intake_allowance(client_ip(request)) as keep:
            return _file_report(request, form, keep)
    except IntakeLimited as limited:
        response = _report_page(request, form, status=429, error=str(limited))
        response["Retry-After"] = str(limited.retry_after_seconds())
        return response


def _file_report(request: HttpRequest, form: PublicReportForm,
                 keep: Callable[[], None]) -> HttpResponse:
    """File a checked report once per submission id and show its receipt."""
    submission_id = form.cleaned_data.get("submission") or uuid.uuid4()
    if not cache.add(_submission_key(submission_id), "", SUBMISSION_MEMORY_SECONDS):
        return _already_sent(request, submission_id)
    try:
        sent = submit(None, arguments=form.register_arguments(), channel=Channel.WEB,
                      files=form.cleaned_data["evidence"])
    except ValidationError as error:
        cache.delete(_submission_key(submission_id))
        if error.code == RESUBMISSION_REFUSED:
            keep()  # each refusal reveals whether a phone's matter was closed, so it counts
        form.add_error(None, error)
        return _report_page(request, form, status=400)

    keep()
    cache.set(_submission_key(submission_id), sent.petition.tracking_code,
              SUBMISSION_MEMORY_SECONDS)
    return _receipt(request, sent.petition, sent.secret)


def _receipt(request: HttpRequest, petition: Petition, secret: str) -> HttpResponse:
    context = {
        "petition": petition,
        "code": tracking.format_code(petition.tracking_code),
        "secret": tracking.format_code(secret),
        "deadlines": presenting.public_deadlines(petition),
    }
    return render(request, "petitions/receipt.html", context, status=201)


def _already_sent(request: HttpRequest, submission_id: uuid.UUID) -> HttpResponse:
    code = cache.get(_submission_key(submission_id)) or ""
    logger.info("repeated submission of the same report form ignored")
    context = {"code": tracking.format_code(code) if code else ""}
    return render(request, "petitions/already_sent.html", context, status=409)


# Tracking


def _neutral_message() -> str:
    return _("No report matches this tracking code and secret. Check both against your "
             "receipt; letters that look alike (0 and O, 1 and I) are never used.")


def _find(request: HttpRequest, form: TrackingForm) -> tuple[Petition | None, HttpResponse | None]:
    """Look the petition up; return it, or the response that explains why not.

    A report not registered yet gets its own page, whatever the form was for.
    """
    code, secret = form.cleaned_data["code"], form.cleaned_data["secret"]
    try:
        petition = tracking.lookup(code, secret, client_ip=client_ip(request))
    except tracking.TrackingLocked as locked:
        response = _track_page(request, TrackingForm(initial={"code": code}), error=str(locked),
                               status=429)
        response["Retry-After"] = str(locked.retry_after_seconds())
        return None, response
    if petition is None:
        return None, _track_page(request, form, error=_neutral_message(), status=404)
    if isinstance(petition, ReceivedReport):
        return None, _received_page(request, petition)
    return petition, None


def _received_page(request: HttpRequest, received: ReceivedReport) -> HttpResponse:
    """Show a report that has its receipt but is not registered, or was refused at registration."""
    waiting = received.outcome == ReceivedReport.Outcome.WAITING
    context = {
        "received": received, "code": tracking.format_code(received.tracking_code),
        "state": State.RECEIVED.label if waiting else State.NOT_ACCEPTED.label,
        "received_on": timezone.localdate(received.received_at),
        "deadlines": receipts.received_deadlines(received) if waiting else [],
    }
    return render(request, "petitions/track_received.html", context)


def _track_page(request: HttpRequest, form: TrackingForm, *, error: str = "",
                status: int = 200) -> HttpResponse:
    return render(request, "petitions/track.html", {"form": form, "error": error},
                  status=status)


def review_level(petition: Petition) -> str | None:
    """Return the review level the reporter may ask for now, or None."""
    if petition.kind != Kind.REQUEST:
        return None
    if petition.review_until and petition.review_until < timezone.localdate():
        return None
    return {State.REPLIED: ReviewLevel.REVIEW,
            State.REVIEWED: ReviewLevel.RE_REVIEW}.get(State(petition.state))


def _result(request: HttpRequest, petition: Petition, form: TrackingForm, *,
            status: int = 200, notice: str = "", rating_form: Any = None,
            review_form: Any = None) -> HttpResponse:
    credentials = {"code": form.cleaned_data["code"], "secret": form.cleaned_data["secret"]}
    unrated = presenting.latest_unrated_reply(petition)
    context = {
        "petition": petition,
        "code": tracking.format_code(petition.tracking_code),
        "credentials": credentials,
        "deadlines": presenting.public_deadlines(petition),
        "steps": presenting.public_steps(petition),
        "replies": petition.replies.select_related("unit").order_by("delivered_on", "id"),
        "extensions": presenting.approved_extensions(petition),
        "unrated": unrated,
        "rating_form": rating_form or RatingForm(initial={**credentials, "reply": getattr(
            unrated, "pk", None)}),
        "review_level": review_level(petition),
        "review_form": review_form or ReviewRequestForm(initial=credentials),
        "notice": notice,
        "hidden_errors": _hidden_errors(
            (rating_form, unrated is not None), (review_form, review_level(petition) is not None)),
    }
    return render(request, "petitions/track_result.html", context, status=status)


def _hidden_errors(*forms: tuple[Any, bool]) -> list[str]:
    """Return the errors of submitted forms that the page no longer shows, such as a second rating.

    Each item pairs a form with whether the page still offers it.
    """
    found: list[str] = []
    for form, shown in forms:
        if form is None or shown or not form.is_bound:
            continue
        for messages in form.errors.values():
            found.extend(str(message) for message in messages)
    return found


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _track_page(request, TrackingForm())
    form = TrackingForm(request.POST)
    if not form.is_valid():
        return _track_page(request, form, status=400)
    petition, rejection = _find(request, form)
    if petition is None:
        return rejection  # type: ignore[return-value]
    return _result(request, petition, form)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track_rate(request: HttpRequest) -> HttpResponse:
    """Record the reporter's 1-5 score and comment on the latest answer.

    A GET, such as the reload after switching language, goes to the tracking form.
    """
    if request.method != "POST":
        return redirect("petitions:track")
    form = RatingForm(request.POST)
    credentials = TrackingForm(request.POST)
    if not credentials.is_valid():
        return _track_page(request, credentials, status=400)
    petition, rejection = _find(request, credentials)
    if petition is None:
        return rejection  # type: ignore[return-value]
    if not form.is_valid():
        return _result(request, petition, credentials, status=400, rating_form=form)

    answer = petition.replies.filter(pk=form.cleaned_data["reply"]).first()
    if answer is None:
        form.add_error(None, _("This answer does not belong to your report; reload the page."))
        return _result(request, petition, credentials, status=400, rating_form=form)
    try:
        actions.rate(petition, answer, score=form.cleaned_data["score"],
                     comment=form.cleaned_data["comment"])
    except ValidationError as error:
        form.add_error(None, error)
        return _result(request, petition, credentials, status=400, rating_form=form)
    petition.refresh_from_db()
    return _result(request, petition, credentials, notice=_("Thank you; your rating was saved."))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track_review(request: HttpRequest) -> HttpResponse:
    """Record the reporter's request for a review or re-review of the written answer.

    A GET, such as the reload after switching language, goes to the tracking form.
    """
    if request.method != "POST":
        return redirect("petitions:track")
    form = ReviewRequestForm(request.POST)
    credentials = TrackingForm(request.POST)
    if not credentials.is_valid():
        return _track_page(request, credentials, status=400)
    petition, rejection = _find(request, credentials)
    if petition is None:
        return rejection  # type: ignore[return-value]
    if not form.is_valid():
        return _result(request, petition, credentials, status=400, review_form=form)

    level = review_level(petition) or ReviewLevel.REVIEW
    try:
        actions.request_review(petition, reason=form.cleaned_data["reason"], level=level)
    except ValidationError as error:
        form.add_error(None, error)
        return _result(request, petition, credentials, status=400, review_form=form)
    petition.refresh_from_db()
    return _result(request, petition, credentials,
                   notice=_("Your request was recorded; the deadline for the opinion is shown "
                            "below."))
