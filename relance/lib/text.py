"""The one place where a ``relance.core.text.Text`` becomes the reader's language.

Pure code writes its sentences in French with their parameters (``relance.core.text``);
pages, forms and commands show them through ``translated``, which looks every template up
in the catalogue of the active language and writes numbers and dates the way it does.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import get_language, gettext

from relance.core.formatting import MONTHS, format_date
from relance.core.text import Text, text_of


def active_language() -> str:
    """The active language as ``relance.core.formatting`` knows it (French otherwise)."""
    code = (get_language() or "fr")[:2]
    return code if code in MONTHS else "fr"


def translated(message: object) -> str:
    """``message`` (a ``Text``, an error carrying one, or plain words) in the active language."""
    found = text_of(message)
    if isinstance(found, Text):
        return found.render(gettext, active_language())
    return found


def day_text(day: date) -> str:
    """A date as the active language writes it: fr 31/01/2026, en 31 January 2026."""
    return format_date(day, active_language())
