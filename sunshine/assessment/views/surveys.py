"""Staff survey pages: templates, surveys with their public links, and results."""

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sunshine.assessment import actions
from sunshine.assessment.forms import SurveyForm, TemplateForm
from sunshine.assessment.models import QuestionKind, Survey, SurveyAnswer, SurveyTemplate
from sunshine.assessment.models.tenths import TENTH, round_score
from sunshine.assessment.views.common import (
    get_readable,
    paginate,
    posted,
    render_page,
    run_action,
    staff_only,
)
from sunshine.organisation.scoping import scoped


def visible_templates(user: Any):
    """Templates of the regions in the user's read scope."""
    templates = scoped(SurveyTemplate.objects.select_related("region"), user)
    return templates.order_by("name")


@require_safe
@staff_only()
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = (scoped(Survey.objects.select_related("template", "unit"), request.user)
               .annotate(responses_count=Count("responses")).order_by("-opens_on", "-pk"))
    context = {"page": paginate(request, surveys), "templates": visible_templates(request.user)}
    return render(request, "assessment/survey_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def template_create(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(form, lambda: actions.create_template(
            request.user, name=data["name"], region=data["region"],
            introduction=data["introduction"], questions=data["questions"]))
        if done is not None:
            return redirect("assessment:survey_list")
    context = {"form": form, "title": _("New survey template"),
               "cancel_url": reverse("assessment:survey_list")}
    return render_page(request, "assessment/form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_only(write=True)
def survey_create(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.user, visible_templates(request.user), posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        survey = run_action(form, lambda: actions.create_survey(
            request.user, template=data["template"], unit=data["unit"],
            quarter=data["quarter"].key, opens_on=data["opens_on"],
            closes_on=data["closes_on"]))
        if survey is not None:
            return redirect("assessment:survey_detail", pk=survey.pk)
    context = {"form": form, "title": _("New satisfaction survey"),
               "cancel_url": reverse("assessment:survey_list")}
    return render_page(request, "assessment/form.html", context)


@require_safe
@staff_only()
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey: Any = get_readable(Survey.objects.select_related("template", "unit"), request.user,
                               pk=pk)
    totals = survey.responses.aggregate(count=Count("pk"), mean=Avg("score_tenths"))
    mean = totals["mean"]
    context = {
        "survey": survey, "count": totals["count"],
        "mean": None if mean is None else round_score(Decimal(str(mean)) * TENTH),
        "questions": question_results(survey),
        "public_url": request.build_absolute_uri(reverse("assessment_public:survey",
                                                         args=[survey.code])),
    }
    return render(request, "assessment/survey_detail.html", context)


def question_results(survey: Survey) -> list[dict]:
    """Per question: option counts, the mean rating, or the latest texts."""
    results = []
    answers = SurveyAnswer.objects.filter(response__survey=survey)
    for question in survey.template.questions.all():
        mine = answers.filter(question=question)
        row: dict[str, Any] = {"question": question}
        if question.kind == QuestionKind.CHOICE:
            counts = dict(mine.values_list("choice_index").annotate(n=Count("pk")))
            row["options"] = [(choice["label"], choice["score"], counts.get(index, 0))
                              for index, choice in enumerate(question.choices)]
        elif question.kind == QuestionKind.RATING:
            row["mean_rating"] = mine.aggregate(mean=Avg("rating"))["mean"]
        else:
            row["texts"] = list(mine.order_by("-pk").values_list("text", flat=True)[:20])
        results.append(row)
    return results
