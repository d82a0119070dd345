from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from sunshine.organisation.language_views import set_language
from sunshine.organisation.login_views import StaffLoginView

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("sunshine.api.urls")),
    path("admin/", admin.site.urls),
    path("accounts/login/", StaffLoginView.as_view(), name="login"),
    # Only login and logout: the product has no self-service password reset or change,
    # and Django's pages for them wear the admin's look.
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("staff/", include("sunshine.funds.urls")),
    path("dashboard/", include("sunshine.dashboard.urls")),
    path("staff/duties/", include("sunshine.duties.urls")),
    path("staff/merit/", include("sunshine.merit.urls")),
    path("staff/assessment/", include("sunshine.assessment.urls")),
    path("surveys/", include("sunshine.assessment.public_urls")),
    path("duties/", include("sunshine.duties.public_urls")),
    path("inbox/", include("sunshine.notify.urls")),
    path("supervision/", include("sunshine.petitions.urls_ops")),
    path("", include("sunshine.petitions.urls")),
    path("", include("sunshine.portal.urls")),
]

# An oversized form body gets a 413 page instead of Django's bare 400.
handler400 = "sunshine.lib.too_large.bad_request"
