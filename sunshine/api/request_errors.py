"""Messages for API requests that fail before an operation runs.

django-ninja rejects such a request in two places. A body that is not JSON
fails in the parser, and ninja turns that failure into ``HttpError(400,
"Cannot parse request body")``. A body, query, path or header value of the
wrong type fails pydantic's validation, and ninja raises its
``ValidationError`` with pydantic's English messages and without the value
received. This module keeps what ninja drops (the value, the field's name as
the client wrote it) and writes each problem in the request language, with
what the field expects.

The parser also rejects text with an unpaired UTF-16 surrogate, which JSON
can carry as an escape such as ``\\ud83d`` but which is not a character:
UTF-8, the database and the encryption of personal data cannot store it.
Such a body gets the same 400 response as a value of the wrong type.
"""

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.parser import Parser

from sunshine.lib.form_fields import join_codes

# Values longer than this are cut in messages, so a large field does not fill the response.
MAX_VALUE_CHARS = 60
DOCS_PATH = "/api/v1/docs"


class UnreadableBody(ValueError):
    """Raised by ``ObjectBodyParser`` when the body is not one JSON object.

    ``line`` and ``column`` locate a JSON syntax error (1-based). ``found``
    is the JSON type (array, string, number, boolean, null) of a body that
    parsed but is not an object. ``too_deep`` marks a body nested past
    Python's recursion limit, ``long_number`` one with an integer of more
    digits than Python converts (``sys.get_int_max_str_digits``, 4,300 by
    default).
    """

    def __init__(self, *, line: int = 0, column: int = 0, found: str = "",
                 not_utf8: bool = False, too_deep: bool = False,
                 long_number: bool = False) -> None:
        if not_utf8:
            reason = "body is not UTF-8"
        elif too_deep:
            reason = "body is nested too deeply"
        elif long_number:
            reason = "body contains an integer with too many digits"
        elif found:
            reason = f"body is a JSON {found}, not an object"
        else:
            reason = f"invalid JSON at line {line}, column {column}"
        super().__init__(reason)
        self.line = line
        self.column = column
        self.found = found
        self.not_utf8 = not_utf8
        self.too_deep = too_deep
        self.long_number = long_number


class InvalidCharacters(ValueError):
    """Raised by ``ObjectBodyParser`` when strings of the body contain unpaired surrogates.

    ``found`` lists each such string as its path in the body and the string.
    A key containing a surrogate is listed with itself as the string.
    """

    def __init__(self, found: list[tuple[tuple[str | int, ...], str]]) -> None:
        super().__init__("unpaired UTF-16 surrogate in " + ", ".join(
            ".".join(printable(str(part)) for part in path) for path, _text in found))
        self.found = found


class ObjectBodyParser(Parser):
    """Parse a JSON request body, which every operation of this API expects to be an object.

    Every body parameter of the API is a single ``Schema``, so a body that is
    a list, string or number cannot be valid. Rejecting it here gives one
    clear message instead of a "missing" error for each field.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body)
        except UnicodeDecodeError as error:
            raise UnreadableBody(not_utf8=True) from error
        except json.JSONDecodeError as error:
            raise UnreadableBody(line=error.lineno, column=error.colno) from error
        except RecursionError as error:
            raise UnreadableBody(too_deep=True) from error
        except ValueError as error:
            # The only other ValueError of json.loads: an integer past Python's digit limit.
            raise UnreadableBody(long_number=True) from error
        if not isinstance(data, dict):
            raise UnreadableBody(found=json_type(data))
        found = unpaired_surrogates(data)
        if found:
            raise InvalidCharacters(found)
        return data


def unpaired_surrogates(value: Any, path: tuple[str | int, ...] = ()
                        ) -> list[tuple[tuple[str | int, ...], str]]:
    """List the strings in a parsed JSON value that UTF-8 cannot encode, with their paths."""
    if isinstance(value, str):
        return [] if encodable(value) else [(path, value)]
    found: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not encodable(key):
                found.append(((*path, key), key))
            found.extend(unpaired_surrogates(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(unpaired_surrogates(item, (*path, index)))
    return found


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str) -> str:
    """Return the text with each unpaired surrogate written as its escape, such as \\ud83d."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def first_surrogate(text: str) -> str:
    """Return the escape of the first unpaired surrogate in the text."""
    character = next(c for c in text if not encodable(c))
    return printable(character)


def json_type(value: Any) -> str:
    """Return the JSON type name of a parsed value that is not an object."""
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "null"


def unreadable_body_detail(error: UnreadableBody) -> str:
    """Return the message for a body that is not one JSON object."""
    if error.not_utf8:
        problem = _("The request body is not UTF-8 text.")
    elif error.too_deep:
        problem = _("The request body is nested too deeply to read; no field of this API "
                    "takes more than a few levels.")
    elif error.long_number:
        problem = _("The request body contains an integer with more than %(digits)s digits, "
                    "which cannot be read; send it as text or shorten it.") % {
            "digits": f"{sys.get_int_max_str_digits():,}"}
    elif error.found:
        problem = _("The request body is a JSON %(type)s, not a JSON object.") % {
            "type": error.found}
    else:
        problem = _("The request body is not valid JSON: the error is at line %(line)s, "
                    "column %(column)s.") % {"line": error.line, "column": error.column}
    fix = _("Send one JSON object in UTF-8, such as {\"field\": \"value\"}, with the header "
            "Content-Type: application/json. %(docs)s lists the fields of each operation.") % {
        "docs": DOCS_PATH}
    return f"{problem} {fix}"


MISSING = object()


@dataclass(frozen=True)
class Problem:
    """One invalid or missing value, as the client sent it.

    ``source`` is ninja's parameter source (body, query, path, header,
    cookie, form, file). ``field`` is the dotted path inside that source,
    empty when the whole body is missing. ``value`` is ``MISSING`` when the
    client sent no value.
    """

    source: str
    field: str
    value: Any
    type: str
    context: Mapping[str, Any]


class InvalidRequest(ValidationError):
    """ninja's ``ValidationError`` with the values received, in the order of ``errors``."""

    def __init__(self, errors: list[dict[str, Any]], problems: list[Problem]) -> None:
        super().__init__(errors)
        self.problems = problems


UNPAIRED_SURROGATE = "string_unpaired_surrogate"


def invalid_characters_request(error: InvalidCharacters) -> InvalidRequest:
    """Turn the strings with unpaired surrogates into errors shaped like ninja's."""
    errors = []
    problems = []
    for path, text in error.found:
        location = [printable(part) if isinstance(part, str) else part for part in path]
        character = first_surrogate(text)
        errors.append({"loc": ["body", *location], "type": UNPAIRED_SURROGATE,
                       "msg": f"String contains the unpaired UTF-16 surrogate {character}"})
        problems.append(Problem(source="body", field=".".join(str(p) for p in location),
                                value=text, type=UNPAIRED_SURROGATE,
                                context={"character": character}))
    return InvalidRequest(errors, problems)


def problems_of(contexts: list[ValidationErrorContext]) -> list[Problem]:
    """List the problems of pydantic's errors, in the order ninja lists them."""
    problems = []
    for context in contexts:
        model = context.model
        source = str(model.__ninja_param_source__)
        # With one body parameter ninja nests the body under that parameter's name,
        # which the client never wrote, so the name is dropped from the path.
        single = getattr(model, "__read_from_single_attr__", None)
        for error in context.pydantic_validation_error.errors(include_url=False):
            location = tuple(model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"]))
            if single and location[:1] == (single,):
                location = location[1:]
            value = MISSING if error["type"] == "missing" else error.get("input")
            problems.append(Problem(source=source, field=".".join(str(p) for p in location),
                                    value=value, type=error["type"],
                                    context=error.get("ctx") or {}))
    return problems


def shown_value(value: Any) -> str:
    """Return the value as the client wrote it: a string bare, anything else as JSON."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)
    text = printable(text)
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + "…"
    return text


def where(problem: Problem) -> str:
    """Name the value's place in the request: field, query parameter, path parameter or header."""
    names = {
        "body": _("field %(name)s"),
        "query": _("query parameter %(name)s"),
        "path": _("path parameter %(name)s"),
        "header": _("header %(name)s"),
    }
    return names.get(problem.source, _("parameter %(name)s")) % {"name": problem.field}


def expected(problem: Problem) -> str:
    """Say what form of value the field accepts, from pydantic's error type and context."""
    context = problem.context
    kinds = {
        "bool_parsing": _("expected true or false"),
        "bool_type": _("expected true or false"),
        "int_parsing": _("expected a whole number such as 12"),
        "int_type": _("expected a whole number such as 12"),
        "int_from_float": _("expected a whole number such as 12"),
        "float_parsing": _("expected a number such as 12.5"),
        "float_type": _("expected a number such as 12.5"),
        "decimal_parsing": _("expected a decimal number such as \"1200.50\""),
        "decimal_type": _("expected a decimal number such as \"1200.50\""),
        "string_type": _("expected text in double quotes"),
        "date_parsing": _("expected an ISO 8601 date such as 2026-03-17"),
        "date_from_datetime_parsing": _("expected an ISO 8601 date such as 2026-03-17"),
        "date_type": _("expected an ISO 8601 date such as 2026-03-17"),
        "datetime_parsing": _("expected an ISO 8601 date and time such as "
                              "2026-03-17T09:30:00+08:00"),
        "datetime_from_date_parsing": _("expected an ISO 8601 date and time such as "
                                        "2026-03-17T09:30:00+08:00"),
        "datetime_type": _("expected an ISO 8601 date and time such as "
                           "2026-03-17T09:30:00+08:00"),
        "list_type": _("expected a JSON list such as [1, 2]"),
        "dict_type": _("expected a JSON object such as {\"field\": \"value\"}"),
        "model_type": _("expected a JSON object such as {\"field\": \"value\"}"),
        "model_attributes_type": _("expected a JSON object such as {\"field\": \"value\"}"),
        "uuid_parsing": _("expected a UUID such as 123e4567-e89b-12d3-a456-426614174000"),
        "uuid_type": _("expected a UUID such as 123e4567-e89b-12d3-a456-426614174000"),
        "extra_forbidden": _("this operation does not accept it; remove it"),
        "finite_number": _("expected a finite number such as 12"),
    }
    if problem.type in kinds:
        return kinds[problem.type]
    if problem.type == UNPAIRED_SURROGATE:
        return _("it contains the invalid character %(character)s, an unpaired UTF-16 "
                 "surrogate that is not text; remove it or type the character again") % {
            "character": context["character"]}
    bounds = {
        "greater_than_equal": ("ge", _("expected a number of at least %(limit)s")),
        "greater_than": ("gt", _("expected a number greater than %(limit)s")),
        "less_than_equal": ("le", _("expected a number of at most %(limit)s")),
        "less_than": ("lt", _("expected a number less than %(limit)s")),
        "string_too_short": ("min_length", _("expected at least %(limit)s characters")),
        "string_too_long": ("max_length", _("expected at most %(limit)s characters")),
        "too_short": ("min_length", _("expected at least %(limit)s items")),
        "too_long": ("max_length", _("expected at most %(limit)s items")),
        "literal_error": ("expected", _("expected one of %(limit)s")),
        "enum": ("expected", _("expected one of %(limit)s")),
        "string_pattern_mismatch": ("pattern", _("expected text matching %(limit)s")),
    }
    if problem.type in bounds and bounds[problem.type][0] in context:
        key, text = bounds[problem.type]
        limit = context[key]
        if problem.type in {"literal_error", "enum"}:
            limit = accepted_values(limit)
        return text % {"limit": limit}
    if problem.type in {"value_error", "assertion_error"} and "error" in context:
        return str(context["error"])
    return _("the value has the wrong form (pydantic error type %(type)s)") % {
        "type": problem.type}


# One quoted value in pydantic's list of accepted values: "'a', 'b' or 'c'".
QUOTED_VALUE = re.compile(r"'((?:[^'\\]|\\.)*)'")


def accepted_values(expected: str) -> str:
    """Return pydantic's English list of accepted values joined in the request language."""
    values = QUOTED_VALUE.findall(expected)
    return join_codes(values) if values else expected


def problem_message(problem: Problem) -> str:
    """Write one problem: where it is, the value received, and what is expected."""
    if problem.value is MISSING:
        if problem.source == "body" and not problem.field:
            return _("the request body is missing; send a JSON object")
        return _("%(where)s is required but missing; add it") % {"where": where(problem)}
    if problem.source == "header":
        # Headers can carry credentials, so their values are not repeated.
        return _("%(where)s is invalid: %(expected)s") % {
            "where": where(problem), "expected": expected(problem)}
    return _("%(where)s has the invalid value “%(value)s”: %(expected)s") % {
        "where": where(problem), "value": shown_value(problem.value),
        "expected": expected(problem)}


def invalid_request_detail(messages: list[str]) -> str:
    """Join the problems into the ``detail`` of the 400 response, with the way to fix them."""
    return _("Invalid request: %(problems)s. Correct these values and send the request again; "
             "%(docs)s lists the fields and values each operation accepts.") % {
        "problems": "; ".join(messages), "docs": DOCS_PATH}
