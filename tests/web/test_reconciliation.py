"""The reconciliation page: bank movements the import could not settle, decided by a person;
and a bank statement uploaded from the browser, dry run first."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relance.core.payment_reference import creditor_reference
from relance.imports.bank import bank_statement_import
from relance.imports.models import BankEntry, PayerIban, PendingUpload
from relance.ledger.models import Allocation, Payment
from tests.imports.bank_files import Move, camt053
from tests.web.ledger_data import D, customer, invoice

MARTIN_IBAN = "FR7630004000031234567890143"


def url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def book(organisation, actor):
    martin = customer(organisation, actor, "MAR", "Martin SAS")
    return {
        "martin": martin,
        "F-20": invoice(organisation, actor, martin, "F-20", amount="80.00", due=date(2026, 3, 3)),
        "F-21": invoice(organisation, actor, martin, "F-21", amount="50.00", due=date(2026, 3, 9)),
    }


@pytest.fixture
def entries(organisation, actor, book):
    """R1 suggested (name and amount of F-20), R2 unmatched (no rule), both from one IBAN."""
    statement = camt053([
        Move("R1", "80.00", name="MARTIN", iban=MARTIN_IBAN),
        Move("R2", "60.00", day=date(2026, 3, 18), name="SOCIETE INCONNUE", iban=MARTIN_IBAN,
             text="virement"),
    ])  # fmt: skip
    bank_statement_import(organisation=organisation, data=statement, filename="r.xml",
                          actor=actor)  # fmt: skip
    return {e.entry_id.split("/")[-1]: e for e in BankEntry.objects.all()}


def entry_of(entries: dict[str, BankEntry], ref: str) -> BankEntry:
    return next(e for key, e in entries.items() if key.endswith(ref))


def paid(payment: Payment) -> dict[str, str]:
    found = Allocation.objects.filter(payment=payment).select_related("instalment__invoice")
    return {a.instalment.invoice.number: str(a.amount) for a in found}


def test_the_page_lists_what_waits_with_its_suggestion(collector, organisation, entries):
    page = collector.get(url("bank_entries", organisation)).content.decode()
    assert "MARTIN" in page and "SOCIETE INCONNUE" in page
    assert "name_amount" in page and "no_match" in page
    assert ">F-20</a>" in page
    assert page.index("MARTIN") < page.index("SOCIETE INCONNUE")  # the newest first


def test_accepting_a_suggestion_pays_once_and_learns_the_iban(collector, organisation, book,
                                                              entries):  # fmt: skip
    suggested = entry_of(entries, "R1")
    target = url("bank_entry_accept", organisation, entry=suggested.uuid)
    assert collector.post(target).status_code == 302
    second = collector.post(target, follow=True)
    assert "déjà traité" in second.content.decode()
    payment = Payment.objects.get()
    assert paid(payment) == {"F-20": "80.00"}
    suggested.refresh_from_db()
    assert (suggested.status, suggested.payment, suggested.decided_by is not None) == (
        "matched", payment, True,
    )  # fmt: skip
    assert list(PayerIban.objects.values_list("iban", "customer")) == [
        (MARTIN_IBAN, book["martin"].pk)
    ]
    page = collector.get(url("bank_entries", organisation)).content.decode()
    assert "MARTIN<" not in page and "SOCIETE INCONNUE" in page


def test_choosing_invoices_pays_them_then_the_oldest_rest_as_credit(collector, organisation,
                                                                    entries):  # fmt: skip
    unmatched = entry_of(entries, "R2")
    collector.post(url("bank_entry_choose", organisation, entry=unmatched.uuid),
                   {"numbers": "F-21"})  # fmt: skip
    payment = Payment.objects.get()
    assert paid(payment) == {"F-21": "50.00", "F-20": "10.00"}
    assert payment.amount == D("60.00")
    unmatched.refresh_from_db()
    assert (unmatched.status, unmatched.reason) == ("matched", "manual")


def test_an_unknown_invoice_number_is_refused_and_pays_nothing(collector, organisation, entries):
    unmatched = entry_of(entries, "R2")
    response = collector.post(url("bank_entry_choose", organisation, entry=unmatched.uuid),
                              {"numbers": "F-99"}, follow=True)  # fmt: skip
    assert "Facture introuvable : F-99" in response.content.decode()
    assert not Payment.objects.exists()


def test_not_a_customer_payment_is_kept_with_who_and_when(collector, organisation, entries):
    unmatched = entry_of(entries, "R2")
    collector.post(url("bank_entry_ignore", organisation, entry=unmatched.uuid))
    unmatched.refresh_from_db()
    assert (unmatched.status, unmatched.reason) == ("ignored", "not_customer_payment")
    assert unmatched.decided_by is not None and unmatched.decided_at is not None
    assert not Payment.objects.exists()


def test_a_viewer_sees_but_cannot_decide(viewer, organisation, entries):
    suggested = entry_of(entries, "R1")
    page = viewer.get(url("bank_entries", organisation)).content.decode()
    assert "MARTIN" in page
    assert url("bank_entry_accept", organisation, entry=suggested.uuid) not in page
    for name in ("bank_entry_accept", "bank_entry_ignore"):
        assert viewer.post(url(name, organisation, entry=suggested.uuid)).status_code == 403
    suggested.refresh_from_db()
    assert suggested.status == "suggested" and not Payment.objects.exists()


def test_another_organisations_entry_is_not_found(signed_in, other_organisation, entries):
    outsider = signed_in(other_organisation, "collector")
    for ref in ("R1", "R2"):
        target = entry_of(entries, ref)
        for name in ("bank_entry_accept", "bank_entry_ignore"):
            response = outsider.post(url(name, other_organisation, entry=target.uuid))
            assert response.status_code == 404
    assert "MARTIN" not in outsider.get(url("bank_entries", other_organisation)).content.decode()
    assert not Payment.objects.exists()
    assert set(BankEntry.objects.values_list("status", flat=True)) == {"suggested", "unmatched"}


def test_a_statement_uploaded_shows_its_dry_run_then_imports(collector, organisation, book):
    statement = camt053([Move("R9", "50.00", structured=creditor_reference("MAR"))])
    response = collector.post(url("bank_upload", organisation),
                              {"file": SimpleUploadedFile("releve.xml", statement)})  # fmt: skip
    page = response.content.decode()
    assert "Simulation" in page and "F-20" in page and "structured_reference" in page
    assert not Payment.objects.exists() and not BankEntry.objects.exists()
    pending = PendingUpload.objects.get()
    collector.post(url("bank_upload", organisation), {"token": str(pending.token)})
    assert paid(Payment.objects.get()) == {"F-20": "50.00"}
    assert not PendingUpload.objects.exists()


def test_a_file_that_is_not_a_statement_is_refused_with_its_reason(collector, organisation):
    response = collector.post(url("bank_upload", organisation),
                              {"file": SimpleUploadedFile("notes.txt", b"hello\n")})  # fmt: skip
    assert "Fichier refusé" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_another_users_pending_statement_cannot_be_imported(signed_in, collector, organisation,
                                                             book):  # fmt: skip
    statement = camt053([Move("R9", "50.00", text="Facture F-21", name="Martin SAS")])
    collector.post(url("bank_upload", organisation),
                   {"file": SimpleUploadedFile("releve.xml", statement)})  # fmt: skip
    other = signed_in(organisation, "collector", email="autre@example.org")
    token = str(PendingUpload.objects.get().token)
    assert other.post(url("bank_upload", organisation), {"token": token}).status_code == 404
    assert not Payment.objects.exists()


def test_a_reversal_of_an_unknown_credit_is_to_check_then_closed(collector, organisation, actor,
                                                                 book):  # fmt: skip
    returned = Move("RT1", "-80.00", end_to_end="NEVER-SEEN", return_reason="MD06")
    bank_statement_import(organisation=organisation, data=camt053([returned]), filename="r.xml",
                          actor=actor)  # fmt: skip
    page = collector.get(url("bank_entries", organisation)).content.decode()
    assert "À vérifier" in page and "reversal_unknown" in page and "MD06" in page
    assert "encaissement inconnu" in page
    entry = BankEntry.objects.get()
    target = url("bank_entry_checked", organisation, entry=entry.uuid)
    assert collector.post(target).status_code == 302
    assert "déjà traité" in collector.post(target, follow=True).content.decode()
    entry.refresh_from_db()
    assert (entry.status, entry.reason, entry.decided_by is not None) == (
        "ignored", "reversal_unknown", True,
    )  # fmt: skip
    after = collector.get(url("bank_entries", organisation)).content.decode()
    assert "reversal_unknown" not in after
    assert not Payment.objects.exists()
