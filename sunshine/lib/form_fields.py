"""Form fields whose errors name the value typed and the form or range expected.

Django's own messages for these fields ("Enter a valid date.", "Ensure this
value is less than or equal to 90.") name neither the value nor the format.
Full-width digits and punctuation, which Chinese input methods type, are
folded to ASCII before parsing (NFKC), so ２０２６-１２-０６ is a date.
"""

import datetime
import unicodedata
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# A browser's date input takes only ISO dates; the Chinese locale would write 2026/12/05.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def folded(value: Any) -> Any:
    """Return typed text with full-width characters folded to ASCII; other values as they are."""
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


class DayField(forms.DateField):
    """A calendar date; the error repeats what was typed."""

    widget = DATE_WIDGET

    def to_python(self, value: Any) -> datetime.date | None:
        try:
            return super().to_python(folded(value))
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not a date; enter it as YYYY-MM-DD, for example 2024-03-31"),
                code="invalid", params={"value": value},
            ) from None


class ClockTimeField(forms.TimeField):
    """A time of day in hours and minutes; the error repeats what was typed."""

    widget = TIME_WIDGET

    def to_python(self, value: Any) -> datetime.time | None:
        try:
            return super().to_python(folded(value))
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not a time of day; enter it as HH:MM from 00:00 to 23:59, "
                  "for example 09:30"),
                code="invalid", params={"value": value},
            ) from None


class RangeMessagesMixin:
    """Replace Django's number messages by ones naming the value and the accepted range."""

    min_value: Any
    max_value: Any

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(folded(value))  # type: ignore[misc]
        except ValidationError as error:
            if error.code != "invalid":
                raise
            raise ValidationError(self.invalid_message(), code="invalid",
                                  params={"value": value}) from None

    def invalid_message(self) -> str:
        return _("“%(value)s” is not a number; enter a number such as 12 or 12.5")

    def run_validators(self, value: Any) -> None:
        try:
            super().run_validators(value)  # type: ignore[misc]
        except ValidationError as error:
            codes = {item.code for item in error.error_list}
            if not codes & {"min_value", "max_value"}:
                raise
            raise self.range_error(value) from None

    def range_error(self, value: Any) -> ValidationError:
        low, high = self.min_value, self.max_value
        if low is not None and high is not None:
            message = _("“%(value)s” is outside the range %(low)s to %(high)s; enter a number "
                        "from %(low)s to %(high)s")
        elif low is not None:
            message = _("“%(value)s” is less than %(low)s; enter %(low)s or more")
        else:
            message = _("“%(value)s” is more than %(high)s; enter %(high)s or less")
        return ValidationError(message, code="out_of_range",
                               params={"value": value, "low": low, "high": high})


class WholeNumberField(RangeMessagesMixin, forms.IntegerField):
    """A whole number whose errors name the value and the range."""

    def invalid_message(self) -> str:
        return _("“%(value)s” is not a whole number; enter digits only, such as 12")


class NumberField(RangeMessagesMixin, forms.DecimalField):
    """A decimal number whose errors name the value and the range."""


def join_codes(codes: list[str]) -> str:
    """Join accepted codes as the request language lists them: a, b, c or a、b、c."""
    return pgettext("separator of a list of accepted values", ", ").join(codes)


class CodeChoiceField(forms.ChoiceField):
    """A choice sent as a code, in a URL or by the API; an unknown code gets the accepted ones.

    Django's message requests a choice from a list, which a URL or an API
    request does not show.
    """

    def validate(self, value: Any) -> None:
        try:
            super().validate(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            choices = cast(list[tuple[Any, Any]], self.choices)
            codes = [str(code) for code, _label in choices if code != ""]
            raise ValidationError(
                _("“%(value)s” is not accepted here; use one of %(codes)s"),
                code="invalid_choice", params={"value": value, "codes": join_codes(codes)},
            ) from None
