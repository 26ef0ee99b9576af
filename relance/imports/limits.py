"""The bounds of an import, from the settings and the models: what the pure parsers get.

The stored length of each free-text field is read from its model field, so that a file is
refused with a line and a column on every database (SQLite would keep any length, PostgreSQL
would fail the whole import) and a migration changing a length changes the check with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from relance.imports.parsers.limits import MB, Limits
from relance.ledger.models import Contact, Customer, Invoice, Payment

# Import field -> the model field that stores it as written. Coded values (dates, amounts,
# currencies, identifiers...) are checked by their own format and are not listed.
STORED_AS_WRITTEN: dict[str, dict[str, tuple[type[models.Model], str]]] = {
    "customers": {
        "external_ref": (Customer, "external_ref"),
        "name": (Customer, "name"),
        "contact_name": (Contact, "name"),
        "address_line1": (Customer, "address_line1"),
        "address_line2": (Customer, "address_line2"),
        "postal_code": (Customer, "postal_code"),
        "city": (Customer, "city"),
        "payment_terms": (Customer, "payment_terms"),
    },
    "invoices": {
        "number": (Invoice, "number"),
        "customer_ref": (Customer, "external_ref"),
        "applies_to": (Invoice, "number"),
        "payment_terms": (Invoice, "payment_terms"),
        "payment_reference": (Invoice, "payment_reference"),
        "order_reference": (Invoice, "order_reference"),
        "quote_reference": (Invoice, "quote_reference"),
        "contract_reference": (Invoice, "contract_reference"),
    },
    "payments": {
        "reference": (Payment, "reference"),
        "customer_ref": (Customer, "external_ref"),
        "invoice_number": (Invoice, "number"),
        "method": (Payment, "method"),
    },
}


def field_lengths(kind: str) -> dict[str, int]:
    lengths = {}
    for name, (model, field) in STORED_AS_WRITTEN.get(kind, {}).items():
        stored = model._meta.get_field(field)
        if isinstance(stored, models.CharField) and stored.max_length is not None:
            lengths[name] = stored.max_length
    return lengths


def import_limits(kind: str) -> Limits:
    return Limits(
        file_bytes=settings.RELANCE_IMPORT_FILE_MAX_MB * MB,
        xlsx_part_bytes=settings.RELANCE_IMPORT_XLSX_MAX_MB * MB,
        xlsx_strings_bytes=settings.RELANCE_IMPORT_XLSX_STRINGS_MAX_MB * MB,
        rows=settings.RELANCE_IMPORT_MAX_ROWS,
        columns=settings.RELANCE_IMPORT_MAX_COLUMNS,
        cell_chars=settings.RELANCE_IMPORT_MAX_CELL_CHARS,
        lengths=field_lengths(kind),
    )


def upload_max_bytes() -> int:
    return int(settings.RELANCE_IMPORT_UPLOAD_MAX_MB) * MB


def max_errors() -> int:
    return int(settings.RELANCE_IMPORT_MAX_ERRORS)
