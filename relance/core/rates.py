"""Rate tables and legal parameters, loaded from the CSV files shipped in ``relance/core/data``.

Every row carries its source and a ``verified`` flag copied from the research note
(``docs/legal-rules.md``). Nothing here has a default: a date the table does not cover is an
error that names the table and the date, so a missing half-year can never be filled silently.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, cast

DATA_PACKAGE = "relance.core"
DATA_FOLDER = "data"
RATE_COLUMNS = ("start", "end", "rate", "source", "verified", "note")
FLAGS = {"yes": True, "no": False}


class RateTableError(ValueError):
    """A data file is malformed (a programming or packaging error, not a user error)."""


class RateNotFoundError(LookupError):
    """No row of ``table`` covers ``day``."""

    def __init__(self, table: str, day: date, first: date | None, last: date | None) -> None:
        self.table = table
        self.day = day
        covered = (
            f" (elle couvre du {first.isoformat()} au {last.isoformat()})" if first and last else ""
        )
        super().__init__(
            f"aucun taux en vigueur le {day.isoformat()} dans la table « {table} »{covered}. "
            f"Ajoutez la valeur publiée, avec sa source : relance rates add {table} "
            "(ou une ligne dans relance/core/data)."
        )


@dataclass(frozen=True, slots=True)
class RateRow:
    start: date
    end: date  # included
    rate: Decimal  # percent per year: Decimal("12.15") means 12.15 %
    source: str
    verified: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class RateTable:
    """Rows covering one unbroken run of days, oldest first."""

    name: str
    rows: tuple[RateRow, ...]

    def __post_init__(self) -> None:
        if not self.rows:
            raise RateTableError(f"{self.name}: the table is empty")
        for row in self.rows:
            if row.end < row.start:
                raise RateTableError(f"{self.name}: row {row.start} ends before it starts")
        for before, after in zip(self.rows, self.rows[1:], strict=False):
            if after.start != before.end + timedelta(days=1):
                raise RateTableError(
                    f"{self.name}: gap or overlap between {before.end} and {after.start}"
                )

    @property
    def first_day(self) -> date:
        return self.rows[0].start

    @property
    def last_day(self) -> date:
        return self.rows[-1].end

    def row_on(self, day: date) -> RateRow:
        """The row in force on ``day``."""
        for row in self.rows:
            if row.start <= day <= row.end:
                return row
        raise RateNotFoundError(self.name, day, self.first_day, self.last_day)

    def rate_on(self, day: date) -> Decimal:
        return self.row_on(day).rate

    def changes_between(self, first: date, last: date) -> Iterator[date]:
        """Days in ``(first, last]`` on which a new row starts."""
        for row in self.rows:
            if first < row.start <= last:
                yield row.start


def overlay(table: RateTable, added: Iterable[RateRow]) -> RateTable:
    """``table`` with ``added`` rows laid over it, in order: a later row wins on the days it
    covers, the rows it overlaps are cut around it. The result must still have no gap."""
    rows = list(table.rows)
    for new in added:
        kept: list[RateRow] = []
        for row in rows:
            if row.end < new.start or row.start > new.end:
                kept.append(row)
                continue
            if row.start < new.start:
                kept.append(replace(row, end=new.start - timedelta(days=1)))
            if row.end > new.end:
                kept.append(replace(row, start=new.end + timedelta(days=1)))
        rows = sorted([*kept, new], key=lambda row: row.start)
    return RateTable(table.name, tuple(rows))


@dataclass(frozen=True, slots=True)
class Parameter:
    regime: str
    name: str
    value: Decimal
    source: str
    verified: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class DamagesBand:
    """Belgian consumer damages cap: ``fixed + percent % x (x - above)``, at most ``cap``."""

    over: Decimal
    up_to: Decimal | None  # None: no upper bound
    fixed: Decimal
    percent: Decimal
    above: Decimal
    cap: Decimal | None
    source: str
    verified: bool


# File name (without .csv, the table's name) -> attribute of ``RateTables``.
TABLE_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "ecb_mro": "ecb_mro",
        "ecb_reference_rate": "ecb_reference",
        "fr_legal_rate_particuliers": "fr_legal_particuliers",
        "fr_legal_rate_autres_cas": "fr_legal_autres_cas",
        "be_late_payment_rate": "be_late_payment",
        "de_base_rate": "de_base",
    }
)


@dataclass(frozen=True, slots=True)
class RateTables:
    """Every table the penalty engine reads; pass it in (see ``load_rate_tables``)."""

    ecb_mro: RateTable  # every change, by effective date
    ecb_reference: RateTable  # value in force on 1 January / 1 July, per half-year
    fr_legal_particuliers: RateTable
    fr_legal_autres_cas: RateTable
    be_late_payment: RateTable
    de_base: RateTable
    parameters: Mapping[tuple[str, str], Parameter]
    be_consumer_damages: tuple[DamagesBand, ...]

    def table(self, name: str) -> RateTable:
        """A table by its file name (``ecb_reference_rate``...)."""
        try:
            return cast(RateTable, getattr(self, TABLE_FIELDS[name]))
        except KeyError:
            raise RateTableError(f"unknown rate table {name!r}") from None

    def with_table(self, table: RateTable) -> RateTables:
        changes: dict[str, Any] = {TABLE_FIELDS[table.name]: table}
        return replace(self, **changes)

    def parameter(self, regime: str, name: str) -> Parameter:
        try:
            return self.parameters[(regime, name)]
        except KeyError:
            raise RateTableError(f"regime_parameters.csv: no value for {regime} / {name}") from None


def _rows(
    filename: str, text: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != columns:
        raise RateTableError(f"{filename}: columns must be {','.join(columns)}")
    yield from enumerate(reader, start=2)


def _date(filename: str, line: int, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RateTableError(f"{filename} line {line}: bad date {value!r}") from None


def _decimal(filename: str, line: int, value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RateTableError(f"{filename} line {line}: bad number {value!r}") from None
    if not number.is_finite():
        raise RateTableError(f"{filename} line {line}: bad number {value!r}")
    return number


def _flag(filename: str, line: int, value: str) -> bool:
    if value not in FLAGS:
        raise RateTableError(f"{filename} line {line}: verified must be yes or no, not {value!r}")
    return FLAGS[value]


def _source(filename: str, line: int, value: str) -> str:
    if not value.strip():
        raise RateTableError(f"{filename} line {line}: every row needs its source")
    return value


def parse_rate_table(name: str, text: str) -> RateTable:
    """A rate table from CSV text with the columns ``start,end,rate,source,verified,note``."""
    filename = f"{name}.csv"
    rows = tuple(
        RateRow(
            start=_date(filename, line, record["start"]),
            end=_date(filename, line, record["end"]),
            rate=_decimal(filename, line, record["rate"]),
            source=_source(filename, line, record["source"]),
            verified=_flag(filename, line, record["verified"]),
            note=record["note"],
        )
        for line, record in _rows(filename, text, RATE_COLUMNS)
    )
    return RateTable(name, rows)


def parse_parameters(text: str) -> dict[tuple[str, str], Parameter]:
    filename = "regime_parameters.csv"
    columns = ("regime", "parameter", "value", "source", "verified", "note")
    parameters: dict[tuple[str, str], Parameter] = {}
    for line, record in _rows(filename, text, columns):
        key = (record["regime"], record["parameter"])
        if key in parameters:
            raise RateTableError(f"{filename} line {line}: {key} given twice")
        parameters[key] = Parameter(
            regime=key[0],
            name=key[1],
            value=_decimal(filename, line, record["value"]),
            source=_source(filename, line, record["source"]),
            verified=_flag(filename, line, record["verified"]),
            note=record["note"],
        )
    return parameters


def parse_damages_bands(text: str) -> tuple[DamagesBand, ...]:
    filename = "be_consumer_damages.csv"
    columns = ("over", "up_to", "fixed", "percent", "above", "cap", "source", "verified", "note")
    bands = tuple(
        DamagesBand(
            over=_decimal(filename, line, record["over"]),
            up_to=_decimal(filename, line, record["up_to"]) if record["up_to"] else None,
            fixed=_decimal(filename, line, record["fixed"]),
            percent=_decimal(filename, line, record["percent"]),
            above=_decimal(filename, line, record["above"]),
            cap=_decimal(filename, line, record["cap"]) if record["cap"] else None,
            source=_source(filename, line, record["source"]),
            verified=_flag(filename, line, record["verified"]),
        )
        for line, record in _rows(filename, text, columns)
    )
    for before, after in itertools.pairwise(bands):
        if before.up_to != after.over:
            raise RateTableError(f"{filename}: bands must follow each other")
    if not bands or bands[-1].up_to is not None:
        raise RateTableError(f"{filename}: the last band must have no upper bound")
    return bands


def read_data_file(filename: str) -> str:
    """A file of ``relance/core/data``, read through the installed package."""
    return (resources.files(DATA_PACKAGE) / DATA_FOLDER / filename).read_text(encoding="utf-8")


@cache
def load_rate_tables() -> RateTables:
    """The tables shipped with the package (read once per process)."""

    tables = {
        field: parse_rate_table(name, read_data_file(f"{name}.csv"))
        for name, field in TABLE_FIELDS.items()
    }
    return RateTables(
        **tables,
        parameters=MappingProxyType(parse_parameters(read_data_file("regime_parameters.csv"))),
        be_consumer_damages=parse_damages_bands(read_data_file("be_consumer_damages.csv")),
    )
