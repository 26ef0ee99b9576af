"""Imports bounded in what they read and store, on the command line and through the
service: field lengths from the models (the same refusal on SQLite and PostgreSQL), hostile
workbooks, a million columns, error reports cut to their first problems, encodings."""

from __future__ import annotations

import json
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from benchmarks.hostile_files import csv_columns, csv_undefined_cp1252, xlsx_huge_shared_string
from relance.imports.limits import field_lengths
from relance.imports.parsers.limits import MB
from relance.ledger.models import Customer, Invoice, Payment
from tests.imports.helpers import database_state, run_import


def _errors(report) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, str(e.reason)) for e in report.rejected]


def test_stored_lengths_are_read_from_the_models():
    assert field_lengths("customers")["name"] == Customer._meta.get_field("name").max_length
    assert field_lengths("invoices")["number"] == Invoice._meta.get_field("number").max_length
    assert field_lengths("payments")["reference"] == Payment._meta.get_field("reference").max_length


def test_a_customer_field_longer_than_the_model_keeps_is_refused_with_line_and_column(
    organisation,
):
    longest = "N" * 200
    data = f"id;name;ville\nC1;{longest};Lyon\nC2;{longest}N;Lille\nC3;Trois;{'V' * 101}\n"
    before = database_state()
    report = run_import(organisation, "customers", data.encode())
    assert _errors(report) == [
        (3, "name", "201 caractères, 200 au plus"),
        (4, "ville", "101 caractères, 100 au plus"),
    ]
    assert database_state() == before
    report = run_import(organisation, "customers", f"id;name\nC1;{longest}\n".encode())
    assert report.ok and Customer.objects.get(external_ref="C1").name == longest


def test_invoice_and_payment_references_longer_than_the_model_keeps_are_refused(organisation):
    run_import(organisation, "customers", b"id;name\nC1;Un\n")
    invoices = (
        "number;customer_id;issue_date;due_date;amount_incl_tax\n"
        f"{'F' * 65};C1;2026-01-01;2026-01-31;10\n"
        f"F2;{'C' * 65};2026-01-01;2026-01-31;10\n"
    )
    report = run_import(organisation, "invoices", invoices.encode())
    assert _errors(report) == [
        (2, "number", "65 caractères, 64 au plus"),
        (3, "customer_id", "65 caractères, 64 au plus"),
    ]
    payments = f"reference;date;amount;customer_id\n{'R' * 101};2026-02-01;10;C1\n"
    report = run_import(organisation, "payments", payments.encode())
    assert _errors(report) == [(2, "reference", "101 caractères, 100 au plus")]
    assert not Invoice.objects.exists() and not Payment.objects.exists()


def test_an_email_address_longer_than_smtp_carries_is_refused(organisation):
    address = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.fr"
    report = run_import(organisation, "customers", f"id;name;email\nC1;Un;{address}\n".encode())
    assert _errors(report) == [
        (2, "email", f"adresse e-mail de {len(address)} caractères, 254 au plus")
    ]


def test_a_workbook_with_a_huge_shared_string_creates_nothing(organisation):
    started = time.perf_counter()
    report = run_import(
        organisation, "customers", xlsx_huge_shared_string(64 * MB), name="clients.xlsx"
    )
    assert time.perf_counter() - started < 5
    assert report.rejected[0].line == 0 and "xl/sharedStrings.xml" in str(report.rejected[0].reason)
    assert not Customer.objects.exists()


def _command(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("import_data", *args, stdout=out, stderr=StringIO())
    except SystemExit as exit:
        return out.getvalue(), int(exit.code or 0)
    return out.getvalue(), 0


def test_a_million_columns_get_a_short_error_on_the_command_line(organisation, tmp_path: Path):
    path = tmp_path / "clients.csv"
    path.write_bytes(csv_columns(1_000_000))
    output, code = _command("customers", str(path), "--json")
    assert code == 1
    assert len(output) < 500
    (error,) = json.loads(output)["rejected"]
    wanted = "La ligne d'en-tête compte environ 1\u202f000\u202f000 colonnes"
    assert error["reason"].startswith(wanted)


def test_the_command_line_report_lists_the_first_problems_and_counts_the_rest(
    organisation, tmp_path: Path
):
    path = tmp_path / "clients.csv"
    path.write_text("id;name\n" + "".join(f"C{n};\n" for n in range(5000)))
    output, code = _command("customers", str(path), "--json")
    found = json.loads(output)
    assert code == 1 and len(output) < 20_000
    assert len(found["rejected"]) == 100 and found["rejected_more"] == 4900
    assert found["rejected"][-1]["line"] == 101
    text, _ = _command("customers", str(path))
    assert "Fichier rejeté : 5000 erreur(s)" in text and "… et 4900 autre(s)" in text
    assert text.count("nom du client manquant") == 100


def test_the_command_line_refuses_a_file_too_large_before_reading_it(
    organisation, tmp_path: Path, settings
):
    settings.RELANCE_IMPORT_FILE_MAX_MB = 1
    path = tmp_path / "clients.csv"
    path.write_bytes(b"id;name\n" + b"C1;Un\n" * 300_000)
    with pytest.raises(CommandError, match=r"Fichier trop volumineux \(1 Mo\) : 1 Mo au plus"):
        _command("customers", str(path))


def test_an_undefined_byte_is_refused_then_read_under_the_chosen_encoding(
    organisation, tmp_path: Path
):
    path = tmp_path / "clients-dos.csv"
    path.write_bytes(csv_undefined_cp1252(line=4))
    output, code = _command("customers", str(path))
    assert code == 1
    assert "fichier : Ligne 4 : l'octet 0x81 n'existe pas en Windows-1252" in output
    assert not Customer.objects.exists()
    output, code = _command("customers", str(path), "--encoding", "cp850")
    assert code == 0, output
    assert Customer.objects.get(external_ref="M1").name == "Müller SARL"
