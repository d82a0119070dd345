from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MeritConfig(AppConfig):
    name = "sunshine.merit"
    verbose_name = _("Merit points")

    def ready(self) -> None:
        from sunshine.merit import signals  # noqa: F401
        from sunshine.merit.seed import seed_rules

        post_migrate.connect(seed_rules, sender=self, dispatch_uid="merit_seed_rules")
