"""Citizen satisfaction surveys: templates with questions, surveys of a unit, and responses.

A response never stores who gave it. ``respondent_hash`` is HMAC-SM3 of
the survey id and the respondent's normalised mobile number under
``SUNSHINE_HASH_KEY``; the unique constraint on it allows one response
per phone per survey, and the number itself is never written anywhere.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunshine.assessment.models.evaluations import QUARTER_LENGTH
from sunshine.assessment.models.tenths import MAX_TENTHS, from_tenths
from sunshine.audit.models import AuditedModel

RATING_MIN = 1
RATING_MAX = 5


class SurveyTemplate(AuditedModel):
    """A reusable questionnaire, owned by a region."""

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey("organisation.Region", models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    introduction = models.TextField(_("introduction"), blank=True)

    scope_region = "region"

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")

    def __str__(self) -> str:
        return self.name


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("single choice with scores")
    RATING = "rating", _("rating from 1 to 5")
    TEXT = "text", _("free text")


class SurveyQuestion(AuditedModel):
    """One question of a template.

    A choice question lists its options as ``[{"label": "满意", "score": 100}, …]``
    with scores from 0 to 100; a 1–5 rating counts as (rating − 1) × 25.
    Free text is kept but never scored.
    """

    template = models.ForeignKey(SurveyTemplate, models.CASCADE, related_name="questions",
                                 verbose_name=_("survey template"))
    number = models.PositiveSmallIntegerField(_("question number"))
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("answer required"), default=True)

    scope_region = "template__region"

    class Meta:
        ordering = ["template_id", "number"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"],
                                    name="survey_question_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def scored(self) -> bool:
        return self.kind in (QuestionKind.CHOICE, QuestionKind.RATING)


class Survey(AuditedModel):
    """A template put to the citizens served by one unit for one quarter, open between two dates.

    ``code`` is the unguessable part of the public address /surveys/<code>/.
    """

    template = models.ForeignKey(SurveyTemplate, models.PROTECT, related_name="surveys",
                                 verbose_name=_("survey template"))
    unit = models.ForeignKey("organisation.Unit", models.PROTECT, related_name="surveys",
                             verbose_name=_("unit surveyed"))
    quarter = models.CharField(_("quarter"), max_length=QUARTER_LENGTH)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    code = models.CharField(_("public code"), max_length=32, unique=True, editable=False)

    scope_region = "unit__region"
    scope_unit = "unit"

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")),
                                   name="survey_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} · {self.unit} · {self.quarter}"

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on <= today <= self.closes_on


class SurveyResponse(AuditedModel):
    """One anonymous response; ``score_tenths`` is its mean over the scored questions."""

    survey = models.ForeignKey(Survey, models.PROTECT, related_name="responses",
                               verbose_name=_("survey"))
    respondent_hash = models.CharField(max_length=64, editable=False)
    # A date, not a time, so the row cannot be matched to a visit in server logs.
    submitted_on = models.DateField(_("submitted on"))
    score_tenths = models.PositiveSmallIntegerField(_("satisfaction (tenths)"), null=True,
                                                    blank=True)

    scope_region = "survey__unit__region"
    scope_unit = "survey__unit"

    class Meta:
        ordering = ["survey_id", "id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_hash"],
                                    name="survey_one_response_per_respondent"),
            models.CheckConstraint(condition=Q(score_tenths__isnull=True)
                                   | Q(score_tenths__lte=MAX_TENTHS),
                                   name="survey_response_score_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} #{self.pk}"

    @property
    def score(self):
        return from_tenths(self.score_tenths)


class SurveyAnswer(AuditedModel):
    """The answer to one question: an option index, a 1–5 rating or text."""

    response = models.ForeignKey(SurveyResponse, models.CASCADE, related_name="answers",
                                 verbose_name=_("survey response"))
    question = models.ForeignKey(SurveyQuestion, models.PROTECT, related_name="answers",
                                 verbose_name=_("question"))
    choice_index = models.PositiveSmallIntegerField(_("option"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    scope_region = "response__survey__unit__region"
    scope_unit = "response__survey__unit"

    class Meta:
        ordering = ["response_id", "question_id"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"],
                                    name="survey_answer_unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.question_id}"
