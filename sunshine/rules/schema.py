"""The legal range or shape of each versioned setting's value.

Every ``Default`` in ``sunshine.rules.defaults`` names one of these checks.
A new version of a setting is validated against its key's check before it
is stored, so a typo such as a negative limit or a period longer than the
statute allows never comes into force. Each check raises
``ValidationError`` with a message that names the key, the value, the
allowed range and what to enter instead.
"""

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


def shown(value: Any) -> str:
    """Return ``value`` as the administrator typed it, in JSON for lists and objects."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Check:
    """Base of the value checks; ``validate`` returns the value or raises ValidationError."""

    def validate(self, key: str, value: Any) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Whole(Check):
    """A whole number from ``minimum`` to ``maximum`` inclusive."""

    minimum: int
    maximum: int

    def validate(self, key: str, value: Any) -> Any:
        if not is_whole(value) or not self.minimum <= value <= self.maximum:
            raise ValidationError(
                _("Value %(value)s of %(key)s is out of range; enter a whole number from "
                  "%(minimum)s to %(maximum)s"),
                code="out_of_range",
                params={"key": key, "value": shown(value), "minimum": self.minimum,
                        "maximum": self.maximum},
            )
        return value


@dataclass(frozen=True)
class Number(Check):
    """A decimal number from ``minimum`` to ``maximum`` inclusive, stored as a string."""

    minimum: Decimal
    maximum: Decimal

    def validate(self, key: str, value: Any) -> Any:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if (isinstance(value, bool) or number is None or not number.is_finite()
                or not self.minimum <= number <= self.maximum):
            raise ValidationError(
                _("Value %(value)s of %(key)s is out of range; enter a number from "
                  "%(minimum)s to %(maximum)s"),
                code="out_of_range",
                params={"key": key, "value": shown(value), "minimum": self.minimum,
                        "maximum": self.maximum},
            )
        return value


@dataclass(frozen=True)
class Flag(Check):
    """True or false."""

    def validate(self, key: str, value: Any) -> Any:
        if not isinstance(value, bool):
            raise ValidationError(
                _("Value %(value)s of %(key)s is invalid; enter true or false"),
                code="invalid", params={"key": key, "value": shown(value)},
            )
        return value


@dataclass(frozen=True)
class Period(Check):
    """A period ``{"count": n, "unit": u}`` with n from ``minimum`` to ``maximum``.

    ``units`` lists the allowed units. A statutory period keeps the unit of
    its statute, because 15 working days are longer than 15 days.
    """

    minimum: int
    maximum: int
    units: tuple[str, ...] = ("days", "workdays")

    def validate(self, key: str, value: Any) -> Any:
        valid = (isinstance(value, dict) and set(value) == {"count", "unit"}
                 and is_whole(value["count"]) and self.minimum <= value["count"] <= self.maximum
                 and value["unit"] in self.units)
        if not valid:
            raise ValidationError(
                _("Value %(value)s of %(key)s is invalid; enter {\"count\": n, \"unit\": u} "
                  "with a whole number n from %(minimum)s to %(maximum)s and u one of "
                  "%(units)s"),
                code="out_of_range",
                params={"key": key, "value": shown(value), "minimum": self.minimum,
                        "maximum": self.maximum, "units": ", ".join(self.units)},
            )
        return value


@dataclass(frozen=True)
class WholeList(Check):
    """A list of whole numbers, each from ``minimum`` to ``maximum``, without repeats.

    ``ascending`` also requires the numbers in increasing order.
    """

    minimum: int
    maximum: int
    max_items: int
    ascending: bool = False

    def validate(self, key: str, value: Any) -> Any:
        valid = (isinstance(value, list) and 1 <= len(value) <= self.max_items
                 and all(is_whole(item) and self.minimum <= item <= self.maximum
                         for item in value)
                 and len(set(value)) == len(value)
                 and (not self.ascending or value == sorted(value)))
        if not valid:
            if self.ascending:
                message = _("Value %(value)s of %(key)s is invalid; enter a list of 1 to "
                            "%(items)s different whole numbers from %(minimum)s to %(maximum)s "
                            "in increasing order, such as %(example)s")
            else:
                message = _("Value %(value)s of %(key)s is invalid; enter a list of 1 to "
                            "%(items)s different whole numbers from %(minimum)s to "
                            "%(maximum)s, such as %(example)s")
            raise ValidationError(message, code="invalid", params={
                "key": key, "value": shown(value), "items": self.max_items,
                "minimum": self.minimum, "maximum": self.maximum,
                "example": shown([self.minimum, self.maximum]),
            })
        return value


@dataclass(frozen=True)
class WholeMap(Check):
    """An object with exactly the keys ``names``, each a whole number in a range.

    ``total`` requires the numbers to add up to it, and ``descending``
    them to decrease in the order of ``names``.
    """

    names: tuple[str, ...]
    minimum: int
    maximum: int
    total: int | None = None
    descending: bool = False

    def validate(self, key: str, value: Any) -> Any:
        valid = (isinstance(value, dict) and set(value) == set(self.names)
                 and all(is_whole(value[name]) and self.minimum <= value[name] <= self.maximum
                         for name in self.names))
        if valid and self.total is not None:
            valid = sum(value.values()) == self.total
        if valid and self.descending:
            numbers = [value[name] for name in self.names]
            valid = all(higher > lower for higher, lower in pairwise(numbers))
        if valid:
            return value
        params = {"key": key, "value": shown(value), "names": ", ".join(self.names),
                  "minimum": self.minimum, "maximum": self.maximum, "total": self.total}
        if self.total is not None:
            message = _("Value %(value)s of %(key)s is invalid; enter an object with the keys "
                        "%(names)s, each a whole number from %(minimum)s to %(maximum)s, that "
                        "add up to %(total)s")
        elif self.descending:
            message = _("Value %(value)s of %(key)s is invalid; enter an object with the keys "
                        "%(names)s, each a whole number from %(minimum)s to %(maximum)s, "
                        "decreasing in that order")
        else:
            message = _("Value %(value)s of %(key)s is invalid; enter an object with the keys "
                        "%(names)s, each a whole number from %(minimum)s to %(maximum)s")
        raise ValidationError(message, code="invalid", params=params)


@dataclass(frozen=True)
class ChoiceList(Check):
    """A non-empty list of different entries of ``choices``."""

    choices: tuple[str, ...]

    def validate(self, key: str, value: Any) -> Any:
        valid = (isinstance(value, list) and value
                 and all(isinstance(item, str) and item in self.choices for item in value)
                 and len(set(value)) == len(value))
        if not valid:
            raise ValidationError(
                _("Value %(value)s of %(key)s is invalid; enter a list of one or more of "
                  "%(choices)s, each at most once"),
                code="invalid",
                params={"key": key, "value": shown(value), "choices": ", ".join(self.choices)},
            )
        return value


@dataclass(frozen=True)
class Choice(Check):
    """One entry of ``choices``."""

    choices: tuple[str, ...]

    def validate(self, key: str, value: Any) -> Any:
        if not (isinstance(value, str) and value in self.choices):
            raise ValidationError(
                _("Value %(value)s of %(key)s is invalid; enter one of %(choices)s"),
                code="invalid",
                params={"key": key, "value": shown(value), "choices": ", ".join(self.choices)},
            )
        return value


@dataclass(frozen=True)
class Text(Check):
    """A string of ``min_length`` to ``max_length`` characters from ``allowed``, if given."""

    min_length: int
    max_length: int
    allowed: str = ""
    allowed_label: str | Promise = ""

    def validate(self, key: str, value: Any) -> Any:
        valid = (isinstance(value, str) and self.min_length <= len(value) <= self.max_length
                 and (not self.allowed or all(char in self.allowed for char in value)))
        if not valid:
            params = {"key": key, "value": shown(value), "minimum": self.min_length,
                      "maximum": self.max_length, "allowed": self.allowed_label}
            if self.allowed:
                message = _("Value %(value)s of %(key)s is invalid; enter %(minimum)s to "
                            "%(maximum)s characters, using only %(allowed)s")
            else:
                message = _("Value %(value)s of %(key)s is invalid; enter text of %(minimum)s "
                            "to %(maximum)s characters")
            raise ValidationError(message, code="invalid", params=params)
        return value


@dataclass(frozen=True)
class ReplyTemplates(Check):
    """A list of reply templates: objects with a title, an optional English title, an outcome and a text."""

    outcomes: tuple[str, ...] = ("support", "explain", "reject", "")
    max_items: int = 30

    def validate(self, key: str, value: Any) -> Any:
        if not (isinstance(value, list) and 1 <= len(value) <= self.max_items
                and all(self._valid(template) for template in value)):
            raise ValidationError(
                _("Value %(value)s of %(key)s is invalid; enter a list of 1 to %(items)s "
                  "objects, each with a non-empty \"title\" and \"text\", \"outcome\" one of "
                  "support, explain, reject or empty, and optionally \"title_en\""),
                code="invalid",
                params={"key": key, "value": shown(value), "items": self.max_items},
            )
        return value

    def _valid(self, template: Any) -> bool:
        if not isinstance(template, dict):
            return False
        if not {"title", "text", "outcome"} <= set(template) <= {"title", "title_en", "text",
                                                                   "outcome"}:
            return False
        if not all(isinstance(item, str) for item in template.values()):
            return False
        return (bool(template["title"].strip()) and bool(template["text"].strip())
                and template["outcome"] in self.outcomes)
