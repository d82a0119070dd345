"""The language switch, which also stores a logged-in user's choice for notifications."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views import i18n

from sunshine.organisation import actions


def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the page language as Django's ``set_language`` does, and remember it for the user.

    Only a POST with one of ``settings.LANGUAGES`` is stored, because
    Django's view also changes nothing on a GET.
    """
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if (request.method == "POST" and request.user.is_authenticated
            and language in dict(settings.LANGUAGES)):
        actions.set_language(request.user, language)
    return response
