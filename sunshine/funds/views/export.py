"""CSV export of the project list, with the list's scope and filters.

Each row's amounts are in the currency that its Currency column names, the project's
currency, so a spreadsheet must not add up the amounts of two currencies.
"""

import csv
import logging
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sunshine.funds.models import Project
from sunshine.funds.views.access import staff_only
from sunshine.funds.views.projects import filtered_projects, with_flags
from sunshine.organisation.models import Level, Region

logger = logging.getLogger(__name__)

# Excel reads a CSV file as the local ANSI code page unless it starts with a
# UTF-8 byte order mark, and Chinese text then turns into mojibake.
BOM = "\ufeff"
# A cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def text_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def headers() -> list[str]:
    return [
        _("Project code"), _("Project name"), _("Category"), _("County"), _("Township"),
        _("Region"), _("Region code"), _("Owner unit"), _("Responsible person"),
        _("Currency"), _("Budget"), _("Allocated"), _("Arrived"), _("Paid"),
        _("Remaining"), _("Physical progress (%)"), _("Status"), _("Planned start"),
        _("Planned completion"), _("Public"), _("Overdue"), _("Paid more than arrived"),
    ]


def region_names() -> dict[str, str]:
    """Map the codes of the city, counties and townships to their names (about 150 rows)."""
    upper = Region.objects.filter(level__in=[Level.CITY, Level.COUNTY, Level.TOWNSHIP])
    return dict(upper.values_list("code", "name"))


def ancestor_name(project: Project, names: dict[str, str], level_index: int) -> str:
    """Return the name of the ancestor at ``level_index`` in the region path (1 = county)."""
    codes = project.region.path.strip("/").split("/")
    return names.get(codes[level_index], "") if len(codes) > level_index else ""


def row(project: Any, names: dict[str, str]) -> list[Any]:
    yes, no = _("yes"), _("no")
    person = project.responsible_person.name if project.responsible_person else (
        project.responsible_name)
    return [
        text_cell(project.code), text_cell(project.name), text_cell(project.category),
        ancestor_name(project, names, 1), ancestor_name(project, names, 2),
        text_cell(project.region.name), project.region_id,
        text_cell(project.owner_unit.name if project.owner_unit else ""), text_cell(person),
        project.currency, project.budget if project.budget is not None else "", project.allocated_total,
        project.arrived_total, project.paid_total, project.remaining, project.progress,
        project.get_status_display(), project.planned_start or "", project.planned_end or "",
        yes if project.is_public else no, yes if project.is_overdue else no,
        yes if project.is_overpaid else no,
    ]


def csv_lines(projects: Any) -> Iterator[str]:
    writer = csv.writer(Echo())
    names = region_names()
    yield BOM + writer.writerow(headers())
    for project in projects.iterator(chunk_size=CHUNK):
        yield writer.writerow(row(project, names))


@require_safe
@staff_only()
def project_export(request: HttpRequest) -> HttpResponseBase:
    form, projects = filtered_projects(request)
    if form.is_bound and form.errors:
        return HttpResponse(
            "; ".join(str(error) for errors in form.errors.values() for error in errors),
            status=400, content_type="text/plain; charset=utf-8",
        )
    projects = with_flags(projects.select_related("responsible_person")).order_by("code")
    filename = f"projects-{timezone.localdate():%Y%m%d}.csv"
    response = StreamingHttpResponse(csv_lines(projects), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    logger.info("project CSV export by user %s", request.user.pk)
    return response
