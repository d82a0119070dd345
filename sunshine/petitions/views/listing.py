"""The staff list of petitions and its CSV export: one filter, two outputs.

Both read through ``visible_petitions``, so the region scope and the
firewall that hides a report from the people it accuses apply to the
list, the tracking-code search and the export alike.
"""

import csv
import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sunshine.funds.views.export import BOM, Echo, text_cell
from sunshine.petitions import deadlines, tracking
from sunshine.petitions.forms import FilterForm
from sunshine.petitions.models import Petition
from sunshine.petitions.views.access import may_register, staff_only
from sunshine.petitions.visibility import visible_petitions
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
CHUNK = 2000
RELATED = ("category", "region", "assigned_unit")


@dataclass(frozen=True)
class ListRow:
    petition: Petition
    status: str
    status_label: str
    due: datetime.date | None


def filtered_petitions(request: HttpRequest) -> tuple[FilterForm, Any]:
    """Return the filter form and the visible petitions it selects (all when it is invalid)."""
    form = FilterForm(request.user, request.GET or None)
    petitions = visible_petitions(request.user).select_related(*RELATED)
    if not form.is_bound or not form.is_valid():
        return form, petitions
    return form, apply_filters(petitions, form.cleaned_data)


def apply_filters(petitions: Any, data: dict[str, Any]) -> Any:
    """Narrow visible petitions by the cleaned data of a ``FilterForm``."""
    if data["q"].strip():
        petitions = petitions.filter(tracking_code__startswith=tracking.normalize(data["q"]))
    if data["state"]:
        petitions = petitions.filter(state=data["state"])
    if data["kind"]:
        petitions = petitions.filter(kind=data["kind"])
    if data["region"] is not None:
        petitions = petitions.in_region(data["region"])
    return _filter_due(petitions, data["due"])


def _filter_due(petitions: Any, due: str) -> Any:
    today = timezone.localdate()
    if due == "overdue":
        return petitions.overdue(today)
    if due == "due_soon":
        # NOTE: the filter uses the all-county due-soon period; a county with its
        # own period still shows its own status on each row.
        soon = get_setting(deadlines.DUE_SOON_DAYS, on=today)
        ahead = today + datetime.timedelta(days=soon)
        return petitions.due_between(today, ahead).exclude(pk__in=petitions.overdue(today))
    return petitions


def rows_of(petitions: Any) -> list[ListRow]:
    today = timezone.localdate()
    rows = []
    for petition in petitions:
        status = deadlines.petition_status(petition, today)
        pending = deadlines.open_deadlines(petition)
        rows.append(ListRow(petition, status.value if status else "",
                            str(status.label) if status else "",
                            pending[0][1] if pending else None))
    return rows


@require_safe
@staff_only
def petition_list(request: HttpRequest) -> HttpResponse:
    form, petitions = filtered_petitions(request)
    if form.is_bound and form.errors:
        return render(request, "petitions/staff_list.html", {"form": form}, status=400)
    page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page, "rows": rows_of(page.object_list),
        "query": query.urlencode(), "may_register": may_register(request.user),
    }
    return render(request, "petitions/staff_list.html", context)


def headers() -> list[str]:
    return [
        _("Tracking code"), _("Kind"), _("Category"), _("Channel"), _("Region"),
        _("Region code"), _("State"), _("Handling unit"), _("Received on"),
        _("Next deadline"), _("Deadline status"), _("Handled on"),
    ]


def csv_row(row: ListRow) -> list[Any]:
    petition = row.petition
    return [
        petition.tracking_code, petition.get_kind_display(), text_cell(petition.category.display_name),
        petition.get_channel_display(), text_cell(petition.region.name), petition.region_id,
        petition.get_state_display(),
        text_cell(petition.assigned_unit.name if petition.assigned_unit else ""),
        petition.received_on, row.due or "", row.status_label, petition.handled_on or "",
    ]


def csv_lines(petitions: Any) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield BOM + writer.writerow(headers())
    batch: list[Petition] = []
    for petition in petitions.iterator(chunk_size=CHUNK):
        batch.append(petition)
        if len(batch) == CHUNK:
            yield from (writer.writerow(csv_row(row)) for row in rows_of(batch))
            batch = []
    yield from (writer.writerow(csv_row(row)) for row in rows_of(batch))


@require_safe
@staff_only
def petition_export(request: HttpRequest) -> HttpResponseBase:
    """Stream the filtered list as CSV; no reporter identity is ever in it."""
    form, petitions = filtered_petitions(request)
    if form.is_bound and form.errors:
        message = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    filename = f"petitions-{timezone.localdate():%Y%m%d}.csv"
    response = StreamingHttpResponse(csv_lines(petitions.order_by("received_on", "pk")),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    logger.info("petition CSV export by user %s", request.user.pk)
    return response
