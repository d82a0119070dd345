"""Staff pages of one petition: detail with the log and deadlines, evidence, reporter, intake."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sunshine.lib.languages import english_active
from sunshine.petitions import deadlines, tracking, visibility
from sunshine.petitions.forms import ReplyForm, StaffIntakeForm, staff_name
from sunshine.petitions.views import presenting
from sunshine.petitions.views.access import may_register, staff_only
from sunshine.petitions.views.steps import STEPS, available_steps
from sunshine.petitions.views.submission import submit
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

REPLY_TEMPLATES = "petitions.reply_templates"


def reply_templates(petition: Any) -> list[dict[str, str]]:
    """Return the region's reply templates, each titled in the active language where it can be."""
    english = english_active()
    return [{**template, "title": template.get("title_en") or template["title"]} if english
            else template
            for template in get_setting(REPLY_TEMPLATES, region=petition.region)]


def _template_initial(request: HttpRequest, templates: list[dict[str, str]]) -> dict[str, str]:
    """Return the reply form's initial text from ``?template=N``, so templates work without JS."""
    raw = request.GET.get("template", "")
    if not raw.isdigit() or int(raw) >= len(templates):
        return {}
    chosen = templates[int(raw)]
    return {"text": chosen.get("text", ""), "outcome": chosen.get("outcome", "")}


def step_auto_id(name: str) -> str:
    """Return the ``auto_id`` of a step's form, so the ids of several forms on the page differ."""
    return f"id_{name}_%s"


def _step_forms(request: HttpRequest, petition: Any, bound: dict[str, Any],
                templates: list[dict[str, str]]) -> list[dict[str, Any]]:
    result = []
    available = available_steps(request.user, petition)
    for name, form in bound.items():
        if name not in available:
            # The step is no longer offered, so its form is missing from the page. Show its errors.
            result.append({"name": name, "title": STEPS[name].title, "form": form,
                           "closed": True, "typed": _typed_values(form)})
    for name in available:
        form = bound.get(name) or STEPS[name].form(petition, None)
        if name == "reply" and name not in bound:
            form = ReplyForm(initial=_template_initial(request, templates))
        form.auto_id = step_auto_id(name)
        result.append({"name": name, "title": STEPS[name].title, "form": form})
    return result


def _typed_values(form: Any) -> list[tuple[str, str]]:
    """Return the label and raw text of each visible field the user filled in, to copy from."""
    return [(str(field.label), str(field.value())) for field in form
            if not field.is_hidden and field.value() not in (None, "", [])]


def _events(petition: Any) -> list[Any]:
    events = list(petition.events.select_related("actor", "unit").order_by("at", "id"))
    for event in events:
        event.display_text = presenting.step_text(event)
    return events


def render_detail(request: HttpRequest, petition: Any, *, bound: dict[str, Any] | None = None,
                  status: int = 200, revealed: dict[str, str] | None = None) -> HttpResponse:
    """Render a petition's staff page; ``bound`` holds a submitted form to show with its errors."""
    templates = reply_templates(petition)
    status_of = deadlines.petition_status(petition)
    events = _events(petition)
    context = {
        "petition": petition,
        "code": tracking.format_code(petition.tracking_code),
        "status": status_of.value if status_of else "",
        "status_label": status_of.label if status_of else "",
        "needs_escalation": deadlines.needs_escalation(petition),
        "warning_passed": deadlines.warning_passed(petition),
        "deadlines": presenting.staff_deadlines(petition),
        "events": events,
        "seen_event": max((event.pk for event in events), default=0),
        "replies": petition.replies.select_related("unit").order_by("delivered_on", "id"),
        "extensions": petition.extensions.order_by("requested_at"),
        "reviews": petition.review_requests.select_related("reviewing_unit"),
        "evidence": petition.evidence.all(),
        "steps": _step_forms(request, petition, bound or {}, templates),
        "templates": templates,
        "may_reveal": visibility.can_reveal_reporter(request.user, petition),
        "revealed": revealed,
        "handler_name": staff_name(petition.handler) if petition.handler_id else "",
    }
    return render(request, "petitions/staff_detail.html", context, status=status)


def _load(request: HttpRequest, pk: int) -> Any:
    return visibility.get_visible_petition(request.user, pk=pk)


@require_safe
@staff_only
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, _load(request, pk))


@never_cache
@require_POST
@staff_only
def petition_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the reporter's name and phone to the handling inspector; the view is audited."""
    petition = _load(request, pk)
    revealed = visibility.reveal_reporter(request.user, petition)
    logger.info("petition %s: reporter revealed to user %s", petition.pk, request.user.pk)
    return render_detail(request, petition, revealed=revealed)


@never_cache
@require_safe
@staff_only
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """Send an evidence file as a download, with the type detected on upload."""
    petition = _load(request, pk)
    evidence = petition.evidence.filter(pk=evidence_pk).first()
    if evidence is None:
        raise Http404(_("This petition has no evidence file %(number)s.")
                      % {"number": evidence_pk})
    handle = default_storage.open(evidence.stored_name, "rb")
    filename = evidence.stored_name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=evidence.content_type)
    logger.info("petition %s: evidence %s downloaded by user %s", petition.pk, evidence.pk,
                request.user.pk)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_only
def petition_new(request: HttpRequest) -> HttpResponse:
    """Enter a petition received by visit, phone, letter or on a supervision day."""
    if not may_register(request.user):
        raise PermissionDenied(_("Only staff who handle petitions may enter them."))
    form = StaffIntakeForm(request.user, request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if form.is_bound else 200
        if form.is_bound:
            form.note_files_not_kept()
        return render(request, "petitions/staff_new.html", {"form": form}, status=status)

    try:
        sent = submit(request.user, arguments=form.register_arguments(),
                      channel=form.cleaned_data["channel"], files=form.cleaned_data["evidence"],
                      unit=form.cleaned_data["assign_to"])
    except ValidationError as error:
        form.add_error(None, error)
        form.note_files_not_kept()
        return render(request, "petitions/staff_new.html", {"form": form}, status=400)
    context = {
        "petition": sent.petition,
        "code": tracking.format_code(sent.petition.tracking_code),
        "secret": tracking.format_code(sent.secret),
        "deadlines": presenting.public_deadlines(sent.petition, for_staff=True),
        "routing_error": sent.routing_error,
        # A report goes to the commission, so a clerk who is not an inspector may not open it.
        "may_open": visibility.can_see(request.user, sent.petition),
    }
    return render(request, "petitions/staff_receipt.html", context, status=201)
