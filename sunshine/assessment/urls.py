from django.urls import path

from sunshine.assessment.views import evaluations, scores, spot_checks, surveys

app_name = "assessment"
urlpatterns = [
    path("", scores.score_list, name="score_list"),
    path("units/<int:pk>/", scores.unit_score, name="unit_score"),
    path("weights/", scores.weights_list, name="weights_list"),
    path("weights/new/", scores.weights_create, name="weights_create"),
    path("evaluations/", evaluations.evaluation_list, name="evaluation_list"),
    path("evaluations/new/", evaluations.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/edit/", evaluations.evaluation_edit, name="evaluation_edit"),
    path("deductions/", evaluations.deduction_list, name="deduction_list"),
    path("deductions/apply/", evaluations.deduction_apply, name="deduction_apply"),
    path("spot-checks/", spot_checks.spot_check_list, name="spot_check_list"),
    path("spot-checks/new/", spot_checks.spot_check_create, name="spot_check_create"),
    path("spot-checks/draw/", spot_checks.spot_check_draw, name="spot_check_draw"),
    path("spot-checks/<int:pk>/", spot_checks.spot_check_detail, name="spot_check_detail"),
    path("spot-checks/<int:pk>/perform/", spot_checks.spot_check_perform,
         name="spot_check_perform"),
    path("spot-checks/<int:pk>/cancel/", spot_checks.spot_check_cancel, name="spot_check_cancel"),
    path("spot-checks/<int:pk>/photos/<int:photo_pk>/", spot_checks.photo_download,
         name="photo_download"),
    path("tasks/<int:task_pk>/follow-up/", spot_checks.follow_up_create, name="follow_up_create"),
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/new/", surveys.survey_create, name="survey_create"),
    path("surveys/templates/new/", surveys.template_create, name="template_create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
]
