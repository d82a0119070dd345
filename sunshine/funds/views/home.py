"""The staff home page: what the signed-in user may do, by role and region."""

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from sunshine.funds.views.access import can_write, staff_only
from sunshine.organisation.models import Assignment


@require_safe
@staff_only()
def home(request: HttpRequest) -> HttpResponse:
    user = cast(Any, request.user)
    assignments = Assignment.objects.filter(user=user).select_related("unit__region")
    context = {
        "assignments": assignments,
        "can_write": can_write(request.user),
        "can_admin": request.user.is_staff,
    }
    return render(request, "funds/home.html", context)
