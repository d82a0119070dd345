from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "sunshine.petitions"
    verbose_name = _("Citizen reports and petitions")

    def ready(self) -> None:
        from sunshine.petitions import checks, signals  # noqa: F401
