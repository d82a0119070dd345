from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "sunshine.duties"
    verbose_name = _("Directives, duties and tasks")

    def ready(self) -> None:
        from sunshine.duties import checks  # noqa: F401
