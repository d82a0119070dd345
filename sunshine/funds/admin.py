"""Admin pages: suppliers (edited through the funds actions) and read-only projects."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from sunshine.funds import actions
from sunshine.funds.models import Allocation, Disbursement, Project, Supplier
from sunshine.lib.identifiers import normalize_credit_code
from sunshine.organisation.admin_scoping import (
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
    ScopedModelAdmin,
    ScopedReadOnlyAdmin,
    VersionedAdminForm,
)
from sunshine.organisation.scoping import scope_for


class SupplierAdminForm(VersionedAdminForm):
    class Meta:
        model = Supplier
        fields = ["name", "credit_code", "scheme", "identifier", "legal_representative",
                  "address", "phone", "country"]

    def clean_credit_code(self) -> str | None:
        value = (self.cleaned_data.get("credit_code") or "").strip()
        return normalize_credit_code(value) if value else None


@admin.register(Supplier)
class SupplierAdmin(ScopedModelAdmin):
    """Suppliers are shared by all counties: any staff user with a scope reads them."""

    form = SupplierAdminForm
    list_display = ["name", "credit_code", "scheme", "identifier", "legal_representative"]
    search_fields = ["name", "credit_code", "identifier"]
    fields = ["name", "credit_code", "scheme", "identifier", "legal_representative", "address",
              "phone", "country", "expected_version"]

    def scope_queryset(self, queryset: QuerySet, user: Any, *, write: bool = False) -> QuerySet:
        return queryset.none() if scope_for(user, write=write).empty else queryset

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Payments, bids and contracts keep their supplier (PROTECT), and no
        # action deletes one.
        return False

    def save_model(self, request: HttpRequest, obj: Supplier, form: Any, change: bool) -> None:
        values = {name: getattr(obj, name) for name in SupplierAdminForm.Meta.fields}
        with transaction.atomic():
            if not change:
                created = actions.create_supplier(request.user, **values)
                obj.pk = created.pk
                return
            changes = {name: values[name] for name in form.changed_data if name in values}
            actions.update_supplier(request.user, obj, changes,
                                    expected_version=form.cleaned_data.get("expected_version"))


class ReadOnlyInline(ReadOnlyAdminMixin, ScopedAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class AllocationInline(ReadOnlyInline):
    model = Allocation
    fields = ["source", "approved_amount", "approved_on", "arrived_amount", "arrived_on",
              "document_no"]


class DisbursementInline(ReadOnlyInline):
    model = Disbursement
    fields = ["paid_on", "amount", "payee_name", "voucher_no", "purpose", "exceeds_arrived"]


@admin.register(Project)
class ProjectAdmin(ScopedReadOnlyAdmin):
    """Projects are changed on the staff pages, where the version check and totals live."""

    list_display = ["code", "name", "region", "status", "currency", "budget", "arrived_total",
                    "paid_total"]
    list_filter = ["status", "is_public", "source"]
    search_fields = ["code", "name", "region__name"]
    list_select_related = ["region"]
    inlines = [AllocationInline, DisbursementInline]
    exclude = ["audit_entry"]
