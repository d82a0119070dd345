"""Ranking and promotion-priority pages for one unit or region and period."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sunshine.duties.periods import recent_quarters
from sunshine.duties.views.common import paginate, run_action, staff_only
from sunshine.duties.views.rates import home_region
from sunshine.merit import actions
from sunshine.merit.forms import PromotionForm, QuotaForm, ScopeForm
from sunshine.merit.promotion import promotion_list
from sunshine.merit.rankings import rankings, unit_groups
from sunshine.merit.views.common import is_ledger_reader, require_ledger_reader
from sunshine.organisation.models import Region, Unit
from sunshine.organisation.scoping import scope_for


def chosen_scope(user: Any, data: dict[str, Any]) -> Region | Unit:
    """Return the unit or region asked for, or the user's widest region.

    ``ScopeForm`` has already rejected a unit outside the scope, like an unknown
    unit. A region outside the scope raises PermissionDenied, because region
    codes are the public GB/T 2260 division codes and a 403 reveals nothing.
    """
    if data["unit"] is not None:
        return data["unit"]
    region = data["region"] or home_region(user)
    if not scope_for(user).contains_region(region):
        raise PermissionDenied(_("%(region)s is outside the regions you may read.")
                               % {"region": region.name})
    return region


@require_safe
@staff_only()
def ranking_page(request: HttpRequest) -> HttpResponse:
    form = ScopeForm(request.user, request.GET)
    if not form.is_valid():
        return render(request, "merit/rankings.html", {"form": form}, status=400)
    target = chosen_scope(request.user, form.cleaned_data)
    period = form.cleaned_data["period"]
    ranking = rankings(period, target)
    context = {
        "form": form, "ranking": ranking, "period": period,
        "page": paginate(request, ranking.rows),  # type: ignore[arg-type]
        "query": urlencode([(k, str(v)) for k, v in request.GET.items() if k != "page"]),
        "target": target, "is_unit": isinstance(target, Unit),
        "groups": [] if isinstance(target, Unit) else unit_groups(target, period),
        "drill_down": is_ledger_reader(request.user),
        "periods": recent_quarters(period.end),
    }
    return render(request, "merit/rankings.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only()
def promotion_page(request: HttpRequest) -> HttpResponse:
    require_ledger_reader(request.user)
    form = PromotionForm(request.user, request.GET)
    if not form.is_valid():
        return render(request, "merit/promotion.html", {"form": form}, status=400)
    target = chosen_scope(request.user, form.cleaned_data)
    year = form.cleaned_data["year"]
    quota_form = QuotaForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and isinstance(target, Unit) and quota_form.is_valid():
        recorded = run_action(quota_form, lambda: actions.record_quota_approval(
            request.user, target, year=year, document_number=quota_form.cleaned_data[
                "document_number"]))
        if recorded:
            return redirect(request.get_full_path())
    context = {"form": form, "result": promotion_list(year, target), "target": target,
               "is_unit": isinstance(target, Unit), "quota_form": quota_form}
    status = 400 if quota_form.is_bound and quota_form.errors else 200
    return render(request, "merit/promotion.html", context, status=status)
