from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from relance.accounts.audit import Actor
from relance.accounts.models import AuditEvent, Organisation
from relance.imports.models import ImportBatch
from relance.imports.services import ImportReport, import_file
from relance.ledger.models import (
    Allocation,
    Contact,
    CreditNote,
    Customer,
    Instalment,
    Invoice,
    Payment,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TABLES = (
    Customer,
    Contact,
    Invoice,
    Instalment,
    CreditNote,
    Payment,
    Allocation,
    ImportBatch,
    AuditEvent,
)


def run_import(
    organisation: Organisation, kind: str, data: bytes, *, name: str = "file.csv", **options
) -> ImportReport:
    return import_file(
        organisation=organisation,
        kind=kind,
        data=data,
        filename=name,
        actor=Actor.system("test"),
        **options,
    )


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def database_state() -> dict[str, list[tuple[str, ...]]]:
    """Every row of every ledger table, to compare before and after a rejected import."""
    state = {}
    for model in TABLES:
        fields = [f.attname for f in model._meta.concrete_fields]
        state[model.__name__] = sorted(
            tuple(str(v) for v in row) for row in model.objects.values_list(*fields)
        )
    return state


def outstanding(invoice: Invoice) -> Decimal:
    total = Decimal("0.00")
    for instalment in invoice.instalments.all():
        allocated = sum((a.amount for a in instalment.allocations.all()), Decimal("0.00"))
        total += instalment.amount - allocated
    return total
