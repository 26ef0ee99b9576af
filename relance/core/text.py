"""Sentences for people from pure code: French by default, translated where they are shown.

Pure modules (``relance.core``, ``relance.imports.parsers``) cannot ask Django for the reader's
language, so they say what they mean as a ``Text``: a French template with ``%(name)s``
placeholders and its parameters. The template is the gettext message id: it is marked with
``gettext_noop`` so that ``makemessages`` collects it into the catalogue, and the one mapping
``relance.lib.text.translated`` looks it up in the reader's language. ``str(text)`` is the
French sentence (the command line's default, logs, tests).

Parameters are words (``str``, never translated: keys, values people typed), numbers
(``int``, ``Decimal`` written with the places it carries), dates, or other ``Text``
(translated in turn). Errors that reach a person carry their ``Text`` as ``exc.text``
(``TextError``). A ``Text`` round-trips through JSON (``as_json`` / ``from_json``) so that
stored explanations can be read in any language later.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Union

from relance.core.formatting import format_date, format_number

Param = Union[str, int, Decimal, date, "Text"]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the catalogue (``makemessages`` looks for this name); no-op."""
    return message


def number_text(value: Decimal | int, language: str) -> str:
    """A number as ``language`` writes it, with the decimal places it carries (``12,5``)."""
    places = max(0, -int(value.as_tuple().exponent)) if isinstance(value, Decimal) else 0
    sign = "-" if value < 0 else ""
    return sign + format_number(value, language, places)


@dataclass(frozen=True, slots=True)
class Text:
    template: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str], language: str) -> str:
        """The sentence with ``translate`` applied to every template (this one and nested)."""
        values = {name: _param(value, translate, language) for name, value in self.params.items()}
        return translate(self.template) % values

    def __str__(self) -> str:
        return self.render(lambda template: template, "fr")

    def as_json(self) -> dict[str, Any]:
        return {"text": self.template, "params": {k: _to_json(v) for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Text:
        params = data.get("params") or {}
        return cls(str(data["text"]), {name: _from_json(value) for name, value in params.items()})


def sentence(template: str, /, **params: Param) -> Text:
    return Text(template, params)


def joined(parts: Sequence[Param], separator: str = ", ") -> Text:
    """Parts written one after the other, each translated on its own."""
    template = separator.replace("%", "%%").join(f"%(p{n})s" for n in range(len(parts)))
    return Text(template, {f"p{n}": part for n, part in enumerate(parts)})


def _param(value: Param, translate: Callable[[str], str], language: str) -> str:
    if isinstance(value, Text):
        return value.render(translate, language)
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, Decimal | int):
        return number_text(value, language)
    return format_date(value, language)


def _to_json(value: Param) -> Any:
    if isinstance(value, Text):
        return value.as_json()
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _from_json(value: Any) -> Param:
    if isinstance(value, dict):
        if "decimal" in value:
            return Decimal(value["decimal"])
        if "date" in value:
            return date.fromisoformat(value["date"])
        return Text.from_json(value)
    return value if isinstance(value, int | str) else str(value)


def text_of(value: object) -> Text | str:
    """What a message says: a ``Text``, one stored as JSON (``as_json``), the one an error
    carries, else the words themselves (stored before sentences were kept as ``Text``)."""
    if isinstance(value, Text | str):
        return value
    if isinstance(value, Mapping) and "text" in value:
        return Text.from_json(value)
    found = getattr(value, "text", None)
    return found if isinstance(found, Text) else str(value)


class TextError(ValueError):
    """An error whose reason a person reads: ``exc.text``, French as ``str(exc)``."""

    def __init__(self, template: str | Text, /, **params: Param) -> None:
        self.text = template if isinstance(template, Text) else Text(template, params)
        super().__init__(str(self.text))
