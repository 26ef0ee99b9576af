"""An export's columns, declared once per list: the header, the kind of value, and where the
value is read from.

A list's export reads its rows as tuples of one query (``paths``: the fields of a
``values_list``) and the writers format each column by its kind, chosen once for the whole
column rather than looked up for every cell. A column whose ``path`` is empty is worked out
by the list from the fields read (a state, a number of days): its place in the query's tuple
is left to the list, its kind still says how it is written.

Kinds: ``text`` (formula-looking text escaped), ``int``, ``money`` (``Decimal``, two decimals
in XLSX), ``date`` and ``datetime`` (naive, in the organisation's time zone). Any cell may be
``None`` (empty).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "int", "money", "date", "datetime"]
KINDS: tuple[Kind, ...] = ("text", "int", "money", "date", "datetime")


@dataclass(frozen=True)
class Column:
    label: object  # a lazy translation: resolved in the reader's language when written
    kind: Kind
    path: str = ""  # the queried field, or "" when the list works the value out

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind: {self.kind}")


def kinds(columns: Sequence[Column]) -> list[Kind]:
    return [column.kind for column in columns]
