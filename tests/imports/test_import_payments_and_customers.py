from __future__ import annotations

from decimal import Decimal

from relance.accounts.models import AuditEvent
from relance.ledger.models import Allocation, Contact, CreditNote, Customer, Invoice, Payment
from tests.imports.helpers import database_state, outstanding, run_import

CUSTOMERS = (
    b"id,name,kind,country,email,phone,language\n"
    b"K1,Garage Martin SARL,B2B,FR,compta@garage-martin.example.fr,+33142685300,fr\n"
    b"K2,Jan Peeters,B2C,BE,jan@example.be,+3221234567,nl\n"
)
INVOICES = (
    b"number,customer_id,issue_date,due_date,amount_incl_tax,currency\n"
    b"A-1,K1,2026-01-05,2026-02-04,100.00,EUR\n"
    b"A-2,K1,2026-02-05,2026-03-07,200.00,EUR\n"
    b"A-3,K1,2026-03-05,2026-04-04,300.00,EUR\n"
    b"B-1,K2,2026-01-05,2026-02-04,50.00,EUR\n"
)


def _ledger(organisation):
    assert run_import(organisation, "customers", CUSTOMERS).ok
    assert run_import(organisation, "invoices", INVOICES).ok


def test_payment_on_a_named_invoice_then_oldest_first(organisation):
    _ledger(organisation)
    payments = (
        b"reference,customer_id,invoice_number,date,amount,currency\n"
        b"VIR-1,K1,A-2,2026-03-10,250.00,EUR\n"  # pays A-2, the rest goes to A-1 (oldest)
        b"VIR-2,K2,,2026-03-11,20.00,EUR\n"
    )
    report = run_import(organisation, "payments", payments)
    assert report.as_dict() == {"created": 2, "updated": 0, "unchanged": 0, "rejected": []}
    assert outstanding(Invoice.objects.get(number="A-2")) == 0
    assert outstanding(Invoice.objects.get(number="A-1")) == Decimal("50.00")
    assert outstanding(Invoice.objects.get(number="A-3")) == Decimal("300.00")
    assert outstanding(Invoice.objects.get(number="B-1")) == Decimal("30.00")
    again = run_import(organisation, "payments", payments)
    assert again.as_dict()["unchanged"] == 2 and Payment.objects.count() == 2


def test_overpayment_leaves_unallocated_credit(organisation):
    _ledger(organisation)
    report = run_import(
        organisation,
        "payments",
        b"reference;client;date;montant\nCHQ-9;K2;12/03/2026;80,00\n",
    )
    assert report.ok, report.rejected
    payment = Payment.objects.get(reference="CHQ-9")
    assert sum(a.amount for a in payment.allocations.all()) == Decimal("50.00")
    assert outstanding(Invoice.objects.get(number="B-1")) == 0


def test_payment_errors_are_reported_and_nothing_written(organisation):
    _ledger(organisation)
    run_import(
        organisation, "payments", b"reference,customer_id,date,amount\nVIR-1,K1,2026-03-10,10.00\n"
    )
    before = database_state()
    bad = (
        b"reference,customer_id,invoice_number,date,amount,currency\n"
        b"VIR-1,K1,,2026-03-10,11.00,EUR\n"  # same reference, other amount
        b"VIR-2,K9,,2026-03-10,10.00,EUR\n"  # unknown customer
        b"VIR-3,K2,A-1,2026-03-10,10.00,EUR\n"  # invoice of another customer
        b"VIR-4,K1,Z-404,2026-03-10,10.00,EUR\n"  # unknown invoice
        b"VIR-5,K1,A-1,2026-03-10,10.00,USD\n"  # other currency
    )
    report = run_import(organisation, "payments", bad)
    assert [error.line for error in report.rejected] == [2, 3, 4, 5, 6]
    assert database_state() == before


def test_customer_update_only_touches_columns_in_the_file(organisation, actor):
    _ledger(organisation)
    Customer.objects.filter(external_ref="K1").update(notes="Appeler le mardi")
    changed = CUSTOMERS.replace(b"Garage Martin SARL", b"Garage Martin & Fils SARL").replace(
        b"compta@garage-martin", b"factures@garage-martin"
    )
    report = run_import(organisation, "customers", changed)
    assert report.as_dict() == {"created": 0, "updated": 1, "unchanged": 1, "rejected": []}
    customer = Customer.objects.get(external_ref="K1")
    assert customer.name == "Garage Martin & Fils SARL"
    assert customer.notes == "Appeler le mardi"
    assert Contact.objects.get(customer=customer, is_primary=True).email == (
        "factures@garage-martin.example.fr"
    )
    event = AuditEvent.objects.get(action="customer_update")
    assert event.before["name"] == "Garage Martin SARL"
    assert event.after["emails"] == "factures@garage-martin.example.fr"


def test_instalments_and_credit_notes(organisation):
    _ledger(organisation)
    data = (
        b"number,customer_id,issue_date,due_date,amount_incl_tax,instalment_amount,type,"
        b"applies_to\n"
        b"E-1,K1,2026-04-01,2026-05-01,900.00,300.00,invoice,\n"
        b"E-1,K1,2026-04-01,2026-06-01,900.00,300.00,invoice,\n"
        b"E-1,K1,2026-04-01,2026-07-01,900.00,300.00,invoice,\n"
        b"AV-1,K1,2026-04-10,2026-04-10,120.00,120.00,avoir,E-1\n"
    )
    report = run_import(organisation, "invoices", data)
    assert report.ok, report.rejected
    invoice = Invoice.objects.get(number="E-1")
    assert [(i.sequence, str(i.due_date), i.amount) for i in invoice.instalments.all()] == [
        (1, "2026-05-01", Decimal("300.00")),
        (2, "2026-06-01", Decimal("300.00")),
        (3, "2026-07-01", Decimal("300.00")),
    ]
    credit = CreditNote.objects.get(number="AV-1")
    allocation = Allocation.objects.get(credit_note=credit)
    assert allocation.instalment.sequence == 1 and allocation.amount == Decimal("120.00")
    assert outstanding(invoice) == Decimal("780.00")
    assert run_import(organisation, "invoices", data).as_dict()["unchanged"] == 2


def test_the_address_of_a_customers_file_is_imported_and_kept_when_a_file_lacks_it(organisation):
    with_address = (
        "id;name;adresse 1;adresse 2;code postal;ville;pays\n"
        "K1;Garage Martin SARL;3 place du Marché;Zone artisanale;67000;Strasbourg;FR\n"
    ).encode()
    assert run_import(organisation, "customers", with_address).ok
    garage = Customer.objects.get(external_ref="K1")
    assert (garage.address_line1, garage.address_line2, garage.postal_code, garage.city) == (
        "3 place du Marché", "Zone artisanale", "67000", "Strasbourg",
    )  # fmt: skip
    assert run_import(organisation, "customers", b"id,name\nK1,Garage Martin SARL\n").ok
    garage.refresh_from_db()
    assert garage.address_line2 == "Zone artisanale"
    moved = with_address.replace(b"Zone artisanale", b"")
    report = run_import(organisation, "customers", moved)
    assert report.as_dict()["updated"] == 1
    garage.refresh_from_db()
    assert garage.address_line2 == ""
