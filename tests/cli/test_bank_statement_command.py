"""``relance import bank-statement PATH [--dry-run] [--json]``: the report's shape and the
exit code, run through the command with a statement written as a file."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from relance.core.payment_reference import creditor_reference
from relance.imports.models import BankEntry
from relance.ledger.models import Payment
from relance.ledger.services import customer_create, invoice_create
from tests.imports.bank_files import ACCOUNT, Move, camt053


@pytest.fixture
def statement(organisation, actor, tmp_path):
    owner = customer_create(
        organisation=organisation, external_ref="C42", name="Garage Lemaire SARL", actor=actor
    )
    for number, amount in (("F-100", "60.00"), ("F-101", "40.00"), ("F-102", "75.00")):
        invoice_create(
            organisation=organisation, customer=owner, number=number,
            issue_date=date(2026, 2, 1), due_date=date(2026, 3, 1),
            amount_incl_tax=Decimal(amount), actor=actor,
        )  # fmt: skip
    path = tmp_path / "releve.xml"
    path.write_bytes(
        camt053([
            Move("R1", "100.00", structured=creditor_reference("C42")),
            Move("R2", "75.00", name="GARAGE LEMAIRE"),
            Move("R3", "9.99", text="inconnu"),
        ])
    )  # fmt: skip
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_data", *args, stdout=out)
    return out.getvalue()


def test_the_json_report_has_the_documented_shape(statement):
    result = json.loads(run("bank-statement", str(statement), "--json"))
    assert result == {
        "statements": 1,
        "entries": 3,
        "matched": [
            {"entry": f"{ACCOUNT}/R1", "invoice": "F-100", "amount": "60.00",
             "reason": "structured_reference", "confidence": "sure"},
            {"entry": f"{ACCOUNT}/R1", "invoice": "F-101", "amount": "40.00",
             "reason": "structured_reference", "confidence": "sure"},
        ],
        "suggested": [
            {"entry": f"{ACCOUNT}/R2", "invoice": "F-102", "amount": "75.00",
             "reason": "name_amount", "confidence": "likely"},
        ],
        "unmatched": [
            {"entry": f"{ACCOUNT}/R3", "invoice": None, "amount": "9.99",
             "reason": "no_match", "confidence": "none"},
        ],
        "reversals": [],
        "rejected": [],
    }  # fmt: skip
    assert Payment.objects.count() == 1 and BankEntry.objects.count() == 3


def test_a_dry_run_in_words_writes_nothing(statement):
    out = run("bank-statement", str(statement), "--dry-run")
    assert "Rapprochées, paiements enregistrés : 1" in out
    assert "référence structurée du client" in out
    assert "Simulation : rien n'a été écrit." in out
    assert not Payment.objects.exists() and not BankEntry.objects.exists()


def test_a_refused_file_exits_non_zero_with_its_reason(organisation, tmp_path):
    path = tmp_path / "releve.pdf"
    path.write_bytes(b"%PDF-1.4 not a statement")
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_data", "bank-statement", str(path), "--json", stdout=out)
    assert exit_.value.code == 1
    result = json.loads(out.getvalue())
    assert result["entries"] == 0 and result["rejected"][0]["reason"]
    assert set(result["rejected"][0]) == {"line", "reason"}
