"""Admin pages: petitions read-only through ``visible_petitions``; settings tables audited.

Petitions change only through the workflow actions, so their admin pages
show rows and never save them. The reporter's identity is not among the
fields: it is revealed only through ``visibility.reveal_reporter``.
"""

from django.contrib import admin
from django.db import transaction

from sunshine.audit.actions import create_row, delete_row, update_row
from sunshine.organisation.admin_scoping import VersionedAdminForm
from sunshine.petitions.models import Category, Petition, PetitionEvent, Reply, WorkdayOverride
from sunshine.petitions.visibility import is_firewalled, visible_petitions


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes through the audited row actions, so ``verify_audit`` stays clean.

    A change made by someone else after the page was opened is reported as a
    conflict instead of being overwritten.
    """

    form = VersionedAdminForm

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if not change:
                create_row(request.user, obj)
                return
            changes = {name: form.cleaned_data[name] for name in form.changed_data
                       if name != "expected_version"}
            update_row(request.user, obj, changes,
                       expected_version=form.cleaned_data.get("expected_version"))

    def delete_model(self, request, obj):
        with transaction.atomic():
            delete_row(request.user, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                delete_row(request.user, obj)


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "default_kind", "is_public", "is_active", "route_unit_kind",
                    "route_level"]
    list_filter = ["default_kind", "is_public", "is_active"]
    search_fields = ["code", "name"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(AuditedAdmin):
    list_display = ["date", "is_workday", "name", "source"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = PetitionEvent
    fields = ("at", "action", "actor", "by_reporter", "from_state", "to_state", "unit", "reason",
              "deadlines", "is_public")
    readonly_fields = fields


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = ("stage", "delivered_on", "outcome", "text", "rating", "rated_at")
    readonly_fields = fields


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["tracking_code", "kind", "category", "region", "state", "assigned_unit",
                    "due_on", "warning_on", "received_on"]
    list_filter = ["kind", "state", "channel"]
    search_fields = ["tracking_code"]
    exclude = ["reporter_name_encrypted", "reporter_phone_encrypted", "reporter_phone_hash",
               "secret_hash"]
    inlines = [EventInline, ReplyInline]

    def get_queryset(self, request):
        return visible_petitions(request.user).select_related(
            "category", "region", "assigned_unit"
        )

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Petition._meta.fields if f.name not in self.exclude]

    def has_view_permission(self, request, obj=None):
        if obj is not None and is_firewalled(request.user, obj):
            return False
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
