"""Ledger pages: my points, the scoped ledger of a leader, one entry and its corrections."""

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_POST, require_safe

from sunshine.duties.views.common import render_page, run_action, staff_only
from sunshine.funds.views.access import PAGE_SIZE
from sunshine.lib.staff_pages import per_session
from sunshine.merit import actions
from sunshine.merit.actions.appeals import appeal_last_day
from sunshine.merit.forms import ExemptionForm, LedgerFilterForm, ReasonForm
from sunshine.merit.models import AppealStatus, EntryKind, PointEntry
from sunshine.merit.permissions import is_person_of, is_reviewer_for
from sunshine.merit.views.common import readable_entry, require_ledger_reader
from sunshine.organisation.models import Person
from sunshine.organisation.scoping import scoped
from sunshine.portal.cache import ENTRY_SECONDS, generation

# The columns merit/_entries.html shows. The reason, the cause's type and id and
# the audit columns are left unread, and so is the cancelled entry, whose id is enough.
ENTRY_COLUMNS = ("occurred_on", "period", "rule_code", "kind", "points", "rule_points", "cap",
                 "cause_label", "reverses_id", "rule__name", "rule__points",
                 "rule__effective_from")
PERSON_COLUMNS = ("person__name", "person__unit__name")


def entry_rows(entries: QuerySet, *, with_person: bool = False) -> QuerySet:
    """Return ``entries`` reading only the columns of the entry table."""
    if with_person:
        return entries.select_related("rule", "person__unit").only(*ENTRY_COLUMNS,
                                                                    *PERSON_COLUMNS)
    return entries.select_related("rule").only(*ENTRY_COLUMNS)


def paginate_counted(request: HttpRequest, entries: QuerySet, count: int) -> Page:
    """Return the requested page of ``entries``, given their number.

    The caller counts the rows in the query that sums them, which saves the
    paginator's own ``COUNT(*)`` over the same rows.
    """
    paginator = Paginator(entries, PAGE_SIZE)
    paginator.count = count
    return paginator.get_page(request.GET.get("page"))


def cached_html(parts: tuple, render_html: Callable[[], str]) -> str:
    """Return ``render_html()``, kept in the shared cache until the next governed write.

    Entries are only ever inserted, and every insert, like every new rule
    version, appends an audit entry. So the key contains the audit-chain
    generation of ``sunshine.portal.cache``, and another process shows a new
    entry within its ``REFRESH_SECONDS``. Nothing is cached inside a
    transaction, whose entries other processes cannot see yet.
    """
    if connection.in_atomic_block:
        return render_html()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    key = f"sunshine:merit:{generation()}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_html()
        cache.set(key, html, timeout=ENTRY_SECONDS)
    return html


@require_safe
@per_session
@staff_only()
def my_points(request: HttpRequest) -> HttpResponse:
    person = (Person.objects.filter(user_id=request.user.pk or 0).select_related("unit")
              .only("name", "unit__name").first())
    context: dict[str, Any] = {"person": person}
    if person is not None:
        page_number = request.GET.get("page", "")
        # Only short page numbers get cache entries, so made-up ones cannot fill the cache.
        if page_number == "" or (len(page_number) <= 4 and page_number.isdigit()):
            parts = ("mine", person.pk, page_number, get_language())
            html = cached_html(parts, lambda: render_my_points(request, person))
        else:
            html = render_my_points(request, person)
        # render_my_points renders with autoescaping on, so the HTML goes in as it is.
        context["points"] = mark_safe(html)  # noqa: S308
    return render(request, "merit/mine.html", context)


def render_my_points(request: HttpRequest, person: Person) -> str:
    """Render the person's quarter totals and one page of their entries."""
    entries = PointEntry.objects.filter(person=person)
    # One grouped query gives the quarter totals and, added up, the paginator's count.
    totals = list(entries.order_by().values("period")
                  .annotate(total=Sum("points"), entries=Count("id")).order_by("-period"))
    page = paginate_counted(request, entry_rows(entries), sum(row["entries"] for row in totals))
    return render_to_string("merit/_my_points.html", {"page": page, "totals": totals})


@require_safe
@staff_only()
def ledger(request: HttpRequest) -> HttpResponse:
    require_ledger_reader(request.user)
    form = LedgerFilterForm(request.user, request.GET)
    if not form.is_valid():
        return render(request, "merit/ledger.html", {"form": form}, status=400)
    entries = filtered(scoped(PointEntry.objects.all(), request.user), form.cleaned_data)
    # One aggregate gives both the total shown and the paginator's count.
    summary = entries.order_by().aggregate(total=Sum("points"), entries=Count("id"))
    page = paginate_counted(request, entry_rows(entries, with_person=True), summary["entries"])
    query = urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page"])
    context = {"form": form, "page": page, "query": query, "total": summary["total"] or 0}
    return render(request, "merit/ledger.html", context)


def filtered(entries, data: dict[str, Any]):
    if data["person"]:
        entries = entries.filter(person_id=data["person"])
    if data["unit"]:
        entries = entries.filter(person__unit__path__startswith=data["unit"].path)
    if data["region"]:
        entries = entries.filter(person__unit__region__path__startswith=data["region"].path)
    if data["period"]:
        entries = entries.between(data["period"].start, data["period"].end)
    return entries


@require_safe
@staff_only()
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return show_entry(request, pk)


def show_entry(request: HttpRequest, pk: int, **forms: Any) -> HttpResponse:
    entry = readable_entry(request.user, pk)
    own = is_person_of(request.user, entry.person)
    reviewer = is_reviewer_for(request.user, entry.person)
    open_posting = entry.kind == EntryKind.POSTING and not hasattr(entry, "reversed_by")
    context = {
        "entry": entry, "own": own, "reviewer": reviewer,
        "correction": PointEntry.objects.filter(reverses=entry).first(),
        "appeals": entry.appeals.select_related("filed_by", "decided_by"),
        "open_appeal": entry.appeals.filter(status=AppealStatus.OPEN).exists(),
        "exemptions": entry.exemptions.select_related("requested_by", "decided_by"),
        "may_reverse": reviewer and open_posting,
        "may_appeal": own and open_posting,
        "appeal_until": appeal_last_day(entry)[1] if own and open_posting else None,
        "may_exempt": (own or reviewer) and open_posting and entry.points < 0,
        "reverse_form": forms.get("reverse_form") or ReasonForm(),
        "appeal_form": forms.get("appeal_form") or ReasonForm(),
        "exemption_form": forms.get("exemption_form") or ExemptionForm(),
        # Shown at the top, because a rejected action's form may no longer be offered.
        "errors": [error for form in forms.values() for errors in form.errors.values()
                   for error in errors],
    }
    return render_page(request, "merit/entry.html", context, *forms.values())


@require_POST
@staff_only()
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = readable_entry(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid() and run_action(form, lambda: actions.reverse_entry(
            request.user, entry, reason=form.cleaned_data["reason"])):
        return redirect("merit:entry_detail", pk=pk)
    return show_entry(request, pk, reverse_form=form)


@require_POST
@staff_only()
def entry_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    entry = readable_entry(request.user, pk)
    form = ReasonForm(request.POST)
    appeal = form.is_valid() and run_action(form, lambda: actions.file_appeal(
        request.user, entry, reason=form.cleaned_data["reason"]))
    if appeal:
        return redirect("merit:appeal_detail", pk=appeal.pk)
    return show_entry(request, pk, appeal_form=form)


@require_POST
@staff_only()
def entry_exempt(request: HttpRequest, pk: int) -> HttpResponse:
    entry = readable_entry(request.user, pk)
    form = ExemptionForm(request.POST)
    exemption = form.is_valid() and run_action(form, lambda: actions.request_exemption(
        request.user, entry, **form.cleaned_data))
    if exemption:
        return redirect("merit:exemption_detail", pk=exemption.pk)
    return show_entry(request, pk, exemption_form=form)
