"""Forms of the duty pages. Each field error names the value entered and how to fix it.

Choices of regions, units, people and duties are limited to the user's
write scope; edit forms carry the row ``version`` the action compares.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sunshine.duties import formats
from sunshine.duties.models import Cycle, Directive, Duty, Task, TaskStatus
from sunshine.duties.periods import Period, parse_period
from sunshine.funds.forms import (
    DayField,
    EditForm,
    PercentField,
    ScopedChoiceField,
    label,
    limit_choices,
    regions_in_scope,
    units_in_scope,
)
from sunshine.lib.cells import CellError
from sunshine.lib.record_ids import RecordIdField
from sunshine.lib.text_input import TextField
from sunshine.organisation.models import Person, Region, Unit
from sunshine.organisation.scoping import scoped

STEP_SEPARATOR = "|"
YES = "是"


class WeightField(forms.CharField):
    """A share in percent above 0 and at most 100, with up to two decimals."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            weight = formats.parse_percent(text)
        except CellError as error:
            raise ValidationError(str(error), code="invalid") from None
        if not Decimal("0") < weight <= Decimal("100"):
            raise ValidationError(
                _("Weight “%(value)s” is outside 0–100; enter a share above 0 and at most 100")
                % {"value": text}, code="weight_range")
        return weight


class TextListField(forms.CharField):
    """Free text that ``parse`` turns into a list, with the parser's message as the error."""

    def __init__(self, *, parse: Any, **kwargs: Any) -> None:
        self.parse = parse
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list:  # type: ignore[override]
        text = super().clean(value)
        try:
            return self.parse(text)
        except CellError as error:
            raise ValidationError(str(error), code="invalid") from None


def parse_steps(text: str) -> list[dict[str, Any]]:
    """Read one step per line: name | time limit in days | required evidence | 是 if public."""
    steps = []
    for number, line in enumerate((line for line in (text or "").splitlines() if line.strip()),
                                  start=1):
        parts = [part.strip() for part in line.split(STEP_SEPARATOR)] + ["", "", ""]
        name, days, evidence, public = parts[:4]
        if not name:
            raise CellError(_("Line “%(value)s” has no step name; write the name first")
                            % {"value": line})
        if days and not days.isdigit():
            raise CellError(_("“%(value)s” is not a number of days; write a whole number or "
                              "leave it empty") % {"value": days})
        steps.append({"number": number, "name": name,
                      "time_limit_days": int(days) if days else None,
                      "required_evidence": evidence, "is_disclosed": public == YES})
    return steps


def format_steps(duty: Duty) -> str:
    lines = []
    for step in duty.steps.all():
        days = "" if step.time_limit_days is None else str(step.time_limit_days)
        public = YES if step.is_disclosed else ""
        lines.append(f" {STEP_SEPARATOR} ".join([step.name, days, step.required_evidence, public])
                     .rstrip(f" {STEP_SEPARATOR}"))
    return "\n".join(lines)


class DirectiveForm(EditForm):
    title = TextField(label=label(Directive, "title"), max_length=300)
    document_number = TextField(
        label=label(Directive, "document_number"), max_length=100,
        help_text=gettext_lazy("The number the issuing office gave the document, for example 台政办发〔2024〕12号."))
    issuer = TextField(label=label(Directive, "issuer"), max_length=200)
    issued_on = DayField(label=label(Directive, "issued_on"))
    region = ScopedChoiceField(label=label(Directive, "region"), queryset=Region.objects.none())
    unit = ScopedChoiceField(label=label(Directive, "unit"), queryset=Unit.objects.none(),
                             required=False)
    description = TextField(label=label(Directive, "description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, user: Any, *args: Any, directive: Directive | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, versioned=directive is not None, **kwargs)
        self.directive = directive
        limit_choices(self, "region", regions_in_scope(user))
        limit_choices(self, "unit", units_in_scope(user))

    def clean_document_number(self) -> str:
        number = self.cleaned_data["document_number"].strip()
        others = Directive.objects.filter(document_number=number)
        if self.directive is not None:
            others = others.exclude(pk=self.directive.pk)
        if others.exists():
            raise ValidationError(
                _("Document number “%(value)s” is already used by another directive; check "
                  "the number") % {"value": number}, code="duplicate")
        return number


class DutyForm(EditForm):
    unit = ScopedChoiceField(label=label(Duty, "unit"), queryset=Unit.objects.none())
    code = TextField(label=label(Duty, "code"), max_length=50)
    name = TextField(label=label(Duty, "name"), max_length=300)
    category = TextField(label=label(Duty, "category"), max_length=100, required=False)
    basis = TextField(label=label(Duty, "basis"), widget=forms.Textarea(attrs={"rows": 3}))
    cycle = forms.ChoiceField(label=label(Duty, "cycle"), choices=Cycle.choices,
                              initial=Cycle.ONCE)
    deadline = DayField(label=label(Duty, "deadline"), required=False,
                        help_text=gettext_lazy("Only for a duty done once."))
    required_evidence = TextField(label=label(Duty, "required_evidence"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    is_public = forms.BooleanField(label=label(Duty, "is_public"), required=False)
    directive = ScopedChoiceField(label=label(Duty, "directive"),
                                  queryset=Directive.objects.none(), required=False)
    funding = TextListField(
        parse=formats.parse_funding, label=gettext_lazy("funding sources and shares"),
        widget=forms.TextInput(),
        help_text=gettext_lazy("For example 县级 80%；乡镇 20%. The shares may sum to at most "
                               "100%."))
    steps = TextListField(
        parse=parse_steps, label=gettext_lazy("procedure steps"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One step per line: name | time limit in days | required "
                               "evidence | 是 if its result is made public."))

    def __init__(self, user: Any, *args: Any, duty: Duty | None = None, **kwargs: Any) -> None:
        super().__init__(*args, versioned=duty is not None, **kwargs)
        self.duty = duty
        limit_choices(self, "unit", units_in_scope(user))
        limit_choices(self, "directive", scoped(Directive.objects.all(), user, write=True))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        unit, code = data.get("unit"), (data.get("code") or "").strip()
        others = Duty.all_objects.filter(unit=unit, code=code)
        if self.duty is not None:
            others = others.exclude(pk=self.duty.pk)
        if unit is not None and code and others.exists():
            self.add_error("code", ValidationError(
                _("Item number “%(value)s” is already used in %(unit)s; choose another number")
                % {"value": code, "unit": unit}, code="duplicate"))
        data["code"] = code
        return data

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in super().changes().items() if k not in ("funding", "steps")}


class TaskForm(EditForm):
    code = TextField(label=label(Task, "code"), max_length=50)
    name = TextField(label=label(Task, "name"), max_length=300)
    description = TextField(label=label(Task, "description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = ScopedChoiceField(label=label(Task, "lead_unit"), queryset=Unit.objects.none())
    cooperating_units = forms.ModelMultipleChoiceField(
        label=label(Task, "cooperating_units"), queryset=Unit.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}))
    responsible_person = ScopedChoiceField(label=label(Task, "responsible_person"),
                                           queryset=Person.objects.none(), required=False)
    start = DayField(label=label(Task, "start"))
    deadline = DayField(label=label(Task, "deadline"))
    weight = WeightField(label=label(Task, "weight"), initial="100",
                         help_text=gettext_lazy("The task's share of its parent, in percent; the "
                                                "sub-tasks of one parent sum to 100."))
    duty = ScopedChoiceField(label=label(Task, "duty"), queryset=Duty.all_objects.none(),
                             required=False)

    def __init__(self, user: Any, *args: Any, directive: Directive, task: Task | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, versioned=task is not None, **kwargs)
        self.directive, self.task = directive, task
        limit_choices(self, "lead_unit", units_in_scope(user))
        limit_choices(self, "responsible_person",
                      scoped(Person.objects.select_related("unit"), user, write=True))
        limit_choices(self, "duty", scoped(Duty.all_objects.select_related("unit"), user))
        self.fields["cooperating_units"].queryset = Unit.objects.select_related(  # type: ignore[attr-defined]
            "region").order_by("region_id", "name")
        if task is None:
            self.fields["milestones"] = TextListField(
                parse=formats.parse_milestones, label=gettext_lazy("milestones of the task"),
                help_text=gettext_lazy("One per line: the date, a space and the name, e.g. "
                                       "2024-06-30 完成设计."))

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        others = Task.objects.filter(directive=self.directive, code=code)
        if self.task is not None:
            others = others.exclude(pk=self.task.pk)
        if others.exists():
            raise ValidationError(
                _("Task number “%(value)s” is already used in this directive; choose another "
                  "number") % {"value": code}, code="duplicate")
        return code

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        person, unit = data.get("responsible_person"), data.get("lead_unit")
        if person is not None and unit is not None and not person.unit.path.startswith(unit.path):
            self.add_error("responsible_person", ValidationError(
                _("%(person)s works in %(their)s, not in the lead unit %(unit)s; choose a person "
                  "of the lead unit") % {"person": person, "their": person.unit, "unit": unit},
                code="person_outside_unit"))
        return data

    def changes(self) -> dict[str, Any]:
        skip = ("cooperating_units", "milestones")
        return {k: v for k, v in super().changes().items() if k not in skip}


class WeightsForm(forms.Form):
    """One weight field per active sub-task, named by the task's id."""

    def __init__(self, children: list[Task], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children = children
        for task in children:
            self.fields[f"w{task.pk}"] = WeightField(
                label=str(task), initial=formats.format_percent(task.weight).rstrip("%"))

    def weights(self) -> dict[int, Decimal]:
        return {task.pk: self.cleaned_data[f"w{task.pk}"] for task in self.children}


class ReasonForm(forms.Form):
    reason = TextField(label=gettext_lazy("reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy(
                                 "Write the reason; it is kept in the record.")})


class MilestoneForm(forms.Form):
    name = TextField(label=gettext_lazy("milestone"), max_length=200)
    due_on = DayField(label=gettext_lazy("due on"))


class MilestoneDoneForm(forms.Form):
    done_on = DayField(label=gettext_lazy("done on"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class ReportForm(forms.Form):
    percent = PercentField(label=gettext_lazy("progress (%)"))
    as_of = DayField(label=gettext_lazy("progress as of"),
                     help_text=gettext_lazy("The day this progress was reached; today unless "
                                            "you report late."))
    text = TextField(label=gettext_lazy("what was done"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    reason = TextField(label=gettext_lazy("reason for lower progress"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("Required when the progress is lower than "
                                                    "the approved progress."))
    evidence = MultipleFileField(label=gettext_lazy("evidence files"))


class LockForm(forms.Form):
    county = forms.ModelChoiceField(label=gettext_lazy("county"), queryset=Region.objects.none(),
                                    required=False, empty_label=gettext_lazy("the city's own units"))
    period = TextField(label=gettext_lazy("quarter"), max_length=10,
                             help_text=gettext_lazy("For example 2024Q1."))
    locked = forms.TypedChoiceField(
        label=gettext_lazy("lock or unlock"), coerce=lambda value: value == "1",
        choices=[("1", gettext_lazy("lock")), ("0", gettext_lazy("unlock"))])
    reason = TextField(label=gettext_lazy("reason"), required=False, max_length=2000)

    def __init__(self, counties: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]

    def clean_period(self) -> Period:
        period = parse_period(self.cleaned_data["period"])
        if "Q" not in period.key:
            raise ValidationError(
                _("“%(value)s” is not a quarter; write it as 2024Q1")
                % {"value": self.cleaned_data["period"]}, code="not_quarter")
        return period


class TaskFilterForm(forms.Form):
    """Filters of the task list; the execution-rate page links here with period and measure."""

    q = TextField(label=gettext_lazy("task number or name"), max_length=100,
                        required=False)
    status = forms.ChoiceField(label=gettext_lazy("status"), required=False,
                               choices=[("", "—"), *TaskStatus.choices])
    region = TextField(label=gettext_lazy("region code"), max_length=12, required=False)
    unit = RecordIdField(label=gettext_lazy("lead unit"), message=gettext_lazy(
        "Unit id “%(value)s” is invalid; open the list from a unit's link or remove unit= "
        "from the address"))
    directive = RecordIdField(label=gettext_lazy("directive"), message=gettext_lazy(
        "Directive id “%(value)s” is invalid; open the list from a directive's page or remove "
        "directive= from the address"))
    period = TextField(label=gettext_lazy("period"), max_length=10, required=False,
                             help_text=gettext_lazy("2024, 2024Q1 or 2024-03"))
    measure = forms.ChoiceField(label=gettext_lazy("counted as"), required=False,
                                choices=[("", "—"), ("due", pgettext_lazy("execution rate", "due")),
                                         ("done_on_time", pgettext_lazy("execution rate",
                                                                        "done on time"))])

    def clean_period(self) -> Period | None:
        text = self.cleaned_data["period"].strip()
        return parse_period(text) if text else None

    def clean_region(self) -> Region | None:
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("Region code “%(value)s” does not exist; use a code such as "
                                    "331002") % {"value": code}, code="unknown_region")
        return region

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("measure") and data.get("period") is None and "period" not in self.errors:
            self.add_error("period", ValidationError(
                _("Choose the period the tasks were counted in, e.g. 2024Q1"),
                code="period_missing"))
        return data
