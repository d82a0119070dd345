"""DingTalk robots in the admin, for superusers; credentials are write-only and shown masked."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sunshine.audit.actions import ConflictError
from sunshine.notify.models import DingTalkRobot
from sunshine.notify.robots import save_robot


def mask(text: str, keep: int = 4) -> str:
    return f"{text[:keep]}…{text[-keep:]}" if len(text) > 2 * keep else "…"


class RobotForm(forms.ModelForm):
    webhook = forms.URLField(
        label=_("webhook address"), required=False, assume_scheme="https",
        help_text=_("The robot's address from DingTalk, with access_token=…; leave empty to "
                    "keep the stored one."),
    )
    secret = forms.CharField(
        label=_("signing secret"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("The secret starting with SEC from the robot's security settings; leave "
                    "empty to keep the stored one."),
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DingTalkRobot
        fields = ["name", "unit", "region", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version if self.instance.pk else None
        if self.instance.pk is None:
            self.fields["webhook"].required = True
            self.fields["secret"].required = True

    def clean_webhook(self) -> str:
        value = self.cleaned_data["webhook"]
        if value and "access_token" not in parse_qs(urlsplit(value).query):
            raise forms.ValidationError(
                _("The webhook address “%(value)s” has no access_token; copy the whole address "
                  "from the robot's settings in DingTalk.") % {"value": mask(value, 24)})
        return value

    def clean_secret(self) -> str:
        value = self.cleaned_data["secret"]
        if value and not value.startswith("SEC"):
            raise forms.ValidationError(
                _("The signing secret must start with SEC; copy it from the robot's security "
                  "settings (sign requests)."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("unit")) == bool(data.get("region")):
            raise forms.ValidationError(
                _("Choose either a unit or a region for the robot, not both and not neither."))
        return data


class DingTalkRobotAdmin(admin.ModelAdmin):
    form = RobotForm
    list_display = ["name", "unit", "region", "is_active", "masked_webhook", "masked_secret"]
    list_filter = ["is_active"]
    readonly_fields = ["masked_webhook", "masked_secret"]

    @admin.display(description=_("webhook address"))
    def masked_webhook(self, robot: DingTalkRobot) -> str:
        if not robot.webhook_encrypted:
            return "—"
        parts = urlsplit(robot.webhook())
        token = parse_qs(parts.query).get("access_token", [""])[0]
        return f"{parts.scheme}://{parts.netloc}{parts.path}?access_token={mask(token)}"

    @admin.display(description=_("signing secret"))
    def masked_secret(self, robot: DingTalkRobot) -> str:
        return mask(robot.secret()) if robot.secret_encrypted else "—"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # Deactivate instead, so the audit chain keeps the row.

    def save_model(self, request: HttpRequest, obj: DingTalkRobot, form: Any,
                   change: bool) -> None:
        data = form.cleaned_data
        try:
            save_robot(request.user, obj, webhook=data.get("webhook") or None,
                       secret=data.get("secret") or None,
                       expected_version=data.get("loaded_version") if change else None)
        except ConflictError as error:
            messages.error(request, str(error))
