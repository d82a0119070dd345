"""The citizen's survey page at /surveys/<code>/: mobile-first, no login, no identity kept."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sunshine.assessment import actions
from sunshine.assessment.models import QuestionKind, Survey, SurveyQuestion
from sunshine.assessment.models.surveys import RATING_MAX, RATING_MIN
from sunshine.lib.client_address import client_ip
from sunshine.lib.local_time import clock_time
from sunshine.lib.text_input import TextField
from sunshine.petitions.views.access import AddressLimit, AddressLimited

# Counted per client address like citizen reports, so one client cannot flood a survey.
SURVEY_LIMIT = AddressLimit("survey", "assessment.survey_max_per_ip",
                            "assessment.survey_window_minutes")


def question_field(question: SurveyQuestion) -> forms.Field:
    label = f"{question.number}. {question.text}"
    if question.kind == QuestionKind.TEXT:
        return TextField(label=label, required=question.required, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    if question.kind == QuestionKind.RATING:
        choices = [(str(n), str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]
    else:
        choices = [(str(index), choice["label"]) for index, choice in
                   enumerate(question.choices)]
    return forms.ChoiceField(label=label, choices=choices, required=question.required,
                             widget=forms.RadioSelect)


class ResponseForm(forms.Form):
    mobile = TextField(
        label=gettext_lazy("Your mobile number"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=gettext_lazy("Used only to make sure each person answers once. The number is "
                               "not stored: only a keyed fingerprint of it is kept."))

    def __init__(self, questions: list[SurveyQuestion], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = question_field(question)

    def answers(self) -> dict[int, Any]:
        return {question.pk: self.cleaned_data.get(f"q{question.pk}")
                for question in self.questions}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, code: str) -> HttpResponse:
    survey = get_object_or_404(Survey.objects.select_related("template", "unit"), code=code)
    questions = list(survey.template.questions.all())
    form = ResponseForm(questions, request.POST if request.method == "POST" else None)
    context = {"survey": survey, "form": form, "is_open": survey.is_open()}
    if request.method != "POST":
        return render(request, "assessment/public_survey.html", context)
    if form.is_valid():
        address = client_ip(request)
        try:
            SURVEY_LIMIT.reserve(address, region=survey.unit.region)
        except AddressLimited as limited:
            context["error"] = _(
                "Too many answers were sent from your network: at most %(limit)s in %(minutes)s "
                "minutes. Try again after %(time)s.") % {
                "limit": limited.limit, "minutes": limited.minutes,
                "time": clock_time(limited.retry_at)}
            response = render(request, "assessment/public_survey.html", context, status=429)
            response["Retry-After"] = str(limited.retry_after_seconds())
            return response
        try:
            actions.submit_response(survey, mobile=form.cleaned_data["mobile"],
                                    answers=form.answers())
        except actions.DuplicateResponse as error:
            SURVEY_LIMIT.release(address)
            context["error"] = " ".join(error.messages)
            return render(request, "assessment/public_survey.html", context, status=409)
        except ValidationError as error:
            SURVEY_LIMIT.release(address)
            field = "mobile" if error.code == "invalid_mobile" else None
            form.add_error(field, error)
        else:
            return render(request, "assessment/public_thanks.html", {"survey": survey})
    context["error"] = _("The answers were not sent. Please correct the marked fields.")
    return render(request, "assessment/public_survey.html", context, status=400)
