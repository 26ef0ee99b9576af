"""Per-file helpers shared by the row parsers: read a cell, or record why it cannot be read.

Each ``Cells`` object belongs to one parse: it owns the error list and caches (dates and
low-cardinality strings repeat a lot; sharing one object per distinct value saves both time
and memory on large files).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from relance.core.text import Param, Text

from .rows import RowError
from .values import NEGATIVE, NOTHING, PLAIN_AMOUNT, ZERO, CellError, parse_amount, parse_date

_CACHE_LIMIT = 200_000


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a parse creates millions of small objects, none in
    a reference cycle, that it would otherwise rescan again and again (2 s of 9 on a million
    invoices). Only re-enabled by the one who disabled it, so nested or concurrent parses
    are safe."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Cells:
    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.dates: dict[str, date] = {}
        self.strings: dict[str, str] = {}

    def error(self, line: int, column: str, reason: str | Text, /, **params: Param) -> None:
        """Record why a cell cannot be read: a ``Text``, or a template (marked with
        ``gettext_noop``) and its parameters."""
        said = reason if isinstance(reason, Text) else Text(reason, params)
        self.errors.append(RowError(line, column, said))

    def shared(self, text: str) -> str:
        """The same str object for equal values (customer refs, currencies, terms...)."""
        if len(self.strings) < _CACHE_LIMIT:
            return self.strings.setdefault(text, text)
        return self.strings.get(text, text)

    def date(self, raw: str, line: int, column: str, missing: str = "") -> date | None:
        """The date in ``raw``, or None when empty (an error saying ``missing`` if given) or
        invalid (an error)."""
        found = self.dates.get(raw)
        if found is not None:
            return found
        text = raw.strip()
        if not text:
            if missing:
                self.error(line, column, missing)
            return None
        try:
            found = parse_date(text)
        except CellError as exc:
            self.error(line, column, exc.text)
            return None
        if len(self.dates) < _CACHE_LIMIT:
            self.dates[raw] = found
        return found

    def amount(
        self,
        raw: str,
        line: int,
        column: str,
        *,
        missing: str = "",
        allow_zero: bool = False,
        allow_negative: bool = False,
    ) -> Decimal | None:
        """The amount in ``raw``: None when empty (an error saying ``missing`` if given) or
        invalid, negative or zero when not allowed (an error)."""
        if PLAIN_AMOUNT(raw):
            value = Decimal(raw)
        else:
            text = raw.strip()
            if not text:
                if missing:
                    self.error(line, column, missing)
                return None
            try:
                value = parse_amount(text)
            except CellError as exc:
                self.error(line, column, exc.text)
                return None
            if value < 0 and not allow_negative:
                self.error(line, column, NEGATIVE, text=text)
                return None
        if not value and not allow_zero:
            self.error(line, column, NOTHING, text=raw.strip())
            return None
        return value if value else ZERO

    def text(self, raw: str, line: int, column: str, parse: Callable[..., str], *args: str) -> str:
        """``parse(raw, *args)`` for an optional coded value; "" when empty or invalid."""
        text = raw.strip()
        if not text:
            return ""
        try:
            return parse(text, *args)
        except CellError as exc:
            self.error(line, column, exc.text)
            return ""
