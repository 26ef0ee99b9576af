"""Recording a payment by hand, from an invoice's page or a customer's page.

The form posts to the service ``payment_record``, which allocates the money to the invoice
first (from an invoice's page), then to the customer's oldest open items; the page that
follows shows where it went.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.dunning.reminder_facts import reminder_facts_refresh_paid_by
from relance.ledger.models import Customer, Invoice, Payment
from relance.ledger.selectors import payment_allocations
from relance.ledger.services import LedgerError, payment_record
from relance.web.access import Workspace, org_view
from relance.web.customers.selectors import currencies_of
from relance.web.payments.forms import METHODS, PaymentForm


def _customer(ws: Workspace, uuid: UUID) -> Customer:
    return get_object_or_404(Customer, organisation=ws.organisation, uuid=uuid)


def _invoice(ws: Workspace, uuid: UUID) -> Invoice:
    return get_object_or_404(
        Invoice.objects.select_related("customer"), organisation=ws.organisation, uuid=uuid
    )


def _record(
    request: HttpRequest, ws: Workspace, customer: Customer, invoice: Invoice | None
) -> HttpResponse:
    today = local_day(ws.organisation)
    currencies = [invoice.currency] if invoice else currencies_of(ws.organisation)
    form = PaymentForm(request.POST or None, today=today, currencies=currencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                payment = payment_record(
                    organisation=ws.organisation, customer=customer, invoice=invoice,
                    # A payment without a reference still needs one of its own to be found.
                    reference=data["reference"].strip() or f"saisie-{uuid.uuid4().hex[:12]}",
                    date=data["paid_on"], amount=data["amount"], currency=data["currency"],
                    method=data["method"], actor=Actor(user=ws.user),
                )  # fmt: skip
                # The ledger sits below the reminders: what the reminded items were paid is
                # brought up to date here, with the payment.
                reminder_facts_refresh_paid_by(payment_ids=[payment.pk])
        except LedgerError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Le paiement est enregistré."))
            return redirect("payment", org=ws.organisation.slug, payment=payment.uuid)
    context: dict[str, Any] = {"form": form, "customer": customer, "invoice": invoice}
    return render(request, "web/payments/record.html", context)


@org_view
def invoice_payment(request: HttpRequest, ws: Workspace, invoice: UUID) -> HttpResponse:
    target = _invoice(ws, invoice)
    return _record(request, ws, target.customer, target)


@org_view
def customer_payment(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    return _record(request, ws, _customer(ws, customer), None)


@org_view
def payment_page(request: HttpRequest, ws: Workspace, payment: UUID) -> HttpResponse:
    found = get_object_or_404(
        Payment.objects.select_related("customer"), organisation=ws.organisation, uuid=payment
    )
    allocations = payment_allocations(found)
    allocated = sum((a.amount for a in allocations), found.amount * 0)
    context = {
        "payment": found,
        "customer": found.customer,
        "allocations": allocations,
        # Taken back by the bank or the provider, it pays nothing and leaves no credit.
        "credit": found.amount * 0 if found.reversed_on else found.amount - allocated,
        "method": dict(METHODS).get(found.method, found.method),
    }
    return render(request, "web/payments/detail.html", context)
