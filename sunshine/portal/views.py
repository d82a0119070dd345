"""The public fund query: search, project page and the large-type switch. No login."""

import datetime
from dataclasses import dataclass

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from sunshine.funds.figures import Figures, advice_for, figures_of, is_overdue
from sunshine.funds.models import Project
from sunshine.organisation.models import Level, Region
from sunshine.portal.disclosure import (
    location_names,
    public_project_queryset,
    search_projects,
    timeline_page,
)
from sunshine.rules.values import get_setting

# Browsers may reuse a page for a minute. The pages carry a CSRF token for
# the language and type-size forms, so shared caches must not keep them.
PAGE_MAX_AGE = 60
LARGE_TYPE_COOKIE = "sunshine_large_type"
LARGE_TYPE_COOKIE_AGE = datetime.timedelta(days=365)
MAX_QUERY_LENGTH = 100


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Project name, project code, village or township"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
    )


@dataclass(frozen=True)
class ResultRow:
    project: Project
    figures: Figures
    location: list[str]
    overdue: bool


@require_safe
@cache_control(private=True, max_age=PAGE_MAX_AGE)
@vary_on_headers("Cookie", "Accept-Language")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "portal/search.html", {"form": form}, status=400)

    query = form.cleaned_data["q"].strip()
    if not query:
        counties = Region.objects.filter(level=Level.COUNTY).order_by("code")
        return render(request, "portal/search.html", {"form": form, "counties": counties})

    limit = get_setting("portal.max_search_results")
    found = list(search_projects(public_project_queryset(), query)[:limit + 1])
    rows = [
        ResultRow(project, figures_of(project), location_names(project.region), is_overdue(project))
        for project in found[:limit]
    ]
    context = {"form": form, "query": query, "rows": rows, "limit": limit,
               "truncated": len(found) > limit}
    return render(request, "portal/search.html", context)


@require_safe
@cache_control(private=True, max_age=PAGE_MAX_AGE)
@vary_on_headers("Cookie", "Accept-Language")
def project(request: HttpRequest, code: str) -> HttpResponse:
    project = get_object_or_404(public_project_queryset(), code=code)
    page = page_number(request)

    figures = figures_of(project)
    context = {
        "project": project,
        "figures": figures,
        "advice": advice_for(project, figures),
        "location": location_names(project.region),
        "timeline": timeline_page(project, page),
    }
    return render(request, "portal/project.html", context)


def page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise Http404(_("Page “%(page)s” does not exist; pages are numbered from 1.")
                      % {"page": raw})
    return int(raw)


@require_POST
def large_type(request: HttpRequest) -> HttpResponse:
    """Switch the large-type mode for elderly readers on or off, then go back."""
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"

    response = redirect(next_url)
    if request.POST.get("large_type") == "on":
        response.set_cookie(LARGE_TYPE_COOKIE, "1", max_age=LARGE_TYPE_COOKIE_AGE,
                            samesite="Lax", httponly=True, secure=request.is_secure())
    else:
        response.delete_cookie(LARGE_TYPE_COOKIE, samesite="Lax")
    return response
