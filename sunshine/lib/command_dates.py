"""The ``--today`` option of management commands, parsed with a message in the active language.

argparse's own message for a ``type=`` function that fails is English and
names the function ("invalid fromisoformat value"), so commands take the
option as text and parse it here.
"""

import datetime

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def parse_today(text: str | None) -> datetime.date | None:
    """Return the day of a ``--today`` value, or None without one; raise CommandError naming it."""
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(_("--today “%(value)s” is invalid; write it as YYYY-MM-DD")
                           % {"value": text}) from None
