"""Read-only, scoped admin pages; changes go through the assessment actions and staff pages.

Spot checks are filtered through ``visibility.visible_spot_checks`` as well
as the scope, so a planned check never shows to its target unit here either.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet

from sunshine.assessment.models import (
    AssessmentWeights,
    Deduction,
    Evaluation,
    SpotCheck,
    Survey,
    SurveyTemplate,
)
from sunshine.assessment.visibility import visible_spot_checks
from sunshine.organisation.admin_scoping import ScopedReadOnlyAdmin


@admin.register(Evaluation)
class EvaluationAdmin(ScopedReadOnlyAdmin):
    list_display = ["unit", "quarter", "score", "evaluator", "evaluated_at"]
    list_filter = ["quarter"]


@admin.register(Deduction)
class DeductionAdmin(ScopedReadOnlyAdmin):
    list_display = ["unit", "quarter", "points", "mean", "status", "recorded_at"]
    list_filter = ["quarter", "status"]


@admin.register(SpotCheck)
class SpotCheckAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "target_unit", "planned_on", "status", "rating", "performed_at"]
    list_filter = ["status", "rating"]
    search_fields = ["title"]

    def scope_queryset(self, queryset: QuerySet, user: Any, *, write: bool = False) -> QuerySet:
        return queryset.filter(pk__in=visible_spot_checks(user).values("pk"))


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(ScopedReadOnlyAdmin):
    list_display = ["name", "region"]


@admin.register(Survey)
class SurveyAdmin(ScopedReadOnlyAdmin):
    list_display = ["template", "unit", "quarter", "opens_on", "closes_on"]
    list_filter = ["quarter"]


@admin.register(AssessmentWeights)
class AssessmentWeightsAdmin(ScopedReadOnlyAdmin):
    list_display = ["region", "effective_from", "satisfaction", "execution", "evaluation",
                    "spot_check"]
