"""Checks of text typed by people: text that shows nothing, control and NUL characters.

Python's ``str.strip`` removes spaces, including the ideographic space
U+3000, but not format characters (Unicode category Cf) such as the
zero-width space U+200B, the word joiner U+2060 or the byte order mark
U+FEFF. They are invisible, so text made only of them is as empty as text
made of spaces. They are kept inside text that has anything else, except
the bidirectional embeddings, overrides and isolates (U+202A to U+202E,
U+2066 to U+2069), which are removed: they reorder the text around them
on every page that shows it, so "\u202e反转" would read backwards to
staff. Control characters (category Cc) other than tab and line breaks
are removed too.
"""

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# Django's own message for a NUL character, still used by forms without TextField. It is
# listed so that our catalogue keeps a correct Chinese translation, because Django's means
# "empty strings are not allowed".
DJANGO_NUL_MESSAGE = gettext_noop("Null characters are not allowed.")


# Control characters that text keeps: tab, line feed and carriage return.
KEPT_CONTROLS = frozenset("\t\n\r")


# Letters and symbols that render as empty space although Unicode does not class them as
# spaces: the Hangul fillers and the blank Braille pattern.
BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(value: str) -> bool:
    """Return whether the text shows nothing: only whitespace, format, control or blank glyphs."""
    return all(c.isspace() or c in BLANK_GLYPHS or unicodedata.category(c) in ("Cf", "Cc")
               for c in value)


# Bidirectional embeddings, overrides (U+202A to U+202E) and isolates (U+2066 to U+2069).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def strip_controls(value: str) -> str:
    """Remove control characters other than tab and line breaks, and bidirectional controls.

    Control characters, such as terminal escapes, show nothing on a page and
    break exports. Bidirectional controls reorder the text that follows
    them. Typed text needs neither.
    """
    return "".join(c for c in value if c in KEPT_CONTROLS
                   or (unicodedata.category(c) != "Cc" and c not in BIDI_CONTROLS))


class TextField(forms.CharField):
    """A CharField that takes invisible text as empty and names the position of a NUL character."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # to_python raises a clearer message, with the field and the position.
        self.validators = [v for v in self.validators
                           if not isinstance(v, ProhibitNullCharactersValidator)]

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(
                _("“%(field)s” contains a NUL control character (U+0000) at character "
                  "%(position)s, which text may not contain; remove it and send again.")
                % {"field": self.label or _("This field"), "position": value.index("\x00") + 1},
                code="null_characters_not_allowed",
            )
        text = super().to_python(value)
        if isinstance(text, str):
            text = strip_controls(text)
        return self.empty_value if text and is_blank(text) else text
