"""What the parsers hand to the import services: typed rows and line-numbered errors.

Parsers are pure: bytes in, these dataclasses out. They know nothing of the database, so
checks that need it (does this customer exist?) are made by the services, which report them
with the same ``RowError`` shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from relance.core.text import Text, TextError

# Called now and then with the number of data rows read so far.
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # 1-based line (or spreadsheet row) number in the file, header included
    column: str  # the header as written in the file, or "" for a whole-row problem
    # A sentence for a person: a ``Text`` from the parsers (translated where it is shown,
    # ``relance.lib.text.translated``), or words the services already wrote.
    reason: Text | str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "reason": str(self.reason)}


@dataclass(frozen=True, slots=True)
class CustomerRow:
    line: int
    external_ref: str
    name: str
    kind: str = "B2B"  # B2B | B2C | PUBLIC
    country: str = "FR"  # ISO 3166-1 alpha-2, upper case
    language: str = ""  # fr | nl | en | de, "" when the file does not say
    emails: tuple[str, ...] = ()  # first is the primary contact, others in copy
    phone: str = ""  # E.164
    contact_name: str = ""
    vat_number: str = ""  # compact form, e.g. FR40303265045
    siren: str = ""
    siret: str = ""
    enterprise_number: str = ""  # BE, 10 digits
    iban: str = ""  # compact form
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    city: str = ""
    payment_terms: str = ""
    customer_since: date | None = None
    notes: str = ""
    segment: str = ""
    scenario: str = ""


@dataclass(frozen=True, slots=True)
class InstalmentRow:
    due_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    line: int
    number: str
    customer_ref: str
    issue_date: date
    currency: str
    amount_incl_tax: Decimal
    instalments: tuple[InstalmentRow, ...]  # at least one; amounts add up to amount_incl_tax
    is_credit_note: bool = False
    applies_to: str = ""  # for a credit note: the invoice number it corrects, if given
    paid_date: date | None = None
    paid_amount: Decimal = Decimal("0.00")
    payment_terms: str = ""
    # As printed by the issuing software: RF or +++ (checked, canonical) or free text.
    payment_reference: str = ""
    # The customer's order, the quote and the contract the invoice answers to, as written.
    order_reference: str = ""
    quote_reference: str = ""
    contract_reference: str = ""


@dataclass(frozen=True, slots=True)
class PaymentRow:
    line: int
    reference: str
    date: date
    amount: Decimal
    currency: str
    customer_ref: str = ""
    invoice_number: str = ""
    method: str = ""


RowT = TypeVar("RowT")


@dataclass(slots=True)
class ParseResult(Generic[RowT]):
    rows: list[RowT] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""  # "" for a spreadsheet
    # Field name -> header found in the file, so users can see and correct the detection.
    mapping: dict[str, str] = field(default_factory=dict)
    data_rows: int = 0  # data rows read (blank lines excluded)


class FileFormatError(TextError):
    """The file as a whole cannot be read: empty, binary, no recognisable header..."""
