"""Forms of the supervision-day, reward and consent pages.

The forms check the shape of the input only. The actions check the rules
(places left, per-phone limit, states, scope), and ``add_errors`` puts
their ValidationError messages on the form.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sunshine.lib.form_fields import ClockTimeField, DayField, WholeNumberField
from sunshine.lib.text_input import TextField
from sunshine.organisation.models import Level, Region, Unit
from sunshine.organisation.scoping import scope_for
from sunshine.petitions.forms import TargetsForm, normalize_cn_phone
from sunshine.petitions.models import Category, Kind
from sunshine.petitions.models_ops import (
    SupervisionDay,
    SupervisionRegistration,
    VerificationResult,
)
from sunshine.petitions.supervision_days import DEFAULT_CAPACITY, MAX_MONTHS
from sunshine.rules.values import get_setting

NAME_LENGTH = 50
PHONE_LENGTH = 20
TEXT_LENGTH = 2000


def add_errors(form: forms.Form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def choice_field(form: forms.Form, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


class RegistrationForm(forms.Form):
    name = TextField(label=_("Your name"), max_length=NAME_LENGTH)
    phone = TextField(label=_("Your phone number"), max_length=PHONE_LENGTH,
                            widget=forms.TextInput(attrs={"inputmode": "tel",
                                                          "autocomplete": "tel"}))
    topic = TextField(label=_("The matter you want to raise"), max_length=TEXT_LENGTH,
                            widget=forms.Textarea(attrs={"rows": 4}))

    def clean_phone(self) -> str:
        # The report form's rule, so a number it rejects is not taken here either.
        return normalize_cn_phone(self.cleaned_data["phone"])


class ConsentForm(forms.Form):
    GIVE = "give"
    WITHDRAW = "withdraw"

    code = TextField(label=_("Tracking code"), max_length=30)
    secret = TextField(label=_("Secret"), max_length=30,
                             widget=forms.PasswordInput(render_value=True))
    choice = forms.ChoiceField(
        label=_("What do you want to do?"), widget=forms.RadioSelect, initial=GIVE,
        choices=[(GIVE, _("Give consent to reward points")),
                 (WITHDRAW, _("Withdraw my consent"))],
    )
    agree = forms.BooleanField(label=_("I have read the text above and agree to it."),
                               required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choice") == self.GIVE and not data.get("agree"):
            self.add_error("agree", _("Tick the box to give your consent, or choose to "
                                      "withdraw it."))
        return data


def township_choices(user: Any):
    scope = scope_for(user, write=True)
    return scope.filter(Region.objects.filter(level=Level.TOWNSHIP).current()).order_by("code")


def unit_choices(user: Any):
    scope = scope_for(user, write=True)
    return scope.filter(Unit.objects.select_related("region")).order_by("path")


class DayForm(forms.Form):
    """Plans days (with ``months``) or edits one (with ``version``; township and unit stay)."""

    region = forms.ModelChoiceField(label=_("Township"), queryset=Region.objects.none())
    unit = forms.ModelChoiceField(label=_("Organising unit"), queryset=Unit.objects.none())
    date = DayField(label=_("Date"))
    months = WholeNumberField(
        label=_("Repeat for months"), min_value=1, max_value=MAX_MONTHS, initial=1,
        help_text=_("The same day of each month; a day missing in a short month becomes its "
                    "last day."),
    )
    starts_at = ClockTimeField(label=_("Starts at"))
    ends_at = ClockTimeField(label=_("Ends at"))
    place = TextField(label=_("Place"), max_length=200)
    officials = TextField(label=_("Officials on duty"), widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("One per line: name and post."))
    topic = TextField(label=_("Focus"), max_length=200, required=False)
    capacity = WholeNumberField(label=_("Registration places"), min_value=1, max_value=500)
    is_public = forms.BooleanField(label=_("Publish on the portal"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, user: Any, data: Any = None, *, day: SupervisionDay | None = None) -> None:
        self.day = day
        initial = self._initial(day)
        super().__init__(data, initial=initial)
        if day is None:
            choice_field(self, "region").queryset = township_choices(user)
            choice_field(self, "unit").queryset = unit_choices(user)
            del self.fields["version"]
        else:
            for name in ("region", "unit", "months"):
                del self.fields[name]
            # Without the version the edit could overwrite a change it never saw.
            self.fields["version"].required = True

    def _initial(self, day: SupervisionDay | None) -> dict[str, Any]:
        if day is None:
            return {"capacity": get_setting(DEFAULT_CAPACITY), "is_public": True, "months": 1}
        names = ("date", "starts_at", "ends_at", "place", "officials", "topic", "capacity",
                 "is_public")
        return {**{name: getattr(day, name) for name in names}, "version": day.version}

    def changes(self) -> dict[str, Any]:
        """Return the edited fields whose value differs from the day's."""
        assert self.day is not None
        return {name: value for name, value in self.cleaned_data.items()
                if name != "version" and getattr(self.day, name) != value}


class HeldForm(forms.Form):
    visitors = WholeNumberField(label=_("Citizens received"), min_value=0)
    summary = TextField(label=_("Record of the day"), max_length=TEXT_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = TextField(label=_("Reason"), max_length=TEXT_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RegistrationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} · {obj.topic[:40]}"


class MatterForm(TargetsForm):
    """A matter received on a supervision day, entered by staff as a petition."""

    registration = RegistrationChoiceField(label=_("Registration"), required=False,
                                          queryset=SupervisionRegistration.objects.none(),
                                          help_text=_("Empty for a walk-in."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.active())
    region = forms.ModelChoiceField(label=_("Place concerned"), queryset=Region.objects.none())
    title = TextField(label=_("Subject"), max_length=200, required=False)
    text = TextField(label=_("What the citizen reported"), max_length=TEXT_LENGTH * 5,
                           widget=forms.Textarea(attrs={"rows": 6}))
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    reporter_name = TextField(label=_("Citizen's name"), max_length=NAME_LENGTH,
                                    required=False)
    reporter_phone = TextField(label=_("Citizen's phone number"), max_length=PHONE_LENGTH,
                                     required=False)

    field_order = ["registration", "kind", "category", "region", "target_unit", "person_name",
                   "project_code", "title", "text", "is_anonymous", "reporter_name",
                   "reporter_phone"]

    def __init__(self, day: SupervisionDay, data: Any = None) -> None:
        super().__init__(data)
        registration = choice_field(self, "registration")
        registration.queryset = day.registrations.all()
        region = choice_field(self, "region")
        region.queryset = Region.objects.filter(path__startswith=day.region.path).current().order_by("code")
        region.initial = day.region

    def clean(self) -> dict[str, Any]:
        super().clean()
        self._clean_targets(self.cleaned_data)
        return self.cleaned_data

    def record_arguments(self) -> dict[str, Any]:
        """Return the keyword arguments of ``supervision_days.record_matter`` for the cleaned form."""
        data = dict(self.cleaned_data)
        for name in ("target_unit", "person_name", "project_code", "text"):
            data.pop(name, None)
        return {**data, **self.target_arguments(self.cleaned_data["text"])}


class VerificationForm(forms.Form):
    result = forms.ChoiceField(label=_("Verification result"), choices=VerificationResult.choices,
                               widget=forms.RadioSelect)
    note = TextField(label=_("Basis of the finding"), max_length=TEXT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}))
    verified_on = DayField(label=_("Verified on"))
    # The id of the latest verification the page showed (0 for none), so a later one is not
    # replaced by a page that never showed it.
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
