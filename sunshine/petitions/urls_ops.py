"""Addresses under /supervision/: public supervision days, rewards and statistics; staff pages."""

from django.urls import path

from sunshine.petitions.views_ops import public, staff

app_name = "supervision"
urlpatterns = [
    path("", public.days_public, name="days"),
    path("days/<int:pk>/", public.day_public, name="day"),
    path("days/<int:pk>/registered/<str:reference>/", public.registered, name="registered"),
    path("rewards/", public.rewards_public, name="rewards"),
    path("rewards/consent/", public.consent_public, name="consent"),
    path("statistics/", public.statistics_public, name="statistics"),

    path("staff/", staff.staff_days, name="staff_days"),
    path("staff/days/new/", staff.staff_day_plan, name="staff_day_plan"),
    path("staff/days/<int:pk>/", staff.staff_day, name="staff_day"),
    path("staff/days/<int:pk>/edit/", staff.staff_day_edit, name="staff_day_edit"),
    path("staff/days/<int:pk>/cancel/", staff.staff_day_cancel, name="staff_day_cancel"),
    path("staff/days/<int:pk>/held/", staff.staff_day_held, name="staff_day_held"),
    path("staff/days/<int:pk>/registrants/", staff.staff_day_registrants,
         name="staff_day_registrants"),
    path("staff/days/<int:pk>/matters/new/", staff.staff_matter_new, name="staff_matter_new"),
    path("staff/rewards/", staff.staff_rewards, name="staff_rewards"),
    path("staff/rewards/<int:pk>/reverse/", staff.staff_reverse, name="staff_reverse"),
    path("staff/petitions/<int:pk>/verification/", staff.staff_verification,
         name="staff_verification"),
    path("staff/petitions/<int:pk>/consent/", staff.staff_consent, name="staff_consent"),
]
