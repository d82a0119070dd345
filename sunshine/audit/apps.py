from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "sunshine.audit"
    verbose_name = _("Audit chain")

    def ready(self) -> None:
        from sunshine.audit import signals  # noqa: F401
