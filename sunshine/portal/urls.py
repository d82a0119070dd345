from django.urls import path

from sunshine.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.search, name="search"),
    path("large-type/", views.large_type, name="large_type"),
    path("language/", views.language, name="language"),
    # A path converter, because codes stored before the character rule in
    # sunshine.funds.codes may contain "/". Links quote it (views.project_url).
    path("projects/<path:code>/", views.project, name="project"),
]
