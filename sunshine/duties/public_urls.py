from django.urls import path

from sunshine.duties.views import public

app_name = "duties_public"
urlpatterns = [
    path("", public.public_duties, name="list"),
]
