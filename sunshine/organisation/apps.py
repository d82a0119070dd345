from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "sunshine.organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.contrib import admin

        from sunshine import checks  # noqa: F401
        from sunshine.organisation import lockout, signals  # noqa: F401
        from sunshine.organisation.login_views import AdminLockoutAuthenticationForm, admin_login

        admin.site.login_form = AdminLockoutAuthenticationForm
        admin.site.login = admin_login(admin.site.login)  # type: ignore[method-assign]
