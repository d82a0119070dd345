"""Read-only admin of the merit models: every change goes through the merit actions.

Nobody, superusers included, adds, changes or deletes ledger entries here.
"""

from django.contrib import admin

from sunshine.merit.models import Appeal, Award, Exemption, PointEntry, PointRule, QuotaApproval
from sunshine.organisation.admin_scoping import ReadOnlyAdminMixin, ScopedReadOnlyAdmin


@admin.register(PointEntry)
class PointEntryAdmin(ScopedReadOnlyAdmin):
    list_display = ["id", "person", "rule_code", "kind", "points", "period", "occurred_on",
                    "cause_label"]
    list_filter = ["kind", "rule_code", "period"]
    search_fields = ["person__name", "cause_label"]


@admin.register(Exemption)
class ExemptionAdmin(ScopedReadOnlyAdmin):
    list_display = ["entry", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status"]


@admin.register(Appeal)
class AppealAdmin(ScopedReadOnlyAdmin):
    list_display = ["entry", "status", "filed_by", "filed_at", "decided_by"]
    list_filter = ["status"]


@admin.register(Award)
class AwardAdmin(ScopedReadOnlyAdmin):
    list_display = ["person", "status", "nominating_unit", "nominated_at", "decided_by"]
    list_filter = ["status"]


@admin.register(QuotaApproval)
class QuotaApprovalAdmin(ScopedReadOnlyAdmin):
    list_display = ["unit", "year", "document_number", "recorded_by"]


@admin.register(PointRule)
class PointRuleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rule versions apply to every county, so they are not scoped; new ones come from the action."""

    list_display = ["code", "name", "points", "cap", "trigger", "effective_from"]
    list_filter = ["code"]
