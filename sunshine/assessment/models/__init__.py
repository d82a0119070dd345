from sunshine.assessment.models.evaluations import Deduction, DeductionStatus, Evaluation
from sunshine.assessment.models.spot_checks import (
    CheckStatus,
    Rating,
    SpotCheck,
    SpotCheckInspector,
    SpotCheckPhoto,
)
from sunshine.assessment.models.surveys import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from sunshine.assessment.models.weights import COMPONENTS, AssessmentWeights

__all__ = [
    "COMPONENTS", "AssessmentWeights", "CheckStatus", "Deduction", "DeductionStatus",
    "Evaluation", "QuestionKind", "Rating", "SpotCheck", "SpotCheckInspector", "SpotCheckPhoto",
    "Survey", "SurveyAnswer", "SurveyQuestion", "SurveyResponse", "SurveyTemplate",
]
