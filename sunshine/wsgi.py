"""The WSGI application: Django's, behind the shortcuts for reporters' receipts and status reads."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunshine.settings")
django_application = get_wsgi_application()

from sunshine.petitions.deferred_intake import ReceiptApplication  # noqa: E402 - needs the apps
from sunshine.petitions.status_reads import StatusReadApplication  # noqa: E402

application = StatusReadApplication(ReceiptApplication(django_application))
