"""Helpers shared by the assessment pages."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sunshine.duties.periods import Period, quarter_of, recent_quarters
from sunshine.duties.views.common import get_readable, paginate, posted, run_action, staff_only

__all__ = ["current_quarter", "get_readable", "paginate", "posted", "render_page", "run_action",
           "staff_only"]


def current_quarter() -> Period:
    return quarter_of(timezone.localdate())


def quarter_choices() -> list[Period]:
    return recent_quarters(timezone.localdate())


def render_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render with 400 when the page's bound form has errors, else 200."""
    form = context.get("form")
    invalid = form is not None and form.is_bound and bool(form.errors)
    return render(request, template, context, status=400 if invalid else 200)
