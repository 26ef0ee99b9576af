from __future__ import annotations

import csv
import io
from decimal import Decimal

from relance.accounts.models import AuditEvent
from relance.imports.models import ImportBatch
from relance.ledger.models import Allocation, Contact, Customer, Instalment, Invoice, Payment
from relance.ledger.selectors import outstanding_by_currency
from tests.imports.helpers import database_state, fixture, outstanding, run_import


def _reference(organisation):
    customers = run_import(organisation, "customers", fixture("ref-customers.csv"))
    invoices = run_import(organisation, "invoices", fixture("ref-invoices.csv"))
    return customers, invoices


def test_reference_sample_imports_as_it_is(organisation):
    customers, invoices = _reference(organisation)
    assert customers.ok and invoices.ok, (customers.rejected, invoices.rejected)
    assert (customers.created, invoices.created) == (10, 100)
    assert Customer.objects.filter(organisation=organisation).count() == 10
    assert Contact.objects.filter(organisation=organisation, is_primary=True).count() == 10
    assert Invoice.objects.count() == 100
    assert Instalment.objects.count() == 100
    # 86 paid in full and 1 partially: 87 payments, each allocated to its invoice.
    assert Payment.objects.count() == 87
    assert Allocation.objects.count() == 87
    rows = list(csv.DictReader(io.StringIO(fixture("ref-invoices.csv").decode())))
    expected_open = sum(
        Decimal(r["amount_incl_tax"]) - Decimal(r["paid_amount"] or "0") for r in rows
    )
    assert outstanding_by_currency(organisation) == {"EUR": expected_open}
    partial = next(
        r for r in rows if Decimal("0") < Decimal(r["paid_amount"]) < Decimal(r["amount_incl_tax"])
    )
    invoice = Invoice.objects.get(number=partial["number"])
    assert outstanding(invoice) == Decimal(partial["amount_incl_tax"]) - Decimal(
        partial["paid_amount"]
    )


def test_reimport_changes_nothing_and_says_so(organisation):
    _reference(organisation)
    before = database_state()
    again = run_import(organisation, "invoices", fixture("ref-invoices.csv"))
    customers = run_import(organisation, "customers", fixture("ref-customers.csv"))
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 100, "rejected": []}
    assert again.status == "unchanged"
    assert customers.as_dict()["unchanged"] == 10
    assert database_state() == before


def test_changed_amount_and_due_date_update_and_are_audited(organisation):
    _reference(organisation)
    text = fixture("ref-invoices.csv").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    target = next(r for r in rows if r["paid_amount"] == "0.00")
    changed = text.replace(
        f"{target['number']},{target['customer_id']},{target['issue_date']},{target['due_date']},"
        f"{target['amount_incl_tax']}",
        f"{target['number']},{target['customer_id']},{target['issue_date']},2026-12-31,"
        f"{target['amount_incl_tax']}",
    )
    assert changed != text
    report = run_import(organisation, "invoices", changed.encode())
    assert report.as_dict() == {"created": 0, "updated": 1, "unchanged": 99, "rejected": []}
    invoice = Invoice.objects.get(number=target["number"])
    assert invoice.instalments.get().due_date.isoformat() == "2026-12-31"
    event = AuditEvent.objects.get(action="invoice_update", entity_id=str(invoice.uuid))
    assert event.before["instalments"][0][0] == target["due_date"]
    assert event.after["instalments"][0][0] == "2026-12-31"


def test_a_payment_arriving_in_a_later_export_updates_the_invoice(organisation):
    _reference(organisation)
    text = fixture("ref-invoices.csv").decode()
    target = next(r for r in csv.DictReader(io.StringIO(text)) if r["paid_amount"] == "0.00")
    line = ",".join(target.values())
    paid = line.replace(",,0.00,", f",2026-07-01,{target['amount_incl_tax']},")
    report = run_import(organisation, "invoices", text.replace(line, paid).encode())
    assert (report.updated, report.created) == (1, 0)
    invoice = Invoice.objects.get(number=target["number"])
    assert outstanding(invoice) == 0
    payment = Payment.objects.get(reference=f"import:{target['number']}")
    assert payment.amount == Decimal(target["amount_incl_tax"])
    # and back again: the payment disappears, the invoice is open again
    report = run_import(organisation, "invoices", text.encode())
    assert report.updated == 1
    assert outstanding(invoice) == Decimal(target["amount_incl_tax"])
    assert not Payment.objects.filter(reference=f"import:{target['number']}").exists()


def test_french_export_cp1252_semicolons_french_dates_and_amounts(organisation):
    customers = run_import(organisation, "customers", fixture("fr-customers.csv"))
    assert customers.ok, customers.rejected
    assert customers.encoding == "cp1252"
    assert customers.delimiter == ";"
    lefevre = Customer.objects.get(external_ref="CLI001")
    assert lefevre.name == "Boulangerie Lefèvre SARL"
    assert lefevre.vat_number == "FR44732829320"
    assert lefevre.contacts.get().phone == "+33142685300"
    peeters = Customer.objects.get(external_ref="CLI003")
    assert (peeters.country, peeters.language, peeters.kind) == ("BE", "nl", "B2B")
    assert Customer.objects.get(external_ref="CLI002").kind == "B2C"
    invoices = run_import(organisation, "invoices", fixture("fr-invoices.csv"))
    assert invoices.ok, invoices.rejected
    assert invoices.created == 4
    first = Invoice.objects.get(number="FA-2026-0001")
    assert first.amount_incl_tax == Decimal("1234.56")
    assert first.instalments.get().due_date.isoformat() == "2026-02-04"
    assert outstanding(Invoice.objects.get(number="FA-2026-0002")) == Decimal("1400.00")
    assert outstanding(Invoice.objects.get(number="FA-2026-0003")) == Decimal("0.00")


def test_a_file_with_errors_is_rejected_whole_and_changes_nothing(organisation):
    _reference(organisation)
    before = database_state()
    bad = (
        b"number,customer_id,issue_date,due_date,amount_incl_tax,currency,paid_date,paid_amount\n"
        b"NEW-1,C000001,2026-01-10,2026-02-09,100.00,EUR,,0.00\n"
        b"NEW-2,C999999,2026-01-10,2026-02-09,100.00,EUR,,0.00\n"
        b"NEW-3,C000001,2026-01-10,2026-01-01,100.00,EUR,,0.00\n"
        b"NEW-4,C000001,31/02/2026,2026-03-09,100.00,EUR,,0.00\n"
        b"NEW-5,C000001,2026-01-10,2026-02-09,-5.00,EUR,,0.00\n"
        b"NEW-6,C000001,2026-01-10,2026-02-09,douze,EUR,,0.00\n"
    )
    report = run_import(organisation, "invoices", bad)
    assert not report.ok
    lines = sorted({error.line for error in report.rejected})
    assert lines == [3, 4, 5, 6, 7]
    by_line = {error.line: error for error in report.rejected}
    assert by_line[3].column == "customer_id" and "C999999" in str(by_line[3].reason)
    assert by_line[4].column == "due_date"
    assert by_line[5].column == "issue_date"
    assert report.as_dict()["created"] == 0
    assert database_state() == before
    assert not Invoice.objects.filter(number="NEW-1").exists()


def test_dry_run_reports_without_writing(organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    before = database_state()
    report = run_import(organisation, "invoices", fixture("ref-invoices.csv"), dry_run=True)
    assert (report.created, report.status) == (100, "dry_run")
    assert database_state() == before


def test_the_original_file_is_kept_with_the_batch(organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"), name="clients.csv")
    batch = ImportBatch.objects.get()
    assert batch.original.read() == fixture("ref-customers.csv")
    assert batch.created == 10 and batch.kind == "customers"
    assert AuditEvent.objects.filter(action="import_commit", entity_id=str(batch.uuid)).exists()


def test_imports_are_isolated_between_organisations(organisation, other_organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    report = run_import(other_organisation, "invoices", fixture("ref-invoices.csv"))
    assert not report.ok  # the customers exist only in the other organisation
    assert all("client inconnu" in str(error.reason) for error in report.rejected)
    run_import(other_organisation, "customers", fixture("ref-customers.csv"))
    assert run_import(other_organisation, "invoices", fixture("ref-invoices.csv")).created == 100
    assert run_import(organisation, "invoices", fixture("ref-invoices.csv")).created == 100
    assert Invoice.objects.filter(organisation=organisation).count() == 100
    assert Invoice.objects.filter(organisation=other_organisation).count() == 100
    mixed = Invoice.objects.filter(organisation=organisation).exclude(
        customer__organisation=organisation
    )
    assert not mixed.exists()


REFERENCED = (
    "number,customer_id,issue_date,due_date,amount_incl_tax,Référence de paiement\n"
    "REF-1,C000001,2026-01-10,2026-02-09,100.00,rf18 5390 0754 7034\n"
    "REF-2,C000001,2026-01-10,2026-02-09,200.00,***010/8068/17183***\n"
    "REF-3,C000001,2026-01-10,2026-02-09,300.00,  Commande  4521/B \n"
    "REF-4,C000001,2026-01-10,2026-02-09,400.00,\n"
)


def test_the_invoices_own_payment_reference_is_imported_in_its_canonical_form(organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    report = run_import(organisation, "invoices", REFERENCED.encode())
    assert report.ok, report.rejected
    assert dict(Invoice.objects.values_list("number", "payment_reference")) == {
        "REF-1": "RF18539007547034", "REF-2": "+++010/8068/17183+++",
        "REF-3": "Commande 4521/B", "REF-4": "",
    }  # fmt: skip
    changed = REFERENCED.replace("Commande  4521/B", "Commande 4522/B")
    again = run_import(organisation, "invoices", changed.encode())
    assert (again.updated, again.unchanged) == (1, 3)
    assert Invoice.objects.get(number="REF-3").payment_reference == "Commande 4522/B"
    update = AuditEvent.objects.get(action="invoice_update")
    assert (update.before["payment_reference"], update.after["payment_reference"]) == (
        "Commande 4521/B", "Commande 4522/B",
    )  # fmt: skip


def test_a_structured_reference_with_wrong_check_digits_is_refused_with_its_line(organisation):
    run_import(organisation, "customers", fixture("ref-customers.csv"))
    before = database_state()
    wrong = REFERENCED.replace("rf18 5390 0754 7034", "RF18 5390 0754 7035").replace(
        "***010/8068/17183***", "+++010/8068/17184+++"
    )
    report = run_import(organisation, "invoices", wrong.encode())
    assert not report.ok
    assert [(e.line, e.column) for e in report.rejected] == [
        (2, "Référence de paiement"), (3, "Référence de paiement"),
    ]  # fmt: skip
    assert "RF18 5390 0754 7035" in str(report.rejected[0].reason)
    assert "contrôle" in str(report.rejected[1].reason)
    assert database_state() == before
