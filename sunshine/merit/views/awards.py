"""Execution-pioneer pages: nominations in scope, nominating, and the higher leader's decision."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sunshine.duties.views.common import (
    get_readable,
    paginate,
    posted,
    render_page,
    run_action,
    staff_only,
)
from sunshine.lib.text_input import TextField
from sunshine.merit import actions
from sunshine.merit.forms import DecisionForm
from sunshine.merit.models import Award, AwardStatus
from sunshine.merit.permissions import is_person_of, leads
from sunshine.merit.text import MAX_TEXT_LENGTH, TEXT_ERRORS
from sunshine.merit.views.common import require_ledger_reader
from sunshine.organisation.models import Person
from sunshine.organisation.scoping import scoped


class NominationForm(forms.Form):
    person = forms.ModelChoiceField(label=gettext_lazy("person"), queryset=Person.objects.none())
    reason = TextField(label=gettext_lazy("Reason"), required=False,
                             max_length=MAX_TEXT_LENGTH, error_messages=TEXT_ERRORS,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = scoped(Person.objects.select_related("unit"), user)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only()
def award_list(request: HttpRequest) -> HttpResponse:
    require_ledger_reader(request.user)
    form = NominationForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        award = run_action(form, lambda: actions.nominate_award(
            request.user, form.cleaned_data["person"], reason=form.cleaned_data["reason"]))
        if award:
            return redirect("merit:award_detail", pk=award.pk)
    awards = scoped(Award.objects.select_related("person__unit", "nominating_unit"),
                    request.user)
    context = {"form": form, "pending": awards.filter(status=AwardStatus.NOMINATED),
               "page": paginate(request, awards.exclude(status=AwardStatus.NOMINATED))}
    return render_page(request, "merit/awards.html", context, form)


@require_safe
@staff_only()
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return show_award(request, pk)


def show_award(request: HttpRequest, pk: int, form: DecisionForm | None = None) -> HttpResponse:
    require_ledger_reader(request.user)
    award: Any = get_readable(Award.objects.select_related("person__unit", "nominating_unit",
                                                           "nominated_by", "decided_by",
                                                           "entry"),
                              request.user, pk=pk)
    may_decide = (award.status == AwardStatus.NOMINATED
                  and award.nominated_by_id != request.user.pk
                  and not is_person_of(request.user, award.person)
                  and leads(request.user, award.nominating_unit, strictly_above=True))
    context = {"award": award, "may_decide": may_decide, "form": form or DecisionForm()}
    return render_page(request, "merit/award.html", context, *([form] if form else []))


@require_POST
@staff_only()
def award_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_ledger_reader(request.user)
    award: Any = get_readable(Award.objects.all(), request.user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid() and run_action(form, lambda: actions.decide_award(
            request.user, award, approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"])):
        return redirect("merit:award_detail", pk=pk)
    return show_award(request, pk, form)
