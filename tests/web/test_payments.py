"""Payments recorded by hand from the invoice and customer pages, with their allocation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from relance.accounts.models import AuditEvent
from relance.ledger.models import Allocation, Payment
from relance.ledger.services import payment_record
from tests.web.ledger_data import D, customer, invoice, today


def url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def book(organisation, actor):
    """A customer with an old invoice F-1 (100.00) and a newer one F-2 (250.00)."""
    day = today(organisation)
    owner = customer(organisation, actor, "K1", "Garage Martin")
    return {
        "customer": owner,
        "F-1": invoice(organisation, actor, owner, "F-1", amount="100.00", due=day - timedelta(40)),
        "F-2": invoice(organisation, actor, owner, "F-2", amount="250.00", due=day - timedelta(10)),
    }


def parts(payment: Payment) -> dict[str, str]:
    found = Allocation.objects.filter(payment=payment).select_related("instalment__invoice")
    return {a.instalment.invoice.number: str(a.amount) for a in found}


def test_a_payment_from_an_invoice_pays_it_first_then_the_oldest(collector, organisation, book):
    day = today(organisation)
    response = collector.post(
        url("invoice_payment", organisation, invoice=book["F-2"].uuid),
        {"amount": "1 300,50", "paid_on": day.isoformat(), "method": "cheque",
         "reference": "CHQ 1234", "currency": "EUR"},
    )  # fmt: skip
    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("payment", organisation, payment=payment.uuid)
    assert (payment.amount, payment.method, payment.reference) == (D("1300.50"), "cheque",
                                                                   "CHQ 1234")  # fmt: skip
    assert parts(payment) == {"F-2": "250.00", "F-1": "100.00"}
    page = collector.get(response["Location"]).content.decode()
    assert "F-1" in page and "F-2" in page
    assert "Avoir sur le compte du client" in page and "950,50" in page
    event = AuditEvent.objects.get(action="payment_record")
    assert event.actor is not None and event.after["method"] == "cheque"


def test_a_payment_from_the_customer_page_pays_the_oldest_first(collector, organisation, book):
    day = today(organisation)
    collector.post(
        url("customer_payment", organisation, customer=book["customer"].uuid),
        {"amount": "120.00", "paid_on": day.isoformat(), "method": "virement", "reference": "",
         "currency": "EUR"},
    )  # fmt: skip
    payment = Payment.objects.get()
    assert parts(payment) == {"F-1": "100.00", "F-2": "20.00"}
    assert payment.reference.startswith("saisie-")


@pytest.mark.parametrize(
    ("amount", "days", "message"),
    [
        ("0", 0, "Le montant doit être positif."),
        ("-5,00", 0, "Le montant doit être positif."),
        ("1.234", 0, "Montant ambigu"),
        ("10,00", -1, "La date du paiement est dans le futur"),
    ],
)
def test_a_bad_payment_is_refused_with_its_reason(collector, organisation, book, amount, days,
                                                  message):  # fmt: skip
    paid_on = today(organisation) - timedelta(days)
    response = collector.post(
        url("invoice_payment", organisation, invoice=book["F-1"].uuid),
        {"amount": amount, "paid_on": paid_on.isoformat(), "method": "virement",
         "reference": "", "currency": "EUR"},
    )  # fmt: skip
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_a_reference_already_recorded_is_refused(collector, organisation, actor, book):
    day = today(organisation)
    payment_record(organisation=organisation, customer=book["customer"], reference="VIR-9",
                   date=day, amount=D("10.00"), actor=actor)  # fmt: skip
    response = collector.post(
        url("invoice_payment", organisation, invoice=book["F-1"].uuid),
        {"amount": "10,00", "paid_on": day.isoformat(), "method": "virement",
         "reference": "VIR-9", "currency": "EUR"},
    )  # fmt: skip
    assert "Le paiement « VIR-9 » est déjà enregistré." in response.content.decode()
    assert Payment.objects.count() == 1


def test_a_viewer_cannot_record_a_payment(viewer, organisation, book):
    response = viewer.post(
        url("invoice_payment", organisation, invoice=book["F-1"].uuid),
        {"amount": "10,00", "paid_on": today(organisation).isoformat(), "method": "virement",
         "currency": "EUR"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not Payment.objects.exists()
    page = viewer.get(url("invoice", organisation, invoice=book["F-1"].uuid)).content.decode()
    assert url("invoice_payment", organisation, invoice=book["F-1"].uuid) not in page


def test_another_organisations_invoice_is_not_found(signed_in, other_organisation, organisation,
                                                    book):  # fmt: skip
    outsider = signed_in(other_organisation, "collector")
    response = outsider.post(
        url("invoice_payment", other_organisation, invoice=book["F-1"].uuid),
        {"amount": "10,00", "paid_on": today(organisation).isoformat(), "method": "virement",
         "currency": "EUR"},
    )  # fmt: skip
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_the_invoice_and_customer_pages_offer_to_record_a_payment(collector, organisation, book):
    invoice_page = collector.get(url("invoice", organisation, invoice=book["F-1"].uuid))
    customer_page = collector.get(url("customer", organisation, customer=book["customer"].uuid))
    assert url("invoice_payment", organisation, invoice=book["F-1"].uuid) in (
        invoice_page.content.decode()
    )
    assert url("customer_payment", organisation, customer=book["customer"].uuid) in (
        customer_page.content.decode()
    )


def test_a_reversed_payment_says_so_and_leaves_no_credit(collector, organisation, actor, book):
    from relance.ledger.services import PaymentReversal, payments_reverse

    day = today(organisation)
    payment = payment_record(organisation=organisation, customer=book["customer"],
                             reference="VIR-9", date=day, amount=D("400.00"),
                             actor=actor)  # fmt: skip
    payments_reverse(organisation=organisation, actor=actor,
                     reversals=[PaymentReversal(payment.pk, day, "MD06")])  # fmt: skip
    page = collector.get(url("payment", organisation, payment=payment.uuid)).content.decode()
    assert "Paiement annulé le" in page and "MD06" in page
    assert "Avoir sur le compte du client" not in page
    history = collector.get(
        url("customer", organisation, customer=book["customer"].uuid) + "?tab=timeline"
    ).content.decode()
    assert "Paiement annulé (réf. VIR-9)" in history
