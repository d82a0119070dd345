"""Access checks for the petition staff pages and the per-address limit on new reports."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from sunshine.lib import crypto
from sunshine.organisation.models import Assignment
from sunshine.organisation.scoping import scope_for
from sunshine.petitions import visibility
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

INTAKE_MAX = "petitions.intake_max_per_ip"
INTAKE_WINDOW = "petitions.intake_window_minutes"


def staff_only(view: Callable) -> Callable:
    """Let through users with a role in some unit; anonymous users go to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if scope_for(request.user).empty:
            raise PermissionDenied(_("Your account has no role in any unit; ask an "
                                     "administrator to assign one."))
        return view(request, *args, **kwargs)

    return wrapper


def may_register(user: Any) -> bool:
    """Return whether the user may enter petitions: superusers and every handling role."""
    if user.is_superuser:
        return True
    return Assignment.objects.filter(user=user, role__in=visibility.HANDLING_ROLES).exists()


class IntakeLimited(Exception):
    """Raised when one client address has sent the most reports allowed in the window."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        super().__init__(_(
            "Too many reports were sent from your network in the last %(minutes)s minutes. "
            "Wait and send it again later, or call the petition office."
        ) % {"minutes": minutes})


def _intake_key(address: str) -> str:
    # A keyed hash keeps client addresses out of the cache's key space.
    return f"petitions:intake:ip:{crypto.keyed_hash(address)[:32]}"


def check_intake_limit(address: str) -> None:
    """Raise IntakeLimited when the address has reached the limit of the current window."""
    if int(cache.get(_intake_key(address), 0)) >= get_setting(INTAKE_MAX):
        logger.warning("report rejected by the intake limit: address key %s",
                       _intake_key(address)[-12:])
        raise IntakeLimited(get_setting(INTAKE_WINDOW))


def count_intake(address: str) -> None:
    """Count one accepted report from the address in the current window."""
    key, timeout = _intake_key(address), get_setting(INTAKE_WINDOW) * 60
    cache.add(key, 0, timeout)
    try:
        cache.incr(key)
    except ValueError:
        # The counter expired between add and incr; start it again.
        cache.set(key, 1, timeout)
