from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "sunshine.rules"
    verbose_name = _("Thresholds and deadlines")

    def ready(self) -> None:
        from sunshine.rules import signals  # noqa: F401
