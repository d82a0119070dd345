"""The staff and admin login forms, which explain a lockout instead of a wrong password."""

from collections.abc import Mapping
from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from sunshine.organisation import lockout


class LockoutCheckMixin:
    """Reject a locked login with the time it ends, before the password is checked."""

    request: HttpRequest | None
    data: Mapping[str, Any]

    def clean(self):
        username = str(self.data.get("username", ""))
        try:
            lockout.check(self.request, username)
        except lockout.LoginLocked as locked:
            # Sent so the audit chain records the rejected attempt as a failed login.
            user_login_failed.send(sender=type(self), credentials={"username": username},
                                   request=self.request)
            raise ValidationError(str(locked.args[0]), code="locked") from locked
        return super().clean()  # type: ignore[misc]


class StaffAuthenticationForm(LockoutCheckMixin, AuthenticationForm):
    pass


class AdminLockoutAuthenticationForm(LockoutCheckMixin, AdminAuthenticationForm):
    pass


def with_lock_status(response: Any) -> Any:
    """Set status 429 on a login page whose form was rejected during a lock."""
    form = (getattr(response, "context_data", None) or {}).get("form")
    if form is not None and form.has_error("__all__", code="locked"):
        response.status_code = 429
    return response


def admin_login(login: Any) -> Any:
    """Wrap the admin site's login view so that a locked login gets status 429 there too."""
    def view(request: HttpRequest, extra_context: Any = None) -> Any:
        return with_lock_status(login(request, extra_context))
    return view


class StaffLoginView(LoginView):
    """The staff login page; a login rejected during a lock gets status 429."""

    authentication_form = StaffAuthenticationForm

    def form_invalid(self, form):
        return with_lock_status(super().form_invalid(form))
