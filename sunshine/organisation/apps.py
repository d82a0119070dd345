from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "sunshine.organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from sunshine import checks  # noqa: F401
