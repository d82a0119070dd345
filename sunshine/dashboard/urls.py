from django.urls import path, re_path

from sunshine.dashboard import execution, petitions, views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^region/(?P<code>[0-9]{6,12})/$", views.region_page, name="region"),
    path("petitions/", petitions.index, name="petitions"),
    re_path(r"^petitions/region/(?P<code>[0-9]{6,12})/$", petitions.region_page,
            name="petitions_region"),
    path("execution/", execution.index, name="execution"),
    re_path(r"^execution/region/(?P<code>[0-9]{6,12})/$", execution.region_page,
            name="execution_region"),
]
