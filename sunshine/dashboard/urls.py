from django.urls import path, re_path

from sunshine.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^region/(?P<code>[0-9]{6,12})/$", views.region_page, name="region"),
]
