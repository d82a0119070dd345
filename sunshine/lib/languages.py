"""The active interface language, for data that carries its own English form."""

from django.utils import translation


def english_active() -> bool:
    """Return whether the request's language is English, so an English name should be shown."""
    return (translation.get_language() or "").startswith("en")
