"""The product's URLs plus ``/bench/minimal/``, the baseline of the HTTP benchmark.

The minimal view does no database or template work, so its throughput is
what the server, Django's request cycle and the stock middleware cost alone.
"""

from django.http import JsonResponse
from django.urls import include, path


def minimal(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/minimal/", minimal, name="bench-minimal"),
    path("", include("sunshine.urls")),
]
