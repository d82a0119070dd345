from django.urls import path

from sunshine.api.api import api

urlpatterns = [path("", api.urls)]
