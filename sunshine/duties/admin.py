"""Read-only admin pages; every change goes through the duty actions and the staff pages."""

from django.contrib import admin

from sunshine.duties.models import Directive, Duty, PeriodLock, ProgressReport, Task
from sunshine.organisation.admin_scoping import ScopedReadOnlyAdmin


@admin.register(Directive)
class DirectiveAdmin(ScopedReadOnlyAdmin):
    list_display = ["document_number", "title", "issuer", "issued_on", "region"]
    search_fields = ["document_number", "title"]


@admin.register(Duty)
class DutyAdmin(ScopedReadOnlyAdmin):
    list_display = ["code", "name", "unit", "cycle", "deadline", "is_public"]
    list_filter = ["cycle", "is_public"]
    search_fields = ["code", "name"]


@admin.register(Task)
class TaskAdmin(ScopedReadOnlyAdmin):
    list_display = ["code", "name", "directive", "lead_unit", "deadline", "progress",
                    "completed_on"]
    search_fields = ["code", "name"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ScopedReadOnlyAdmin):
    list_display = ["task", "percent", "as_of", "status", "submitted_by", "decided_by"]
    list_filter = ["status"]


@admin.register(PeriodLock)
class PeriodLockAdmin(ScopedReadOnlyAdmin):
    list_display = ["county", "year", "quarter", "locked", "changed_by", "changed_at"]
