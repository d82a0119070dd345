"""Collective asset disposals, with their disclosure flags computed at read time."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sunshine.funds import actions
from sunshine.funds.forms import DisposalForm
from sunshine.funds.models import AssetDisposal
from sunshine.funds.views.access import (
    get_readable,
    posted,
    render_form,
    save_form,
    search_context,
    staff_only,
)
from sunshine.organisation.scoping import scoped
from sunshine.rules.values import get_setting

FORM_METHODS = ["GET", "HEAD", "POST"]


@dataclass(frozen=True)
class DisclosureCheck:
    """Result of the disclosure rules in force on a disposal's decision date."""

    deadline: datetime.date
    late: bool
    missing: bool
    objection_days: int | None
    minimum_objection_days: int
    objection_short: bool
    objection_unknown: bool
    below_appraisal: bool

    @property
    def flagged(self) -> bool:
        return (self.late or self.missing or self.objection_short or self.objection_unknown
                or self.below_appraisal)


class RuleCache:
    """Settings looked up once per key, county and date while a page is built."""

    def __init__(self) -> None:
        self.values: dict[tuple, Any] = {}

    def get(self, key: str, region: Any, on: datetime.date) -> Any:
        county = region.county()
        cache_key = (key, county.pk if county else None, on)
        if cache_key not in self.values:
            self.values[cache_key] = get_setting(key, region=region, on=on)
        return self.values[cache_key]


def check_disclosure(disposal: AssetDisposal, rules: RuleCache,
                     today: datetime.date) -> DisclosureCheck:
    """Apply ``assets.disclosure_days`` and ``assets.objection_days`` to one disposal.

    Periods in days start on the day after the event (Civil Code art. 201),
    so the deadline is decided_on + N and the objection period is
    disclosure_end - disclosed_on.
    NOTE: a deadline on a public holiday is not moved to the next day as
    Civil Code art. 203 would move it, so a few flags may come a day early.
    """
    days = rules.get("assets.disclosure_days", disposal.region, disposal.decided_on)
    minimum = rules.get("assets.objection_days", disposal.region, disposal.decided_on)
    deadline = disposal.decided_on + datetime.timedelta(days=days)
    disclosed, end = disposal.disclosed_on, disposal.disclosure_end
    objection_days = (end - disclosed).days if disclosed and end else None
    appraised = disposal.appraised_amount
    return DisclosureCheck(
        deadline=deadline,
        late=disclosed is not None and disclosed > deadline,
        missing=disclosed is None and today > deadline,
        objection_days=objection_days,
        minimum_objection_days=minimum,
        objection_short=objection_days is not None and objection_days < minimum,
        objection_unknown=disclosed is not None and end is None,
        below_appraisal=appraised is not None and disposal.price < appraised,
    )


@require_safe
@staff_only()
def disposal_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    disposals = scoped(
        AssetDisposal.objects.select_related("region__parent__parent", "unit"), request.user)
    if text:
        disposals = disposals.filter(Q(asset_name__icontains=text) | Q(buyer_name__icontains=text)
                                     | Q(region__name__icontains=text) | Q(region_id=text))
    context = search_context(request, disposals, text)
    rules, today = RuleCache(), timezone.localdate()
    for disposal in context["page"].object_list:
        disposal.check = check_disclosure(disposal, rules, today)
    return render(request, "funds/disposal_list.html", context)


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def disposal_create(request: HttpRequest) -> HttpResponse:
    form = DisposalForm(request.user, posted(request))
    context = {"form": form, "title": _("New collective asset disposal"),
               "cancel_url": reverse("funds:disposal_list")}
    if request.method == "POST" and form.is_valid():
        actions.record_disposal(request.user, **form.changes())
        return redirect("funds:disposal_list")
    return render_form(request, context)


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def disposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    disposal: Any = get_readable(AssetDisposal.objects.all(), request.user, write=True, pk=pk)
    names = [name for name in DisposalForm.base_fields if name != "version"]
    initial = {**{name: getattr(disposal, name) for name in names}, "version": disposal.version}
    form = DisposalForm(request.user, posted(request), disposal=disposal, initial=initial)
    context = {"form": form, "cancel_url": reverse("funds:disposal_list"),
               "title": _("Edit disposal of %(asset)s") % {"asset": disposal.asset_name}}
    return save_form(
        request, form, context,
        lambda: actions.update_disposal(request.user, disposal, form.changes(),
                                        expected_version=form.expected_version),
        success_url=reverse("funds:disposal_list"),
        current=lambda: AssetDisposal.objects.get(pk=pk),
    )
