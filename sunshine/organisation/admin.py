"""Admin pages for regions, units, people, role assignments, API tokens and users.

Every page is scoped through ``ScopedAdminMixin``; writes are audited.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sunshine.audit import chain
from sunshine.lib.identifiers import normalize_id_number
from sunshine.organisation import actions
from sunshine.organisation.admin_scoping import ScopedModelAdmin
from sunshine.organisation.models import ApiToken, Assignment, Person, Region, Unit
from sunshine.organisation.scoping import scope_for

User = get_user_model()


@admin.register(Region)
class RegionAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_statutory", "effective_to"]
    list_filter = ["level", "is_statutory"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "level", "parent", "is_statutory", "effective_from",
              "effective_to", "former_codes"]
    readonly_fields = ["code", "level", "parent"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Regions come from the statistical division tables (`sunshine load_regions`).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ScopedModelAdmin):
    list_display = ["name", "kind", "region", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region", "parent"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Moving a unit would leave the stored paths of its subtree stale.
        return ["region", "parent"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = actions.create_unit(request.user, name=obj.name, kind=obj.kind,
                                      region=obj.region, parent=obj.parent)
        obj.pk, obj.path = created.pk, created.path


class PersonAdminForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("ID number"), required=False, max_length=30,
        help_text=_("Leave empty to keep the stored number. Stored encrypted and shown masked."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Person
        fields = ["name", "unit", "post", "phone", "zzd_account_id", "user"]

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number", "").strip()
        return normalize_id_number(value) if value else ""


@admin.register(Person)
class PersonAdmin(ScopedModelAdmin):
    form = PersonAdminForm
    list_display = ["name", "unit", "post", "masked_phone", "id_number_masked"]
    search_fields = ["name", "unit__name", "post"]
    autocomplete_fields = ["unit"]
    fields = ["name", "unit", "post", "phone", "zzd_account_id", "id_number", "id_number_masked",
              "user"]
    readonly_fields = ["id_number_masked"]

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        number = form.cleaned_data.get("id_number", "")
        if not change:
            created = actions.create_person(request.user, name=obj.name, unit=obj.unit,
                                            post=obj.post, phone=obj.phone,
                                            zzd_account_id=obj.zzd_account_id, id_number=number,
                                            user=obj.user)
            obj.pk = created.pk
            return
        if number:
            obj.set_id_number(number)
        super().save_model(request, obj, form, change)

    def audit_changes(self, obj: Any, form: Any) -> dict[str, Any]:
        changes = super().audit_changes(obj, form)
        if form.cleaned_data.get("id_number"):
            changes["id_number"] = obj.id_number_masked
        return changes

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = users_in_scope(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def users_in_scope(user: Any) -> Any:
    """Return accounts without a role, or with a role inside the user's write scope."""
    scope = scope_for(user, write=True)
    if scope.everything:
        return User.objects.all()
    assignments = scope.filter(Assignment.objects.all()).values("user_id")
    return User.objects.filter(Q(pk__in=assignments) | Q(assignments__isnull=True)).distinct()


@admin.register(Assignment)
class AssignmentAdmin(ScopedModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["unit"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = users_in_scope(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedModelAdmin):
    """Tokens are issued with `sunshine create_token`, which shows the secret once.

    The admin lists them and revokes them by deletion.
    """

    scope_distinct = True
    list_display = ["prefix", "user", "created_at", "last_used_at"]
    search_fields = ["prefix", "user__username"]
    fields = readonly_fields = ("prefix", "user", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def audit_snapshot(self, obj: Any) -> dict[str, Any]:
        # The log records which token was revoked; the digest adds nothing to that.
        return {"prefix": obj.prefix, "user": obj.user_id}


class ScopedUserAdmin(ScopedModelAdmin, UserAdmin):
    """User accounts are not tied to a region, so only whole-city users manage them.

    NOTE: the separate password form (user_change_password) saves without
    an audit entry; only saves through the change form are audited.
    """

    whole_city_only = True

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            admin.ModelAdmin.save_model(self, request, obj, form, change)
            changed = [name for name in form.changed_data if "password" not in name]
            chain.append(request.user, "update" if change else "create", object_type="auth.user",
                         object_id=str(obj.pk), changes={
                             "fields": changed,
                             "password_changed": any("password" in n for n in form.changed_data),
                         })


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, ScopedUserAdmin)
