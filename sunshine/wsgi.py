"""The WSGI application: Django's, behind the shortcut for reporters' repeated status reads."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunshine.settings")
django_application = get_wsgi_application()

from sunshine.petitions.status_reads import StatusReadApplication  # noqa: E402 - needs the apps loaded

application = StatusReadApplication(django_application)
