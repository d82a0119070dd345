"""Supplier list, create and edit pages.

Suppliers are companies shared by every county (one credit code, one row),
so any staff user reads them and any user with a write scope edits them.
"""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sunshine.funds import actions
from sunshine.funds.forms import SupplierForm
from sunshine.funds.models import Supplier
from sunshine.funds.views.access import (
    create_or_form_error,
    posted,
    render_form,
    save_form,
    search_context,
    staff_only,
)

FORM_METHODS = ["GET", "HEAD", "POST"]


@require_safe
@staff_only()
def supplier_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    suppliers = Supplier.objects.all()
    if text:
        suppliers = suppliers.filter(
            Q(name__icontains=text) | Q(credit_code__iexact=text) | Q(identifier=text))
    context = search_context(request, suppliers, text)
    return render(request, "funds/supplier_list.html", context)


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def supplier_create(request: HttpRequest) -> HttpResponse:
    form = SupplierForm(posted(request))
    context = {"form": form, "title": _("New supplier"),
               "cancel_url": reverse("funds:supplier_list")}
    if request.method == "POST" and form.is_valid():
        supplier = create_or_form_error(
            form, lambda: actions.create_supplier(request.user, **form.changes()))
        if supplier is not None:
            return redirect("funds:supplier_list")
    return render_form(request, context)


@require_http_methods(FORM_METHODS)
@staff_only(write=True)
def supplier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supplier: Any = get_object_or_404(Supplier, pk=pk)
    names = [name for name in SupplierForm.base_fields if name != "version"]
    initial = {**{name: getattr(supplier, name) for name in names}, "version": supplier.version}
    form = SupplierForm(posted(request), supplier=supplier, initial=initial)
    context = {"form": form, "title": _("Edit supplier %(name)s") % {"name": supplier.name},
               "cancel_url": reverse("funds:supplier_list")}
    return save_form(
        request, form, context,
        lambda: actions.update_supplier(request.user, supplier, form.changes(),
                                        expected_version=form.expected_version),
        success_url=reverse("funds:supplier_list"),
        current=lambda: Supplier.objects.get(pk=pk),
    )
