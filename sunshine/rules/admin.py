"""Admin pages for versioned settings.

The admin never edits or deletes a setting in place. A new value is a new
version from a date on, so the value that applied to a past decision stays
on record. A wrong value is corrected by a newer version, also of the same
date, and the list shows which version is in force today. A version entered
here takes effect no earlier than today, so decisions already taken keep the
values they were based on.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunshine.organisation.admin_scoping import ScopedModelAdmin
from sunshine.organisation.models import Level
from sunshine.organisation.scoping import scope_for
from sunshine.rules.defaults import DEFAULTS
from sunshine.rules.models import Setting
from sunshine.rules.values import version_ids_in_force

# A version entered in the admin may take effect until 31 December of the year this many
# years after the current one. Rules that change a deadline or threshold are published
# months ahead, so a date further off is most likely a typing error such as 9999 for 2026.
SETTING_MAX_YEARS_AHEAD = 3


def key_choices() -> list[tuple[str, str]]:
    return [(key, f"{key}: {default.description}") for key, default in sorted(DEFAULTS.items())]


def coerce_value(key: str, value: Any) -> Any:
    """Return ``value`` in the JSON form ``get_setting`` converts back to the default's type.

    Raises ValidationError naming the value and the type the key expects.
    """
    default = DEFAULTS[key].value
    if isinstance(default, bool) or not isinstance(default, int | Decimal):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise forms.ValidationError(
            _("Value “%(value)s” is not a number; %(key)s takes a number such as %(example)s"),
            code="invalid", params={"value": value, "key": key, "example": default},
        )
    if isinstance(default, int):
        if number != number.to_integral_value():
            raise forms.ValidationError(
                _("Value “%(value)s” is not a whole number; %(key)s takes a whole number such "
                  "as %(example)s"),
                code="invalid", params={"value": value, "key": key, "example": default},
            )
        return int(number)
    return str(number)


class SettingForm(forms.ModelForm):
    key = forms.ChoiceField(label=gettext_lazy("key"), choices=key_choices)

    class Meta:
        model = Setting
        fields = ["key", "county", "value", "effective_from", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.user = kwargs.pop("user", None)
        super().__init__(*args, **kwargs)

    def clean_effective_from(self) -> datetime.date:
        """Reject a date before today, which would change past decisions, or years ahead."""
        day = self.cleaned_data["effective_from"]
        first = timezone.localdate()
        last = datetime.date(first.year + SETTING_MAX_YEARS_AHEAD, 12, 31)
        params = {"date": day, "first": first, "last": last}
        if day < first:
            raise forms.ValidationError(
                _("Effective date %(date)s is in the past; enter a date from %(first)s (today) to "
                  "%(last)s, because a new version must not change decisions already taken"),
                code="effective_from_past", params=params)
        if day > last:
            raise forms.ValidationError(
                _("Effective date %(date)s is too far ahead; enter a date from %(first)s (today) "
                  "to %(last)s, and add a version for a later date once it is closer"),
                code="effective_from_far", params=params)
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        key = data.get("key")
        if key in DEFAULTS and "value" in data:
            try:
                data["value"] = coerce_value(key, data["value"])
                DEFAULTS[key].check.validate(key, data["value"])
            except forms.ValidationError as error:
                self.add_error("value", error)
        if data.get("county") is None and not scope_for(self.user, write=True).everything:
            self.add_error("county", forms.ValidationError(
                _("A value for every county can be set only by a city administrator; "
                  "choose your county"),
                code="county_required",
            ))
        return data


@admin.register(Setting)
class SettingAdmin(ScopedModelAdmin):
    form = SettingForm
    list_display = ["key", "county", "value", "effective_from", "source", "author"]
    list_filter = ["key"]
    search_fields = ["key", "source"]
    date_hierarchy = "effective_from"

    def get_list_display(self, request: HttpRequest) -> Any:
        """Add the status of each version today, computed once for the page."""
        today = timezone.localdate()
        in_force = version_ids_in_force(today)

        @admin.display(description=gettext_lazy("status today"))
        def status(setting: Setting) -> str:
            if setting.pk in in_force:
                return _("in force")
            if setting.effective_from > today:
                return _("not yet in force")
            return _("replaced by a newer version")

        return [*self.list_display, status]

    # The model field has no verbose name, so its column would be headed "Created by" in
    # every language.
    @admin.display(description=gettext_lazy("created by"), ordering="created_by__username")
    def author(self, obj: Setting) -> Any:
        return obj.created_by or "-"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class BoundSettingForm(form_class):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, user=request.user, **inner)

        return BoundSettingForm

    def scope_queryset(self, queryset: QuerySet, user: Any, *, write: bool = False) -> QuerySet:
        """Show the user's counties' versions and, for reading, the all-county versions."""
        scope = scope_for(user, write=write)
        if scope.everything:
            return queryset
        if scope.empty:
            return queryset.none()
        mine = scope.filter(queryset)
        if write:
            return mine
        return queryset.filter(Q(pk__in=mine.values("pk")) | Q(county__isnull=True))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "county":
            field.queryset = field.queryset.filter(level=Level.COUNTY)
        return field

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Setting, form: Any, change: bool) -> None:
        obj.created_by = cast(Any, request.user)
        super().save_model(request, obj, form, change)
