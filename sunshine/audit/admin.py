"""Read-only admin of the audit log.

Entries are never added, changed or deleted here, not even by superusers:
the chain is written only by ``sunshine.audit.chain.append``.
"""

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest

from sunshine.audit.models import AuditEntry
from sunshine.organisation.admin_scoping import ScopedReadOnlyAdmin
from sunshine.organisation.scoping import scope_for
from sunshine.petitions import visibility
from sunshine.petitions.models import Petition

# Apps whose entries a county or township user may read. Entries of other
# apps can carry protected data (a petition's reporter, for one) and stay
# with the users who see every region.
SCOPED_APPS = ("organisation", "funds", "rules")


def scoped_entries(queryset: QuerySet, user: Any) -> QuerySet:
    """Keep entries about rows the user may read, and the user's own entries.

    An entry about a row that has since been deleted, about no row at all
    (a region load), or from an app outside ``SCOPED_APPS`` is shown only to
    users who see every region. Entries about a report that accuses the
    user, or about its steps, replies and files, are never shown to them.
    """
    queryset = queryset.exclude(entries_about_reports_accusing(user))
    scope = scope_for(user)
    if scope.everything:
        return queryset
    if scope.empty:
        return queryset.none()
    condition = Q(actor_id=user.pk)
    for app_label in SCOPED_APPS:
        condition |= entries_about(apps.get_app_config(app_label).get_models(), scope)
    return queryset.filter(condition)


def entries_about_reports_accusing(user: Any) -> Q:
    """Match entries about the reports that accuse the user and about the rows that belong to them."""
    reports = visibility.accusing(user)
    condition = Q(object_type=Petition._meta.label_lower, object_id__in=as_text_ids(reports))
    for model in apps.get_app_config("petitions").get_models():
        field = next((f for f in model._meta.fields
                      if f.name == "petition" and f.related_model is Petition), None)
        if field is not None:
            rows = model._base_manager.filter(petition__in=reports)
            condition |= Q(object_type=model._meta.label_lower, object_id__in=as_text_ids(rows))
    return condition


def as_text_ids(queryset: QuerySet) -> QuerySet:
    """Return the primary keys of the rows as text, as audit entries store them."""
    return queryset.annotate(audited_object_id=Cast("pk", CharField())).values("audited_object_id")


def entries_about(models: Any, scope: Any) -> Q:
    """Match entries whose object is a row of ``models`` inside ``scope``."""
    condition = Q(pk__in=[])
    for model in models:
        if not hasattr(model, "scope_region"):
            continue
        ids = as_text_ids(scope.filter(model._base_manager.all()))
        condition |= Q(object_type=model._meta.label_lower, object_id__in=ids)
    return condition


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label"]
    date_hierarchy = "at"
    fields = readonly_fields = (
        "id", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "changes",
        "row_count", "row_digest", "superseded", "prev_hash", "chain_hash",
    )

    def scope_queryset(self, queryset: QuerySet, user: Any, *, write: bool = False) -> QuerySet:
        if write:
            return queryset.none()
        return scoped_entries(queryset, user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
