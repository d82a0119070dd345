"""Helpers shared by the duty pages: running an action from a form, and page rendering."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sunshine.audit.actions import ConflictError
from sunshine.duties.models import TaskQuerySet
from sunshine.funds.views.access import can_write, get_readable, paginate, posted, staff_only
from sunshine.organisation.scoping import scoped

__all__ = ["can_write", "get_readable", "paginate", "posted", "render_form", "render_page",
           "run_action", "scoped_tasks", "staff_only"]

# The form field that shows an action's error, by the error's code.
FIELD_OF_CODE = {
    "deadline_before_start": "deadline",
    "deadline_after_parent": "deadline",
    "deadline_before_child": "deadline",
    "weights_total": "weight",
    "weight_range": "weight",
    "funding_total": "funding",
    "funding_range": "funding",
    "funding_duplicate": "funding",
    "deadline_missing": "deadline",
    "deadline_with_cycle": "deadline",
    "percent_range": "percent",
    "text_missing": "text",
    "reason_missing": "reason",
    "future": "as_of",
    "before_last_report": "as_of",
    "period_locked": "as_of",
    "milestone_after_deadline": "due_on",
    "empty_file": "evidence",
    "file_too_large": "evidence",
    "file_type": "evidence",
    "file_disguised": "evidence",
    "too_many_files": "evidence",
}


def scoped_tasks(queryset: QuerySet, user: Any, *, write: bool = False) -> TaskQuerySet:
    """``scoped`` for tasks, typed so the task queryset methods stay available."""
    return cast(TaskQuerySet, scoped(queryset, user, write=write))


def run_action(form: forms.Form, action: Callable[[], Any], *,
               refusal_on_form: bool = False) -> Any:
    """Call ``action``; put a ValidationError or a stale-version conflict on the form.

    With ``refusal_on_form``, a PermissionDenied goes on the form too. Pages
    of an object found in the user's write scope use it, because there a
    refusal concerns one change, such as a deadline set by the level above.
    Returns the action's result, or None when the form got an error.
    """
    try:
        return action()
    except ValidationError as error:
        field = FIELD_OF_CODE.get(getattr(error, "code", None) or "")
        form.add_error(field if field in form.fields else None, error)
    except ConflictError as error:
        form.add_error(None, str(error))
    except PermissionDenied as error:
        if not refusal_on_form:
            raise
        form.add_error(None, str(error))
    return None


def render_form(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """Render the shared edit page: 200 when fresh, 400 when the input was invalid."""
    return render_page(request, "duties/edit_form.html", context, context["form"])


def render_page(request: HttpRequest, template: str, context: dict[str, Any],
                *forms_: forms.Form) -> HttpResponse:
    """Render with 400 when a bound form of the page has errors, else 200."""
    invalid = any(form.is_bound and form.errors for form in forms_)
    return render(request, template, context, status=400 if invalid else 200)
