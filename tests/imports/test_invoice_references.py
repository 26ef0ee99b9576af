"""Order, quote and contract references on invoices: imported under French or English
headers, updated and audited on re-import, checked for length, shown on the invoice page and
read by reminder templates (through the real composition of a reminder)."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from relance.accounts.models import AuditEvent
from relance.accounts.services import user_create
from relance.channels.compose import message_context, prefetch
from relance.channels.templating.sandbox import render
from relance.dunning.models import Reminder
from relance.ledger.models import Invoice
from relance.ledger.services import customer_create
from tests.days import run_and_send
from tests.imports.helpers import run_import

FRENCH = """N° de facture;Client;Date de facture;Échéance;Montant TTC;N° de commande;Devis;Contrat
F-1;C1;01/02/2026;02/03/2026;120,00;BC 4512;DV-88;CT-2026-07
F-2;C1;01/02/2026;02/03/2026;80,00;;;
""".encode()
ENGLISH = (
    b"invoice number,customer,invoice date,due date,amount,PO number,quote number,"
    b"contract number\nF-1,C1,2026-02-01,2026-03-02,120.00,BC 4512,DV-88,CT-2026-07\n"
)


def _customer(organisation, actor):
    return customer_create(organisation=organisation, external_ref="C1", name="Le Client SA",
                           actor=actor)  # fmt: skip


def test_french_and_english_headers_give_the_same_references(organisation, actor):
    _customer(organisation, actor)
    report = run_import(organisation, "invoices", FRENCH)
    assert report.ok, report.rejected
    assert report.mapping["order_reference"] == "N° de commande"
    assert report.mapping["quote_reference"] == "Devis"
    assert report.mapping["contract_reference"] == "Contrat"
    first = Invoice.objects.get(number="F-1")
    assert (first.order_reference, first.quote_reference, first.contract_reference) == (
        "BC 4512", "DV-88", "CT-2026-07",
    )  # fmt: skip
    assert Invoice.objects.get(number="F-2").order_reference == ""
    again = run_import(organisation, "invoices", ENGLISH, name="en.csv")
    assert again.ok and (again.unchanged, again.updated) == (1, 0)
    assert again.mapping["order_reference"] == "PO number"


def test_a_changed_reference_updates_the_invoice_and_is_audited(organisation, actor):
    _customer(organisation, actor)
    run_import(organisation, "invoices", FRENCH)
    changed = run_import(organisation, "invoices", FRENCH.replace(b"CT-2026-07", b"CT-2026-09"))
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert Invoice.objects.get(number="F-1").contract_reference == "CT-2026-09"
    event = AuditEvent.objects.filter(action="invoice_update").latest("id")
    assert event.before["contract_reference"] == "CT-2026-07"
    assert event.after["contract_reference"] == "CT-2026-09"


def test_a_reference_too_long_is_an_error_on_its_line_and_column(organisation, actor):
    _customer(organisation, actor)
    report = run_import(organisation, "invoices", FRENCH.replace(b"BC 4512", b"B" * 65))
    (error,) = report.rejected
    assert (error.line, error.column) == (2, "N° de commande")
    assert "65 caractères, 64 au plus" in str(error.reason)
    assert not Invoice.objects.exists()


def test_instalments_of_one_invoice_must_share_their_references(organisation, actor):
    _customer(organisation, actor)
    data = """N° de facture;Client;Date de facture;Échéance;Montant TTC;Montant échéance;Contrat
F-9;C1;01/02/2026;02/03/2026;100,00;50,00;CT-1
F-9;C1;01/02/2026;02/04/2026;100,00;50,00;CT-2
""".encode()
    report = run_import(organisation, "invoices", data)
    assert [error.line for error in report.rejected] == [3]
    assert "autre référence du contrat" in str(report.rejected[0].reason)


def test_templates_read_the_references_and_the_invoice_page_shows_them(organisation, actor):
    _customer(organisation, actor)
    run_import(organisation, "invoices", FRENCH)
    run_and_send(organisation, date(2026, 3, 9), actor)
    reminder = Reminder.objects.get(customer__external_ref="C1")
    source = "{% for item in items %}{{ item.number }}:{{ item.order_reference }}/" \
             "{{ item.quote_reference }}/{{ item.contract_reference }} {% endfor %}"  # fmt: skip
    expected = "F-1:BC 4512/DV-88/CT-2026-07 F-2:// "
    alone = message_context(reminder, today=date(2026, 3, 9))
    assert render(source, alone, html=False) == expected
    batch = prefetch(organisation, [reminder])
    together = message_context(reminder, today=date(2026, 3, 9), prefetched=batch)
    assert render(source, together, html=False) == expected
    viewer = user_create(email="v@atelier.example", organisation=organisation, role="viewer",
                         actor=actor)  # fmt: skip
    browser = Client()
    browser.force_login(viewer)
    invoice = Invoice.objects.get(number="F-1")
    address = reverse("invoice", kwargs={"org": organisation.slug, "invoice": invoice.uuid})
    page = browser.get(address).content.decode()
    assert "Commande BC 4512 · Devis DV-88 · Contrat CT-2026-07" in page
