"""Forms of the assessment pages. Each error names the value entered and how to fix it.

Unit and people choices are limited to what the user may see. The actions
check roles and scope again, so a forged choice is still rejected.
"""

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunshine.assessment.models import COMPONENTS, QuestionKind
from sunshine.assessment.quarters import parse_quarter
from sunshine.assessment.visibility import inspector_scope
from sunshine.duties.periods import Period
from sunshine.lib.form_fields import DayField
from sunshine.lib.text_input import TextField
from sunshine.organisation.models import Person, Region, Role, Unit, UnitKind
from sunshine.organisation.scoping import region_in_scope, scoped
from sunshine.petitions.forms import MultipleFileField

OPTION_SEPARATOR = ";"
PART_SEPARATOR = "|"


class QuarterField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("quarter"))
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", gettext_lazy("Written as 2026Q4."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Period | None:  # type: ignore[override]
        text = super().clean(value)
        return parse_quarter(text) if text else None


def set_choices(form: forms.Form, name: str, queryset: QuerySet) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


def assessed_units(user: Any) -> QuerySet:
    """Units in the user's read scope that can be assessed (not evaluators themselves)."""
    units = Unit.objects.exclude(kind=UnitKind.EVALUATOR).select_related("region")
    return scoped(units, user).order_by("region_id", "name")


def inspected_units(user: Any) -> QuerySet:
    units = Unit.objects.exclude(kind=UnitKind.EVALUATOR).select_related("region")
    if user.is_superuser:
        return units.order_by("region_id", "name")
    return inspector_scope(user).filter(units).order_by("region_id", "name")


def team_candidates(user: Any) -> QuerySet:
    """Inspectors and evaluators working in the regions the planner covers."""
    team = get_user_model().objects.filter(is_active=True, assignments__role__in=[Role.INSPECTOR,
                                                                        Role.EVALUATOR])
    if not user.is_superuser:
        condition = Q(pk__in=[])
        for path in inspector_scope(user).region_paths:
            condition |= Q(assignments__unit__region__path__startswith=path)
        team = team.filter(condition)
    return team.distinct().order_by("username")


class EvaluationForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("unit"), queryset=Unit.objects.none())
    quarter = QuarterField()
    score = TextField(label=gettext_lazy("score (0–100)"), max_length=10,
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    comments = TextField(label=gettext_lazy("comments"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", assessed_units(user))


class EvaluationEditForm(forms.Form):
    score = TextField(label=gettext_lazy("score (0–100)"), max_length=10)
    comments = TextField(label=gettext_lazy("comments"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class TeamForm(forms.Form):
    planned_on = DayField(label=gettext_lazy("planned date"))
    inspectors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("inspectors"), queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "inspectors", team_candidates(user))


class SpotCheckForm(TeamForm):
    title = TextField(label=gettext_lazy("title"), max_length=200)
    target_unit = forms.ModelChoiceField(label=gettext_lazy("target unit"),
                                         queryset=Unit.objects.none())
    field_order = ["title", "target_unit", "planned_on", "inspectors"]

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        set_choices(self, "target_unit", inspected_units(user))


class DrawForm(TeamForm):
    title = TextField(label=gettext_lazy("title"), max_length=200)
    candidates = forms.ModelMultipleChoiceField(
        label=gettext_lazy("candidate units"), queryset=Unit.objects.none(),
        help_text=gettext_lazy("The target is drawn from these units with a random seed that is "
                               "kept, so the draw can be verified later."))
    field_order = ["title", "candidates", "planned_on", "inspectors"]

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        set_choices(self, "candidates", inspected_units(user))


class PerformForm(forms.Form):
    performed_at = forms.DateTimeField(
        label=gettext_lazy("performed at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    location = TextField(label=gettext_lazy("location"), max_length=200, required=False)
    latitude = forms.DecimalField(label=gettext_lazy("latitude"), required=False,
                                  max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=gettext_lazy("longitude"), required=False,
                                   max_digits=9, decimal_places=6)
    findings = TextField(label=gettext_lazy("findings"),
                               widget=forms.Textarea(attrs={"rows": 6}))
    score = TextField(label=gettext_lazy("score (0–100)"), max_length=10)
    responsible_person = forms.ModelChoiceField(
        label=gettext_lazy("responsible person at the target"), queryset=Person.objects.none(),
        required=False)
    photos = MultipleFileField(label=gettext_lazy("photos"), required=False)

    def __init__(self, unit: Unit, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "responsible_person", Person.objects.filter(unit=unit))


class ReasonForm(forms.Form):
    reason = TextField(label=gettext_lazy("reason"),
                             widget=forms.Textarea(attrs={"rows": 3}))


class TemplateForm(forms.Form):
    name = TextField(label=gettext_lazy("name"), max_length=200)
    region = forms.ModelChoiceField(label=gettext_lazy("region"), queryset=Region.objects.none())
    introduction = TextField(label=gettext_lazy("introduction"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    questions = TextField(
        label=gettext_lazy("questions"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "One question a line: kind|question|options. Kinds: rating (1 to 5), choice "
            "(options as label=score;label=score with scores 0–100) and text. Example: "
            "choice|您对办事效率满意吗|满意=100;基本满意=60;不满意=0"))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "region", scoped(Region.objects.current(), user, write=True))

    def clean_questions(self) -> list[dict]:
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines()]
        return [parse_question(number, line)
                for number, line in enumerate([line for line in lines if line], start=1)]


def parse_question(number: int, line: str) -> dict:
    """Read one ``kind|question|options`` line; raise ValidationError naming the line."""
    kind, _bar, rest = line.partition(PART_SEPARATOR)
    text, _bar, options = rest.partition(PART_SEPARATOR)
    kind = kind.strip().lower()
    if kind not in QuestionKind.values or not text.strip():
        raise ValidationError(
            _("Line %(number)s “%(line)s” is not kind|question; start it with rating, choice "
              "or text, then | and the question") % {"number": number, "line": line},
            code="question_line")
    question = {"kind": kind, "text": text.strip(), "choices": [], "required": True}
    if kind == QuestionKind.CHOICE:
        question["choices"] = [parse_option(number, part)
                               for part in options.split(OPTION_SEPARATOR) if part.strip()]
    return question


def parse_option(number: int, text: str) -> dict:
    label, _equals, score = text.partition("=")
    if not label.strip() or not score.strip().isdigit() or int(score) > 100:
        raise ValidationError(
            _("Option “%(option)s” on line %(number)s is not label=score with a whole score "
              "from 0 to 100, such as 满意=100") % {"option": text.strip(), "number": number},
            code="question_option")
    return {"label": label.strip(), "score": int(score)}


class SurveyForm(forms.Form):
    template = forms.ModelChoiceField(label=gettext_lazy("survey template"),
                                      queryset=Unit.objects.none())
    unit = forms.ModelChoiceField(label=gettext_lazy("unit surveyed"),
                                  queryset=Unit.objects.none())
    quarter = QuarterField()
    opens_on = DayField(label=gettext_lazy("opens on"))
    closes_on = DayField(label=gettext_lazy("closes on"))

    def __init__(self, user: Any, templates: QuerySet, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "template", templates)
        set_choices(self, "unit", scoped(Unit.objects.exclude(kind=UnitKind.EVALUATOR), user,
                                         write=True).order_by("region_id", "name"))


class WeightsForm(forms.Form):
    region = forms.ModelChoiceField(
        label=gettext_lazy("region"), queryset=Region.objects.none(), required=False,
        help_text=gettext_lazy("Leave empty for every region without its own weights."))
    effective_from = DayField(label=gettext_lazy("effective from"))
    satisfaction = forms.DecimalField(label=gettext_lazy("citizen satisfaction (%)"),
                                      max_digits=5, decimal_places=2)
    execution = forms.DecimalField(label=gettext_lazy("execution rate (%)"), max_digits=5,
                                   decimal_places=2)
    evaluation = forms.DecimalField(label=gettext_lazy("third-party evaluation (%)"),
                                    max_digits=5, decimal_places=2)
    spot_check = forms.DecimalField(label=gettext_lazy("spot checks (%)"), max_digits=5,
                                    decimal_places=2)
    reason = TextField(label=gettext_lazy("reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "region", scoped(Region.objects.current(), user))
        self.user = user

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in COMPONENTS}


class ScoreFilterForm(forms.Form):
    region = TextField(label=gettext_lazy("region code"), max_length=12, required=False)
    period = QuarterField(required=False)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_region(self) -> Region | None:
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        return region_in_scope(self.user, code)
