"""Bank statements that take money back, and invoices paid by their own payment reference:
reversals and direct-debit returns reverse the payment of the credit they undo, once; a
reversal relance cannot tie to a payment waits for a person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relance.accounts.models import AuditEvent
from relance.core.payment_reference import creditor_reference
from relance.dunning.run import run_day
from relance.imports.models import BankEntry
from relance.imports.selectors import reconciliation_entries
from relance.ledger.models import Allocation, CustomerBalance, Invoice, Payment
from tests.imports.bank_files import Move, camt053, cfonb120
from tests.imports.helpers import database_state
from tests.imports.test_bank_statement_import import customer, invoice, lines, load, outstanding

D = Decimal
LATER = date(2026, 3, 27)


@pytest.fixture
def ledger(organisation, actor):
    dupont = customer(organisation, actor, "DUP01", "Dupont & Fils SARL")
    janssens = customer(organisation, actor, "JAN", "Brouwerij Janssens NV", country="BE")
    invoice(organisation, actor, dupont, "F-2026-001", "100.00", date(2026, 3, 2))
    invoice(organisation, actor, dupont, "F-2026-002", "250.00", date(2026, 3, 5))
    invoice(organisation, actor, janssens, "F-2026-010", "300.00", date(2026, 3, 1))
    return {"dupont": dupont, "janssens": janssens}


def paid_by_e2e(organisation, actor) -> Payment:
    credit = Move("C1", "100.00", text="FACTURE F-2026-001", end_to_end="E2E-0001")
    load(organisation, actor, camt053([credit], statement_id="DAY-1"))
    return Payment.objects.get()


def test_a_reversal_undoes_the_payment_of_its_credit_once(organisation, actor, ledger):
    payment = paid_by_e2e(organisation, actor)
    assert "F-2026-001" not in outstanding(organisation)
    back = Move("C1-R", "100.00", reversal=True, end_to_end="E2E-0001", day=LATER)
    statement = camt053([back], statement_id="DAY-2")
    report = load(organisation, actor, statement)
    assert (report.reversed, [x["original"] for x in report.reversals]) == (1, [
        BankEntry.objects.get(reason="invoice_number").entry_id
    ])  # fmt: skip
    payment.refresh_from_db()
    assert (payment.reversed_on, payment.reversal_reason) == (LATER, "reversal")
    assert not Allocation.objects.filter(payment=payment).exists()
    assert outstanding(organisation)["F-2026-001"] == D("100.00")
    reversal = BankEntry.objects.get(status="reversal")
    assert (reversal.reverses.payment, reversal.payment, reversal.reason) == (
        payment, payment, "reversal",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="payment_reverse")
    assert event.entity_id == str(payment.uuid)
    assert event.before["allocated"][0][1] == "100.00"
    balance = CustomerBalance.objects.get(customer=ledger["dupont"])
    assert balance.outstanding == D("350.00")
    # The same statement again, then a monthly one that repeats the credit and its reversal.
    before = database_state()
    again = load(organisation, actor, statement)
    assert (again.reversed, again.already_imported, database_state()) == (0, 1, before)
    monthly = camt053([Move("C1", "100.00", text="FACTURE F-2026-001", end_to_end="E2E-0001"),
                       back], statement_id="MONTH")  # fmt: skip
    assert load(organisation, actor, monthly).already_imported == 2
    assert database_state() == before


def test_the_morning_run_reminds_an_invoice_whose_payment_came_back(organisation, actor, ledger):
    day = date(2026, 3, 30)

    def reminded() -> set[str]:
        plan = run_day(organisation=organisation, day=day, actor=actor, dry_run=True).plan
        return {item.invoice_number for message in plan.messages for item in message.items}

    paid = Move("C1", "350.00", text="F-2026-001 F-2026-002", end_to_end="E2E-9")
    load(organisation, actor, camt053([paid], statement_id="A"))
    assert not {"F-2026-001", "F-2026-002"} & reminded()
    back = Move("C1-R", "350.00", reversal=True, end_to_end="E2E-9", day=LATER)
    load(organisation, actor, camt053([back], statement_id="B"))
    assert {"F-2026-001", "F-2026-002"} <= reminded()


def test_a_direct_debit_return_reverses_the_collection(organisation, actor, ledger):
    collected = Move("DD1", "300.00", text="PRLV SEPA F-2026-010",
                     end_to_end="MANDATE-7/2026-03")  # fmt: skip
    load(organisation, actor, camt053([collected], statement_id="A"))
    payment = Payment.objects.get()
    returned = Move("DD1-RTN", "-300.00", end_to_end="MANDATE-7/2026-03", return_reason="MD06",
                    day=LATER)  # fmt: skip
    report = load(organisation, actor, camt053([returned], statement_id="B"))
    assert [(x["reason"], x["return_reason"]) for x in report.reversals] == [("reversal", "MD06")]
    payment.refresh_from_db()
    assert (payment.reversed_on, payment.reversal_reason) == (LATER, "MD06")
    assert BankEntry.objects.get(status="reversal").return_reason == "MD06"
    assert outstanding(organisation)["F-2026-010"] == D("300.00")


def test_a_cfonb_return_is_tied_to_its_credit_by_the_reference(organisation, actor, ledger):
    reference = creditor_reference("DUP01")
    load(organisation, actor, cfonb120([Move("", "100.00", text=f"VIR {reference}")]))
    payment = Payment.objects.get()
    load(organisation, actor, cfonb120([
        Move("", "-100.00", text=f"RETOUR {reference}", reversal=True, day=LATER),
    ]))  # fmt: skip
    payment.refresh_from_db()
    assert payment.reversed_on == LATER and payment.reversal_reason == "01"


def test_a_credit_and_its_reversal_in_one_file(organisation, actor, ledger):
    moves = [Move("C1", "100.00", text="F-2026-001", end_to_end="E2E-1"),
             Move("C1-R", "100.00", reversal=True, end_to_end="E2E-1")]  # fmt: skip
    dry = load(organisation, actor, camt053(moves), dry_run=True)
    assert (len(dry.matched), len(dry.reversals)) == (1, 1)
    assert not BankEntry.objects.exists()
    report = load(organisation, actor, camt053(moves))
    assert (report.payments, report.reversed) == (1, 1)
    assert Payment.objects.get().reversed_on == date(2026, 3, 20)
    assert outstanding(organisation)["F-2026-001"] == D("100.00")


def test_a_suggestion_taken_back_leaves_the_reconciliation_page(organisation, actor, ledger):
    suggested = Move("C1", "300.00", name="BROUWERIJ JANSSENS", end_to_end="X1")
    load(organisation, actor, camt053([suggested], statement_id="A"))
    assert [e.reason for e in reconciliation_entries(organisation)] == ["name_amount"]
    load(organisation, actor, camt053([Move("C1-R", "300.00", reversal=True, end_to_end="X1")],
                                      statement_id="B"))  # fmt: skip
    assert list(reconciliation_entries(organisation)) == []
    assert BankEntry.objects.get(entry_id__endswith="/C1").reason == "reversed"
    assert not Payment.objects.exists()


def test_reversals_relance_cannot_tie_to_a_payment_are_to_check(organisation, actor, ledger):
    paid_by_e2e(organisation, actor)
    moves = [
        Move("U1", "42.00", reversal=True, end_to_end="NEVER-SEEN"),
        Move("U2", "-99.00", end_to_end="E2E-0001", return_reason="AM04"),  # other amount
        Move("U3", "100.00", reversal=True, end_to_end="E2E-0001"),
        Move("U4", "100.00", reversal=True, end_to_end="E2E-0001"),  # the same, taken already
        Move("D1", "-100.00", end_to_end="NEVER-SEEN", text="VIREMENT FOURNISSEUR"),
    ]
    report = load(organisation, actor, camt053(moves, statement_id="B"))
    assert [(x["entry"][-2:], x["reason"]) for x in report.unmatched] == [
        ("U1", "reversal_unknown"), ("U2", "reversal_amount"), ("U4", "already_reversed"),
        ("D1", "debit"),
    ]  # fmt: skip
    assert report.reversed == 1
    waiting = {e.entry_id[-2:]: (e.status, e.reason) for e in reconciliation_entries(organisation)}
    assert waiting == {
        "U1": ("to_check", "reversal_unknown"), "U2": ("to_check", "reversal_amount"),
        "U4": ("to_check", "already_reversed"),
    }  # fmt: skip
    assert Payment.objects.get().reversed_on is not None


def test_a_plain_debit_with_the_end_to_end_id_of_a_credit_takes_it_back(
    organisation, actor, ledger
):
    payment = paid_by_e2e(organisation, actor)
    load(
        organisation,
        actor,
        camt053([Move("D1", "-100.00", end_to_end="E2E-0001")], statement_id="B"),
    )
    payment.refresh_from_db()
    assert payment.reversed_on is not None


@pytest.mark.parametrize(
    ("own", "move"),
    [
        ("RF18 5390 0754 7034", Move("R1", "250.00", structured="RF18539007547034")),
        ("+++090/9337/55493+++", Move("R1", "250.00", text="COMMUNICATION +++090/9337/55493+++")),
        ("Commande 4521/B", Move("R1", "250.00", text="paiement commande 4521 / b merci")),
    ],
)  # fmt: skip
def test_an_invoice_is_paid_by_its_own_payment_reference(organisation, actor, ledger, own, move):
    Invoice.objects.filter(number="F-2026-002").update(payment_reference=own)
    report = load(organisation, actor, camt053([move]))
    assert lines(report.matched) == [("F-2026-002", "250.00", "invoice_reference", "sure")]
    # Not the customer's oldest invoice, which a customer reference would have paid first.
    assert outstanding(organisation)["F-2026-001"] == D("100.00")
    assert BankEntry.objects.get().reason == "invoice_reference"


def test_a_free_text_reference_inside_a_longer_word_pays_nothing(organisation, actor, ledger):
    Invoice.objects.filter(number="F-2026-002").update(payment_reference="CMD-4521")
    report = load(organisation, actor, camt053([Move("R1", "250.00", text="ref XCMD-45210")]))
    assert report.matched == []
