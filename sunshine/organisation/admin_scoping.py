"""The ModelAdmin mixin that keeps the Django admin inside each user's scope.

Django's model permissions decide which kinds of rows a staff user may
view or change; the scope from ``scoping.scope_for`` decides which rows.
Lists, the change and history views, deletions and autocomplete results
all read ``get_queryset``, and object permissions test the object against
the same queryset, so the two cannot disagree.

Saves and deletions are audited: governed rows (``AuditedModel``) go
through ``sunshine.audit.actions`` with the version the form was loaded
with, and other rows get an audit entry in the same transaction.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from sunshine.audit import chain
from sunshine.audit.actions import ConflictError, create_row, delete_row, update_row
from sunshine.audit.models import AuditedModel
from sunshine.organisation.scoping import scope_for


class VersionedAdminForm(forms.ModelForm):
    """A change form that remembers the row version it was loaded with."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.instance.pk is None:
            return data
        current = type(self.instance)._base_manager.filter(pk=self.instance.pk).values_list(
            "version", flat=True).first()
        if data.get("expected_version") != current:
            raise forms.ValidationError(
                _("“%(object)s” was changed by someone else after you opened it (your version "
                  "%(mine)s, current version %(theirs)s); reload the page and apply your edit "
                  "again"),
                code="conflict",
                params={"object": self.instance, "mine": data.get("expected_version"),
                        "theirs": current},
            )
        return data


class ScopedAdminMixin:
    """Filter every admin queryset and object permission through ``scope_for``.

    Models without ``scope_region`` must override ``scope_queryset``.
    Set ``whole_city_only`` for models that only users who see every region
    may open at all.
    """

    whole_city_only = False
    # Set when the scope lookup crosses a to-many relation and repeats rows.
    scope_distinct = False

    def scope_queryset(self, queryset: models.QuerySet, user: Any, *,
                       write: bool = False) -> models.QuerySet:
        scope = scope_for(user, write=write)
        if self.whole_city_only and not scope.everything:
            return queryset.none()
        queryset = scope.filter(queryset)
        return queryset.distinct() if self.scope_distinct else queryset

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return self.scope_queryset(queryset, request.user)

    def in_scope(self, request: HttpRequest, obj: models.Model | None, *,
                 write: bool = False) -> bool:
        scope = scope_for(request.user, write=write)
        if scope.empty or (self.whole_city_only and not scope.everything):
            return False
        if obj is None or obj.pk is None:
            return True
        rows = type(obj)._base_manager.filter(pk=obj.pk)
        return self.scope_queryset(rows, request.user, write=write).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        allowed = super().has_module_permission(request)  # type: ignore[misc]
        return allowed and self.in_scope(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (super().has_view_permission(request, obj)  # type: ignore[misc]
                and self.in_scope(request, obj))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return (super().has_add_permission(request, *args)  # type: ignore[misc]
                and self.in_scope(request, None, write=True))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (super().has_change_permission(request, obj)  # type: ignore[misc]
                and self.in_scope(request, obj, write=True))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (super().has_delete_permission(request, obj)  # type: ignore[misc]
                and self.in_scope(request, obj, write=True))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Offer only related rows the user may write to, when the related model is scoped."""
        related = db_field.related_model
        if "queryset" not in kwargs and hasattr(related, "scope_region"):
            kwargs["queryset"] = scope_for(request.user, write=True).filter(
                related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest,
                                 **kwargs: Any) -> Any:
        related = db_field.related_model
        if "queryset" not in kwargs and hasattr(related, "scope_region"):
            kwargs["queryset"] = scope_for(request.user, write=True).filter(
                related._default_manager.all())
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def changeform_view(self, request: HttpRequest, object_id: str | None = None,
                        form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """Turn a conflict found while saving into a message; the transaction has rolled back."""
        try:
            return super().changeform_view(  # type: ignore[misc]
                request, object_id, form_url, extra_context)
        except ConflictError as error:
            self.message_user(request, str(error), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if isinstance(obj, AuditedModel):
            self.save_audited(request.user, obj, form, change)
            return
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            chain.append(request.user, "update" if change else "create",
                         object_type=chain.object_type_of(type(obj)), object_id=str(obj.pk),
                         changes=self.audit_changes(obj, form))

    def save_audited(self, actor: Any, obj: AuditedModel, form: Any, change: bool) -> None:
        with transaction.atomic():
            if not change:
                create_row(actor, obj)
                return
            fields = {f.name for f in type(obj)._meta.concrete_fields}
            changes = {name: getattr(obj, name) for name in form.changed_data if name in fields}
            update_row(actor, obj, changes,
                       expected_version=form.cleaned_data.get("expected_version"))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if isinstance(obj, AuditedModel):
            with transaction.atomic():
                delete_row(request.user, obj)
            return
        with transaction.atomic():
            object_id = str(obj.pk)
            snapshot = self.audit_snapshot(obj)
            super().delete_model(request, obj)  # type: ignore[misc]
            chain.append(request.user, "delete", object_type=chain.object_type_of(type(obj)),
                         object_id=object_id, changes=snapshot)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def audit_changes(self, obj: models.Model, form: Any) -> dict[str, Any]:
        """Return the new values of the fields the form changed, as the audit log stores them."""
        names = {f.name: f for f in type(obj)._meta.concrete_fields}
        return {
            name: chain.canonical(getattr(obj, names[name].attname))
            for name in form.changed_data if name in names
        }

    def audit_snapshot(self, obj: models.Model) -> dict[str, Any]:
        return {f.attname: chain.canonical(getattr(obj, f.attname))
                for f in type(obj)._meta.concrete_fields}


class ReadOnlyAdminMixin:
    """An admin that shows rows and never adds, changes or deletes them.

    Without delete permission Django also drops the "delete selected" action.
    """

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedReadOnlyAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    pass
