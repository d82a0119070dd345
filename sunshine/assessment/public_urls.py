from django.urls import path

from sunshine.assessment.views import public

app_name = "assessment_public"
urlpatterns = [
    path("<str:code>/", public.survey, name="survey"),
]
