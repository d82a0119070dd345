"""Forms of the merit pages, with Chinese errors that name the value and the fix."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sunshine.duties.periods import Period
from sunshine.lib.text_input import TextField
from sunshine.merit.rankings import points_period
from sunshine.merit.text import MAX_TEXT_LENGTH, TEXT_ERRORS
from sunshine.organisation.models import Region, Unit
from sunshine.organisation.scoping import scoped

# The largest BigAutoField id. A filter checks its id against this range before
# querying, because SQLite raises OverflowError on a larger integer.
MAX_ID = 2**63 - 1
PERSON_ID_RANGE = gettext_lazy("Person id %(value)s is out of range; use the id of a person "
                               "from the ledger or the ranking")


class ReasonForm(forms.Form):
    reason = TextField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             required=False, max_length=MAX_TEXT_LENGTH,
                             error_messages=TEXT_ERRORS)


class DecisionForm(ReasonForm):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=[
        ("approve", gettext_lazy("approve")), ("reject", gettext_lazy("reject"))])


class ExemptionForm(forms.Form):
    reason = TextField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             required=False, max_length=MAX_TEXT_LENGTH,
                             error_messages=TEXT_ERRORS)
    followed_procedure = forms.BooleanField(
        label=gettext_lazy("the decision followed the required procedure"), required=False)
    private_gain = forms.BooleanField(label=gettext_lazy("someone sought private gain"),
                                      required=False)
    prohibited_by_superior = forms.BooleanField(
        label=gettext_lazy("a superior had explicitly prohibited what was done"), required=False)
    correction = TextField(label=gettext_lazy("Correction required"), required=False,
                                 max_length=MAX_TEXT_LENGTH, error_messages=TEXT_ERRORS,
                                 widget=forms.Textarea(attrs={"rows": 2}))


class ScopeForm(forms.Form):
    """A period and an optional region code or unit id, checked against the database.

    A unit outside the user's read scope gets the same error as an unknown id,
    so the form does not tell which unit ids exist in other regions.
    """

    period = TextField(label=gettext_lazy("period"), max_length=10, required=False,
                             help_text=gettext_lazy("2024, 2024Q1 or 2024-03"))
    region = TextField(label=gettext_lazy("region code"), max_length=12, required=False)
    unit = forms.IntegerField(label=gettext_lazy("unit"), required=False, min_value=1,
                              widget=forms.HiddenInput)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_period(self) -> Period:
        return points_period(self.cleaned_data["period"])

    def clean_region(self) -> Region | None:
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("Region code “%(value)s” does not exist; use a code such as "
                                    "331002") % {"value": code}, code="unknown_region")
        return region

    def clean_unit(self) -> Unit | None:
        pk = self.cleaned_data["unit"]
        if pk is None:
            return None
        unit = scoped(Unit.objects.select_related("region"), self.user).filter(pk=pk).first()
        if unit is None:
            raise ValidationError(_("Unit %(value)s is unknown or outside your scope; pick a "
                                    "unit from the list") % {"value": pk}, code="unknown_unit")
        return unit


class LedgerFilterForm(ScopeForm):
    person = forms.IntegerField(label=gettext_lazy("person"), required=False, min_value=1,
                                max_value=MAX_ID, widget=forms.HiddenInput,
                                error_messages={"min_value": PERSON_ID_RANGE,
                                                "max_value": PERSON_ID_RANGE})

    def clean_period(self) -> Period | None:  # type: ignore[override]
        text = self.cleaned_data["period"].strip()
        return points_period(text) if text else None


class PromotionForm(ScopeForm):
    year = forms.IntegerField(label=gettext_lazy("year"), required=False, min_value=2000,
                              max_value=2100)

    def clean_year(self) -> int:
        return self.cleaned_data["year"] or timezone.localdate().year


class QuotaForm(forms.Form):
    document_number = TextField(label=gettext_lazy("approval document number"),
                                      max_length=100, required=False)
