"""Cadres: list, create, detail, and the audited reveal of a full ID number."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sunshine.funds.forms import PersonForm
from sunshine.funds.views.access import (
    get_readable,
    posted,
    render_form,
    search_context,
    staff_only,
)
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Assignment, Level, Person, Role
from sunshine.organisation.scoping import Scope, scoped


def people_in_scope(user: Any) -> Any:
    return scoped(Person.objects.select_related("unit__region"), user)


def administrator_scope(user: Any) -> Scope:
    """Return the scope of the user's administrator assignments alone.

    ``scope_for`` unites every role, so a user who administers one county and
    operates in another would otherwise see full ID numbers in both.
    """
    if user.is_superuser:
        return Scope(everything=True)
    assignments = Assignment.objects.filter(user=user, role=Role.ADMINISTRATOR).select_related(
        "unit__region")
    regions = tuple(a.unit.region.path for a in assignments)
    units = tuple(a.unit.path for a in assignments)
    everything = any(a.unit.region.level == Level.CITY for a in assignments)
    return Scope(everything=everything, region_paths=regions, unit_paths=units)


def may_reveal(user: Any, person: Person) -> bool:
    scope = administrator_scope(user)
    return not scope.empty and scope.contains(person)


@require_safe
@staff_only()
def person_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    people = people_in_scope(request.user)
    if text:
        people = people.filter(Q(name__icontains=text) | Q(unit__name__icontains=text)
                               | Q(post__icontains=text))
    context = search_context(request, people, text)
    return render(request, "funds/person_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.user, posted(request))
    context = {"form": form, "title": _("New person"), "cancel_url": reverse("funds:person_list")}
    if request.method == "POST" and form.is_valid():
        person = org_actions.create_person(request.user, **form.cleaned_data)
        return redirect("funds:person_detail", pk=person.pk)
    return render_form(request, context)


@require_safe
@staff_only()
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person: Any = get_readable(Person.objects.select_related("unit__region"), request.user, pk=pk)
    context = {"person": person, "may_reveal": may_reveal(request.user, person)}
    return render(request, "funds/person_detail.html", context)


@never_cache
@require_POST
@staff_only()
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number to an administrator of the person's region; the view is audited."""
    person: Any = get_readable(Person.objects.select_related("unit__region"), request.user, pk=pk)
    if not may_reveal(request.user, person):
        raise PermissionDenied(_("Only an administrator of this person's region may see the "
                                 "full ID number."))
    revealed = org_actions.reveal_id_number(request.user, person)
    context = {"person": person, "may_reveal": True, "revealed": revealed}
    return render(request, "funds/person_detail.html", context)
