"""The outbox in the admin, read-only, and the DingTalk robots, for superusers."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from sunshine.assessment.models import SpotCheck
from sunshine.assessment.visibility import visible_spot_checks
from sunshine.notify.admin_robots import DingTalkRobotAdmin
from sunshine.notify.models import DingTalkRobot, Notification
from sunshine.petitions import visibility


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "channel", "subject", "status", "attempts", "created_at",
                    "sent_at", "read_at"]
    list_filter = ["channel", "status"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """Leave out messages about reports that accuse the user and about spot checks kept
        secret from the user, as every page of those does."""
        queryset = super().get_queryset(request)
        hidden = Q()
        for pk, code in visibility.accusing(request.user).values_list("pk", "tracking_code"):
            hidden |= Q(key__startswith=f"petition:{pk}:") | Q(key__startswith=f"petition:{code}:")
        secret_checks = SpotCheck.objects.exclude(
            pk__in=visible_spot_checks(request.user).values("pk")).values_list("pk", flat=True)
        for pk in secret_checks:
            hidden |= Q(key__startswith=f"assessment.spot_check.{pk}.")
        return queryset.exclude(hidden) if hidden else queryset

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
