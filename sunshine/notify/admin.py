"""The outbox in the admin, read-only, and the DingTalk robots, for superusers."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sunshine.notify.admin_robots import DingTalkRobotAdmin
from sunshine.notify.models import DingTalkRobot, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "channel", "subject", "status", "attempts", "created_at",
                    "sent_at", "read_at"]
    list_filter = ["channel", "status"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(DingTalkRobot, DingTalkRobotAdmin)
