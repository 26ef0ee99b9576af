"""One statement model for every bank file format.

A ``Statement`` is one account's statement (or report, or notification) as the bank sent it;
its ``entries`` are the movements, one per transaction detail when the bank gives them (a
batch booking becomes several entries sharing a ``batch_id``).

Amounts are ``Decimal`` with a sign: a credit (money in) is positive, a debit negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from relance.core.text import Param, Text, TextError, gettext_noop

# A statement is rarely above a few MB; 100,000 entries of camt.053 weigh about 150 MB.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 200_000

Status = Literal["booked", "pending"]


class StatementError(TextError):
    """A file that cannot be read as a bank statement.

    ``line`` is the line number (text formats) and ``path`` the XML path (camt) where the
    problem is, when known; ``reason`` says what is wrong and what to do (a ``Text``: French
    by default, translated where it is shown) and ``text`` the same with where.
    """

    def __init__(
        self, reason: str, /, *, line: int | None = None, path: str = "", **params: Param
    ) -> None:
        self.reason = Text(reason, params)
        self.line = line
        self.path = path
        if line is not None and path:
            where: Param = Text(
                gettext_noop("ligne %(line)s (%(path)s)"), {"line": str(line), "path": path}
            )
        elif line is not None:
            where = Text(gettext_noop("ligne %(line)s"), {"line": str(line)})
        else:
            where = path
        said = Text(gettext_noop("%(where)s : %(reason)s"), {"where": where, "reason": self.reason})
        super().__init__(said if where else self.reason)


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal
    date: date | None


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    booking_date: date | None
    value_date: date | None
    amount: Decimal
    currency: str
    status: Status = "booked"
    reversal: bool = False
    return_reason: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    counterparty_bic: str = ""
    structured_reference: str = ""
    text: str = ""
    info: str = ""
    bank_code: str = ""
    bank_reference: str = ""
    end_to_end_id: str = ""
    batch_id: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Statement:
    format: str
    account: str
    currency: str
    entries: tuple[Entry, ...]
    bank_id: str = ""
    statement_id: str = ""
    sequence: str = ""
    period_start: date | None = None
    period_end: date | None = None
    opening: Balance | None = None
    closing: Balance | None = None
    warnings: tuple[Text, ...] = ()


@dataclass(slots=True)
class StatementFile:
    format: str
    statements: list[Statement] = field(default_factory=list)
    warnings: list[Text] = field(default_factory=list)

    @property
    def entry_count(self) -> int:
        return sum(len(statement.entries) for statement in self.statements)


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_entries: int = DEFAULT_MAX_ENTRIES
