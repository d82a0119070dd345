"""Access checks and the edit flow shared by the staff pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sunshine.audit.actions import ConflictError
from sunshine.funds.actions import ProjectTotalError
from sunshine.funds.forms import EditForm
from sunshine.organisation.scoping import scope_for, scoped

PAGE_SIZE = 25


def staff_only(*, write: bool = False) -> Callable:
    """Let through users with a read scope, or a write scope when ``write`` is true.

    Anonymous users go to the login page. A logged-in user without a scope,
    such as an account with no role assignment, gets 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if scope_for(request.user, write=write).empty:
                raise PermissionDenied(
                    _("You may not change records here: your roles allow reading only.")
                    if write and not scope_for(request.user).empty
                    else _("Your account has no role in any unit; ask an administrator "
                           "to assign one.")
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_readable(queryset: QuerySet, user: Any, *, write: bool = False, **lookup: Any) -> Any:
    """Load one row for a staff page, or raise Http404 when it is missing or out of scope.

    A row outside the user's read scope gets the same 404 as an unknown id, so
    the ids of other regions' rows cannot be listed by trying them. With
    ``write``, a row the user may read but not change raises PermissionDenied.
    """
    instance = scoped(queryset, user).filter(**lookup).first()
    if instance is None:
        raise Http404(_("No record matches this address."))
    if write and not scope_for(user, write=True).contains(instance):
        raise PermissionDenied(_("This record belongs to a region or unit outside your scope."))
    return instance


def can_write(user: Any) -> bool:
    return not scope_for(user, write=True).empty


def posted(request: HttpRequest) -> Any:
    """Return the POST data to bind a form to, or None on GET so the form starts unbound."""
    return request.POST if request.method == "POST" else None


def search_context(request: HttpRequest, queryset: QuerySet, text: str) -> dict[str, Any]:
    """Return the page, the search text and the query string that pagination links repeat."""
    return {
        "page": paginate(request, queryset),
        "q": text,
        "query": urlencode({"q": text}) if text else "",
        "can_write": can_write(request.user),
    }


def paginate(request: HttpRequest, queryset: QuerySet) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def render_form(request: HttpRequest, context: dict[str, Any], *,
                status: int | None = None) -> HttpResponse:
    """Render the shared edit template: 200 when fresh, 400 when the input was invalid."""
    form = context["form"]
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    return render(request, "funds/edit_form.html", context, status=status)


def save_form(
    request: HttpRequest,
    form: EditForm,
    context: dict[str, Any],
    apply: Callable[[], Any],
    *,
    success_url: str,
    current: Callable[[], Model] | None = None,
    warning: Callable[[Any], str | None] | None = None,
) -> HttpResponse:
    """Validate ``form`` and call ``apply``; re-render it on errors and on a stale version.

    On a ``ConflictError`` nothing has been written. The form comes back with
    the user's input, the translated conflict message and the values saved
    meanwhile (from ``current``), under 409. A ``ProjectTotalError``, or a
    unique value that another request saved after the form was validated,
    comes back as a form error under 400, also with nothing written.
    ``warning``, given the row that ``apply`` returned, returns a message to
    show after "Saved.", or None.
    """
    if request.method != "POST" or not form.is_valid():
        return render_form(request, context)
    try:
        saved = apply()
    except ConflictError as error:
        form.add_error(None, str(error))
        if current is not None:
            context["conflicts"] = conflicting_values(form, current())
        return render_form(request, context, status=409)
    except ProjectTotalError as error:
        form.add_error(None, str(error))
        return render_form(request, context)
    except IntegrityError:
        if not form.add_unique_errors():
            raise
        return render_form(request, context)
    messages.success(request, _("Saved."))
    text = warning(saved) if warning is not None else None
    if text:
        messages.warning(request, text)
    return redirect(success_url)


def create_or_form_error(form: EditForm, create: Callable[[], Any]) -> Any:
    """Call ``create`` and return its result, or None after adding a uniqueness error to ``form``.

    A concurrent request can save the same unique value after the form was
    validated. ``create`` must run in its own ``transaction.atomic()``, so
    the IntegrityError rolls it back and the connection stays usable.
    """
    try:
        return create()
    except IntegrityError:
        if not form.add_unique_errors():
            raise
        return None


def conflicting_values(form: EditForm, saved: Model) -> list[dict[str, Any]]:
    """List the fields whose saved value differs from what the user entered."""
    rows = []
    for name, value in form.changes().items():
        if name not in form.fields:
            continue
        stored = getattr(saved, name, None)
        if stored != value:
            rows.append({"label": form.fields[name].label, "mine": value, "saved": stored})
    return rows
