"""Bank statements imported: movements matched to open invoices, sure ones recorded as
payments, each movement stored once with its decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from relance.accounts.models import AuditEvent
from relance.core.payment_reference import belgian_structured, creditor_reference
from relance.dunning.run import run_day
from relance.imports.bank import bank_statement_import
from relance.imports.bank_report import BankImportReport
from relance.imports.models import BankEntry, PayerIban
from relance.ledger.models import Allocation, Customer, Payment
from relance.ledger.selectors import open_instalments
from relance.ledger.services import contact_add, customer_create, invoice_create
from tests.imports.bank_files import Move, camt053, cfonb120
from tests.imports.helpers import FIXTURES, database_state

D = Decimal
DUPONT_IBAN = "FR7630004000031234567890143"
JANSSENS_IBAN = "BE71096123456769"


def invoice(organisation, actor, owner, number, amount, due):
    return invoice_create(
        organisation=organisation, customer=owner, number=number, issue_date=date(2026, 2, 1),
        due_date=due, amount_incl_tax=D(amount), actor=actor,
    )  # fmt: skip


def customer(organisation, actor, ref, name, country="FR"):
    found = customer_create(
        organisation=organisation, external_ref=ref, name=name, country=country, actor=actor
    )
    contact_add(customer=found, email=f"compta@{ref.lower()}.example", is_primary=True,
                actor=actor)  # fmt: skip
    return found


@pytest.fixture
def ledger(organisation, actor):
    dupont = customer(organisation, actor, "DUP01", "Dupont & Fils SARL")
    janssens = customer(organisation, actor, "JAN", "Brouwerij Janssens NV", country="BE")
    martin = customer(organisation, actor, "MAR", "Martin SAS")
    invoice(organisation, actor, dupont, "F-2026-001", "100.00", date(2026, 3, 2))
    invoice(organisation, actor, dupont, "F-2026-002", "250.00", date(2026, 3, 5))
    invoice(organisation, actor, janssens, "F-2026-010", "300.00", date(2026, 3, 1))
    invoice(organisation, actor, janssens, "F-2026-011", "120.00", date(2026, 3, 9))
    invoice(organisation, actor, martin, "F-2026-020", "80.00", date(2026, 3, 3))
    return {"dupont": dupont, "janssens": janssens, "martin": martin}


def load(organisation, actor, data: bytes, **options) -> BankImportReport:
    return bank_statement_import(
        organisation=organisation, data=data, filename="releve.xml", actor=actor, **options
    )


def outstanding(organisation) -> dict[str, Decimal]:
    return {
        number: D(left).quantize(D("0.01"))
        for number, left in open_instalments(organisation).values_list(  # type: ignore[misc]
            "invoice__number", "outstanding"
        )
    }


def lines(report_lines) -> list[tuple[str | None, str, str, str]]:
    return [(x["invoice"], x["amount"], x["reason"], x["confidence"]) for x in report_lines]


def test_a_structured_reference_pays_the_customer_oldest_first(organisation, actor, ledger):
    reference = creditor_reference("DUP01")
    report = load(organisation, actor, camt053([Move("R1", "150.00", structured=reference)]))
    assert lines(report.matched) == [
        ("F-2026-001", "100.00", "structured_reference", "sure"),
        ("F-2026-002", "50.00", "structured_reference", "sure"),
    ]
    payment = Payment.objects.get()
    assert (payment.customer, payment.amount, payment.method, payment.date) == (
        ledger["dupont"], D("150.00"), "virement", date(2026, 3, 20),
    )  # fmt: skip
    assert outstanding(organisation)["F-2026-002"] == D("200.00")
    assert "F-2026-001" not in outstanding(organisation)
    entry = BankEntry.objects.get()
    assert (entry.status, entry.reason, entry.confidence, entry.payment) == (
        "matched", "structured_reference", "sure", payment,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="payment_record", entity_id=payment.reference).exists()


def test_an_overpayment_leaves_customer_credit(organisation, actor, ledger):
    reference = belgian_structured(ledger["janssens"].pk)
    report = load(organisation, actor, camt053([Move("R1", "500.00", structured=reference)]))
    assert lines(report.matched) == [
        ("F-2026-010", "300.00", "structured_reference", "sure"),
        ("F-2026-011", "120.00", "structured_reference", "sure"),
        (None, "80.00", "structured_reference", "sure"),
    ]
    payment = Payment.objects.get()
    allocated = sum(Allocation.objects.filter(payment=payment).values_list("amount", flat=True))
    assert payment.amount - allocated == D("80.00")  # left on the customer's account


def test_one_transfer_settles_two_invoices_named_in_the_text(organisation, actor, ledger):
    statement = cfonb120([Move("R1", "350.00", name="DUPONT & FILS",
                               text="VIR FACT 2026 001 ET F-2026-002")])  # fmt: skip
    report = load(organisation, actor, statement)
    assert lines(report.matched) == [
        ("F-2026-001", "100.00", "invoice_number", "sure"),
        ("F-2026-002", "250.00", "invoice_number", "sure"),
    ]
    assert Payment.objects.get().customer == ledger["dupont"]


def test_a_partial_payment_of_an_invoice(organisation, actor, ledger):
    report = load(
        organisation, actor,
        cfonb120([Move("R1", "100.00", name="DUPONT & FILS", text="REGLT FACT. 2026 002"),
                  Move("R2", "100.00", name="ACME", text="REGLT FACT. 2026 002")]),
    )  # fmt: skip
    assert lines(report.matched) == [("F-2026-002", "100.00", "invoice_number", "sure")]
    # The same label from a payer not known to be the customer waits for a person.
    assert lines(report.suggested) == [("F-2026-002", "100.00", "invoice_number", "likely")]
    assert outstanding(organisation)["F-2026-002"] == D("150.00")
    assert outstanding(organisation)["F-2026-001"] == D("100.00")


def test_an_iban_seen_in_a_sure_match_is_learned_then_used(organisation, actor, ledger):
    first = Move("R1", "300.00", iban=JANSSENS_IBAN,
                 structured=belgian_structured(ledger["janssens"].pk))  # fmt: skip
    load(organisation, actor, camt053([first], statement_id="S1"))
    assert PayerIban.objects.get().customer == ledger["janssens"]
    second = Move("R2", "120.00", iban=JANSSENS_IBAN, day=date(2026, 3, 21))
    report = load(organisation, actor, camt053([second], statement_id="S2"))
    assert lines(report.matched) == [("F-2026-011", "120.00", "iban_amount", "sure")]
    assert Payment.objects.count() == 2


def test_a_name_and_an_amount_are_only_suggested(organisation, actor, ledger):
    report = load(organisation, actor, camt053([Move("R1", "80.00", name="MARTIN")]))
    assert report.matched == []
    assert lines(report.suggested) == [("F-2026-020", "80.00", "name_amount", "likely")]
    assert not Payment.objects.exists()
    entry = BankEntry.objects.get()
    assert (entry.status, entry.customer, entry.allocations) == (
        "suggested", ledger["martin"], [[entry.allocations[0][0], "80.00"]],
    )  # fmt: skip


def test_reversals_debits_and_unknown_movements_are_not_applied(organisation, actor, ledger):
    reference = creditor_reference("DUP01")
    moves = [
        Move("R1", "100.00", structured=reference, reversal=True),
        Move("R2", "-45.90", text="PRLV EDF"),
        Move("R3", "12.34", text="remboursement"),
    ]
    report = load(organisation, actor, camt053(moves))
    assert [(x["entry"][-2:], x["reason"]) for x in report.unmatched] == [
        ("R1", "reversal_unknown"), ("R2", "debit"), ("R3", "no_match"),
    ]  # fmt: skip
    assert not Payment.objects.exists()
    statuses = dict(BankEntry.objects.values_list("entry_id", "status"))
    # A reversal of nothing relance knows waits for a person.
    assert sorted(statuses.values()) == ["ignored", "to_check", "unmatched"]


def test_the_same_or_an_overlapping_statement_records_nothing_twice(organisation, actor, ledger):
    first = Move("R1", "100.00", text="F-2026-001")
    statement = camt053([first], statement_id="DAY-1")
    load(organisation, actor, statement)
    again = load(organisation, actor, statement)
    assert (again.matched, again.already_imported, Payment.objects.count()) == ([], 1, 1)
    monthly = camt053([first, Move("R2", "250.00", text="F-2026-002")], statement_id="MONTH")
    report = load(organisation, actor, monthly)
    assert lines(report.matched) == [("F-2026-002", "250.00", "invoice_number", "sure")]
    assert (Payment.objects.count(), BankEntry.objects.count()) == (2, 2)
    for name in ("F-2026-001", "F-2026-002"):
        assert name not in outstanding(organisation)


def test_the_same_cfonb_statement_twice_records_nothing_twice(organisation, actor, ledger):
    statement = cfonb120([Move("", "100.00", text="F-2026-001"), Move("", "-5.00", text="FRAIS")])
    load(organisation, actor, statement)
    load(organisation, actor, statement)
    assert (Payment.objects.count(), BankEntry.objects.count()) == (1, 2)


def test_an_entry_is_stored_once_per_organisation_by_the_database(organisation, actor, ledger):
    load(organisation, actor, camt053([Move("R1", "12.00")]))
    entry = BankEntry.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        BankEntry.objects.create(
            **{f.attname: getattr(entry, f.attname) for f in BankEntry._meta.concrete_fields
               if f.attname not in ("id", "uuid")}
        )  # fmt: skip


def test_a_dry_run_writes_nothing(organisation, actor, ledger):
    before = database_state()
    report = load(
        organisation, actor, camt053([Move("R1", "100.00", text="F-2026-001")]), dry_run=True
    )
    assert lines(report.matched) == [("F-2026-001", "100.00", "invoice_number", "sure")]
    assert database_state() == before
    assert not BankEntry.objects.exists() and not PayerIban.objects.exists()


def test_a_file_that_is_not_a_statement_is_refused_with_its_reason(organisation, actor, ledger):
    truncated = camt053([Move("R1", "100.00")])[:-40]
    report = load(organisation, actor, truncated)
    assert report.status == "rejected" and report.rejected[0]["reason"]
    assert set(report.rejected[0]) == {"line", "reason"}
    assert not BankEntry.objects.exists()


def test_a_real_statement_in_another_currency_is_stored_and_not_applied(
    organisation, actor, ledger
):
    report = load(organisation, actor, (FIXTURES / "bank/camt/valid_example.xml").read_bytes())
    assert report.entries == BankEntry.objects.count() > 0
    # CHF; a reversal (RvslInd) of a credit never imported: to check
    assert {x["reason"] for x in report.unmatched} == {"currency", "reversal_unknown"}
    assert not Payment.objects.exists()


def test_the_morning_run_no_longer_reminds_a_paid_invoice(organisation, actor, ledger):
    day = date(2026, 3, 23)

    def reminded() -> set[str]:
        plan = run_day(organisation=organisation, day=day, actor=actor, dry_run=True).plan
        return {message.customer_ref for message in plan.messages}

    assert "MAR" in reminded()
    report = load(organisation, actor, cfonb120([Move("R1", "80.00", text="FACTURE F-2026-020")]))
    assert lines(report.matched) == [("F-2026-020", "80.00", "invoice_number", "sure")]
    assert "MAR" not in reminded()
    assert Customer.objects.count() == 3


def test_the_import_caps_of_the_settings_bound_a_statement(organisation, actor, settings):
    settings.RELANCE_IMPORT_MAX_ROWS = 2
    report = load(organisation, actor, camt053([Move(f"R{n}", "1.00") for n in range(3)]))
    assert "plus de 2" in report.rejected[0]["reason"]
    assert not BankEntry.objects.exists()


def test_a_pending_movement_waits_for_its_booking(organisation, actor, ledger):
    pending = Move("R1", "100.00", text="F-2026-001", pending=True)
    report = load(organisation, actor, camt053([pending]))
    assert lines(report.unmatched) == [(None, "100.00", "pending", "none")]
    assert not BankEntry.objects.exists() and not Payment.objects.exists()
    booked = load(organisation, actor, camt053([Move("R1", "100.00", text="F-2026-001")]))
    assert lines(booked.matched) == [("F-2026-001", "100.00", "invoice_number", "sure")]
