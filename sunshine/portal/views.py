"""The public fund query: search, project page and the large-type switch. No login."""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from sunshine.funds.figures import Figures, advice_for, figures_of, is_overdue
from sunshine.funds.models import Project
from sunshine.organisation.models import Level, Region
from sunshine.portal import cache as public_cache
from sunshine.portal.disclosure import (
    location_names,
    public_project_queryset,
    search_projects,
    search_words,
    timeline_page,
)
from sunshine.rules.values import get_setting

# Browsers may reuse a page for a minute. The language and type-size choices
# live in cookies, so shared caches must not keep the pages.
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

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        search_words(query)
        return query


@dataclass(frozen=True)
class ResultRow:
    project: Project
    figures: Figures
    location: list[str]
    overdue: bool

    @property
    def url(self) -> str:
        return project_url(self.project.code)


def project_url(code: str) -> str:
    """Return the address of a project's public page, with the code as one path segment.

    reverse() leaves "/" unquoted for the path converter, so a stored code
    such as "T/../JJ-2023-0001" would give a link that the browser resolves
    to another project's page. Quoting every "/" as %2F keeps the code in one
    segment, and the server decodes it back before matching the URL pattern.
    """
    prefix = reverse("portal:project", args=["-"]).removesuffix("-/")
    return f"{prefix}{quote(code, safe='')}/"


@require_safe
@public_cache.public
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

    # The model orders projects by code, which keeps the pages stable.
    found = search_projects(public_project_queryset(), query)
    paginator = Paginator(found, get_setting("portal.max_search_results"))
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        ResultRow(project, figures_of(project), location_names(project.region), is_overdue(project))
        for project in page.object_list
    ]
    context = {"form": form, "query": query, "rows": rows, "page": page,
               "page_query": urlencode({"q": query})}
    return render(request, "portal/search.html", context)


@require_safe
@public_cache.public
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
    # ASCII digits only: str.isdigit() also accepts "²", which int() rejects.
    if not re.fullmatch(r"[0-9]{1,6}", raw) or int(raw) < 1:
        raise Http404(_("Page “%(page)s” does not exist; pages are numbered from 1.")
                      % {"page": raw})
    return int(raw)


def safe_next(request: HttpRequest, data) -> str:
    next_url = data.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    return next_url


# GET is allowed because the switch only sets a display preference. A form
# without a CSRF token keeps the public pages identical for every visitor,
# so they can be served from the shared cache.
@require_http_methods(["GET", "POST"])
def large_type(request: HttpRequest) -> HttpResponse:
    """Switch the large-type mode for elderly readers on or off, then go back."""
    data = request.POST if request.method == "POST" else request.GET
    response = redirect(safe_next(request, data))
    if data.get("large_type") == "on":
        response.set_cookie(LARGE_TYPE_COOKIE, "1", max_age=LARGE_TYPE_COOKIE_AGE,
                            samesite="Lax", httponly=True, secure=request.is_secure())
    else:
        response.delete_cookie(LARGE_TYPE_COOKIE, samesite="Lax")
    return response


@require_http_methods(["GET", "POST"])
def language(request: HttpRequest) -> HttpResponse:
    """Set the display language in a cookie, then go back; a GET-able set_language."""
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("language", "")
    if code not in dict(settings.LANGUAGES):
        return HttpResponse(
            _("Unknown language “%(code)s”; choose one of %(choices)s.")
            % {"code": code, "choices": ", ".join(dict(settings.LANGUAGES))},
            status=400, content_type="text/plain; charset=utf-8",
        )
    response = redirect(safe_next(request, data))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=LARGE_TYPE_COOKIE_AGE,
                        samesite="Lax", secure=request.is_secure())
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Render the site's page for a form that failed the CSRF check (``CSRF_FAILURE_VIEW``).

    Django's own page is in its words, mentions DEBUG and shows no way back.
    """
    return render(request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE},
                  status=403)
