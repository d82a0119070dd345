"""Add, edit and delete a project's allocations and disbursements."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunshine.audit.actions import ConflictError
from sunshine.audit.models import AuditedModel
from sunshine.funds import actions
from sunshine.funds.forms import AllocationForm, DeleteForm, DisbursementForm
from sunshine.funds.models import Allocation, Disbursement, Project
from sunshine.funds.views.access import get_readable, posted, render_form, save_form, staff_only

FORM_METHODS = ["GET", "HEAD", "POST"]


def writable_project(request: HttpRequest, pk: int) -> Any:
    return get_readable(Project.all_objects.all(), request.user, write=True, pk=pk)


def detail_url(project_id: int) -> str:
    return reverse("funds:project_detail", args=[project_id])


def initial_of(row: AuditedModel, form_class: Any) -> dict[str, Any]:
    names = [name for name in form_class.base_fields if name != "version"]
    return {**{name: getattr(row, name) for name in names}, "version": row.version}


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def allocation_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = writable_project(request, pk)
    form = AllocationForm(posted(request), currency=project.currency)
    context = {"form": form, "project": project, "cancel_url": detail_url(pk),
               "title": _("New allocation for %(project)s") % {"project": project}}
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_allocation(request.user, project, **form.changes())
        except actions.ProjectTotalError as error:
            form.add_error(None, str(error))
            return render_form(request, context)
        messages.success(request, _("Allocation added."))
        return redirect(detail_url(pk))
    return render_form(request, context)


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def allocation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    allocation: Any = get_readable(Allocation.objects.select_related("project"), request.user,
                                   write=True, pk=pk)
    form = AllocationForm(posted(request), versioned=True, currency=allocation.currency,
                          initial=initial_of(allocation, AllocationForm))
    context = {"form": form, "project": allocation.project,
               "cancel_url": detail_url(allocation.project_id),
               "title": _("Edit allocation of %(project)s") % {"project": allocation.project}}
    return save_form(
        request, form, context,
        lambda: actions.update_allocation(request.user, allocation, form.changes(),
                                          expected_version=form.expected_version),
        success_url=detail_url(allocation.project_id),
        current=lambda: Allocation.objects.get(pk=pk),
    )


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def disbursement_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = writable_project(request, pk)
    form = DisbursementForm(posted(request), currency=project.currency)
    context = {"form": form, "project": project, "cancel_url": detail_url(pk),
               "title": _("New payment for %(project)s") % {"project": project}}
    if request.method == "POST" and form.is_valid():
        try:
            payment = actions.add_disbursement(request.user, project, **form.changes())
        except actions.ProjectTotalError as error:
            form.add_error(None, str(error))
            return render_form(request, context)
        messages.success(request, _("Payment recorded."))
        warning = over_payment_warning(payment)
        if warning:
            messages.warning(request, warning)
        return redirect(detail_url(pk))
    return render_form(request, context)


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def disbursement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    payment: Any = get_readable(Disbursement.objects.select_related("project"), request.user,
                                write=True, pk=pk)
    form = DisbursementForm(posted(request), versioned=True, currency=payment.currency,
                            initial=initial_of(payment, DisbursementForm))
    context = {"form": form, "project": payment.project,
               "cancel_url": detail_url(payment.project_id),
               "title": _("Edit payment of %(project)s") % {"project": payment.project}}
    return save_form(
        request, form, context,
        lambda: actions.update_disbursement(request.user, payment, form.changes(),
                                            expected_version=form.expected_version),
        success_url=detail_url(payment.project_id),
        current=lambda: Disbursement.objects.get(pk=pk),
        warning=over_payment_warning,
    )


def over_payment_warning(payment: Disbursement) -> str | None:
    if not payment.exceeds_arrived:
        return None
    return _("This payment takes the payments of the project past the funds that have "
             "arrived; it is recorded and flagged.")


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def allocation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = get_readable(Allocation.objects.select_related("project"), request.user,
                              write=True, pk=pk)
    return confirm_delete(request, allocation, actions.delete_allocation)


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def disbursement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_readable(Disbursement.objects.select_related("project"), request.user,
                           write=True, pk=pk)
    return confirm_delete(request, payment, actions.delete_disbursement)


def confirm_delete(request: HttpRequest, row: Any,
                   delete: Callable[[Any, Any], None]) -> HttpResponse:
    """Show the confirmation on GET; delete on POST unless the row changed since it was shown."""
    form = DeleteForm(posted(request), initial={"version": row.version})
    context = {"form": form, "row": row, "project": row.project,
               "cancel_url": detail_url(row.project_id)}
    if request.method != "POST":
        return render(request, "funds/confirm_delete.html", context)
    if not form.is_valid():
        return render(request, "funds/confirm_delete.html", context, status=400)
    try:
        delete_unless_changed(request.user, row, form.cleaned_data["version"], delete)
    except ConflictError as error:
        form.add_error(None, str(error))
        return render(request, "funds/confirm_delete.html", context, status=409)
    messages.success(request, _("Deleted."))
    return redirect(detail_url(row.project_id))


def delete_unless_changed(actor: Any, row: Any, expected_version: int,
                          delete: Callable[[Any, Any], None]) -> None:
    with transaction.atomic():
        current = type(row).objects.select_for_update().get(pk=row.pk)
        if current.version != expected_version:
            raise ConflictError(_(
                "“%(object)s” was changed by someone else after you opened it; reload the "
                "page and check it before deleting"
            ) % {"object": current})
        delete(actor, current)
