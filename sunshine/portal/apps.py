from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "sunshine.portal"
    verbose_name = _("Sunshine portal")

    def ready(self) -> None:
        from sunshine.audit.chain import entry_appended
        from sunshine.portal.signals import forget_public_pages

        entry_appended.connect(forget_public_pages, dispatch_uid="portal.forget_public_pages")
