"""Exemption and appeal pages: the lists in scope, each request and its decision."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from sunshine.duties.views.common import get_readable, paginate, render_page, run_action, staff_only
from sunshine.merit import actions
from sunshine.merit.forms import DecisionForm
from sunshine.merit.models import Appeal, AppealStatus, Exemption, ExemptionStatus
from sunshine.merit.permissions import is_person_of, is_reviewer_for
from sunshine.merit.views.common import is_ledger_reader, require_ledger_reader
from sunshine.organisation.scoping import scoped

RELATIONS = ("entry__person__unit", "entry__rule")


def visible(queryset: QuerySet, user: Any) -> QuerySet:
    """Requests about the user's own entries, plus every one in scope for a ledger reader."""
    own = queryset.filter(entry__person__user=user)
    if not is_ledger_reader(user):
        return own
    return queryset.filter(Q(pk__in=own.values("pk")) | Q(pk__in=scoped(queryset, user)
                                                          .values("pk")))


def load(queryset: QuerySet, user: Any, pk: int) -> Any:
    """Load a request about the user's own entry, or one in scope for a ledger reader.

    This matches ``visible``, so a user who is not a ledger reader gets 403 for
    other people's requests, even in their own unit.
    """
    item = queryset.filter(pk=pk).first()
    if item is not None and is_person_of(user, item.entry.person):
        return item
    require_ledger_reader(user)
    return get_readable(queryset, user, pk=pk)


@require_safe
@staff_only()
def exemption_list(request: HttpRequest) -> HttpResponse:
    items = visible(Exemption.objects.select_related(*RELATIONS), request.user)
    context = {"pending": items.filter(status=ExemptionStatus.PENDING),
               "page": paginate(request, items.exclude(status=ExemptionStatus.PENDING))}
    return render(request, "merit/exemptions.html", context)


@require_safe
@staff_only()
def exemption_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return show_exemption(request, pk)


def show_exemption(request: HttpRequest, pk: int, form: DecisionForm | None = None
                   ) -> HttpResponse:
    exemption = load(Exemption.objects.select_related(*RELATIONS, "requested_by", "decided_by",
                                                      "offset"), request.user, pk)
    may_decide = (exemption.status == ExemptionStatus.PENDING
                  and exemption.requested_by_id != request.user.pk
                  and is_reviewer_for(request.user, exemption.entry.person))
    context = {"exemption": exemption, "may_decide": may_decide, "form": form or DecisionForm()}
    return render_page(request, "merit/exemption.html", context, *([form] if form else []))


@require_POST
@staff_only()
def exemption_decide(request: HttpRequest, pk: int) -> HttpResponse:
    exemption = load(Exemption.objects.select_related(*RELATIONS), request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid() and run_action(form, lambda: actions.decide_exemption(
            request.user, exemption, approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["reason"])):
        return redirect("merit:exemption_detail", pk=pk)
    return show_exemption(request, pk, form)


@require_safe
@staff_only()
def appeal_list(request: HttpRequest) -> HttpResponse:
    items = visible(Appeal.objects.select_related(*RELATIONS), request.user)
    context = {"pending": items.filter(status=AppealStatus.OPEN),
               "page": paginate(request, items.exclude(status=AppealStatus.OPEN))}
    return render(request, "merit/appeals.html", context)


@require_safe
@staff_only()
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return show_appeal(request, pk)


def show_appeal(request: HttpRequest, pk: int, form: DecisionForm | None = None) -> HttpResponse:
    appeal = load(Appeal.objects.select_related(*RELATIONS, "filed_by", "decided_by",
                                                "reversal"), request.user, pk)
    may_decide = (appeal.status == AppealStatus.OPEN
                  and is_reviewer_for(request.user, appeal.entry.person))
    context = {"appeal": appeal, "may_decide": may_decide, "form": form or DecisionForm()}
    return render_page(request, "merit/appeal.html", context, *([form] if form else []))


@require_POST
@staff_only()
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = load(Appeal.objects.select_related(*RELATIONS), request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid() and run_action(form, lambda: actions.decide_appeal(
            request.user, appeal, uphold=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"])):
        return redirect("merit:appeal_detail", pk=pk)
    return show_appeal(request, pk, form)
