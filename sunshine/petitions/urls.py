"""Addresses of the report pages (/reports/), the staff pages (/staff/petitions/) and Open311."""

from django.urls import path, re_path

from sunshine.petitions import open311
from sunshine.petitions.views import listing, public, staff, staff_actions

app_name = "petitions"
urlpatterns = [
    path("reports/new/", public.report_new, name="report_new"),
    path("reports/track/", public.track, name="track"),
    path("reports/track/rate/", public.track_rate, name="track_rate"),
    path("reports/track/review/", public.track_review, name="track_review"),

    path("staff/petitions/", listing.petition_list, name="staff_list"),
    path("staff/petitions/export.csv", listing.petition_export, name="staff_export"),
    path("staff/petitions/new/", staff.petition_new, name="staff_new"),
    path("staff/petitions/<int:pk>/", staff.petition_detail, name="staff_detail"),
    path("staff/petitions/<int:pk>/reveal/", staff.petition_reveal, name="staff_reveal"),
    path("staff/petitions/<int:pk>/evidence/<int:evidence_pk>/", staff.evidence_download,
         name="staff_evidence"),
    path("staff/petitions/<int:pk>/<slug:action>/", staff_actions.petition_action,
         name="staff_action"),

    path("open311/v2/services.<str:fmt>", open311.services, name="open311_services"),
    path("open311/v2/services/<str:code>.<str:fmt>", open311.service_definition,
         name="open311_service"),
    path("open311/v2/requests.<str:fmt>", open311.requests, name="open311_requests"),
    re_path(r"^open311/v2/requests/(?P<request_id>[^/.]+)\.(?P<fmt>[a-z]+)$",
            open311.request_detail, name="open311_request"),
    # Any other address under /open311/ gets an Open311 error, not the HTML 404 page.
    re_path(r"^open311/(?P<path>.*)$", open311.not_found, name="open311_not_found"),
]
