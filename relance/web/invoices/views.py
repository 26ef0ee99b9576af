"""Invoice pages: the list of due dates, an invoice's page, and what is agreed on it.

Disputes, promises, payment plans and notes are plain form POSTs answered by a redirect to
the invoice (with a message), through the services of ``relance.dunning`` and
``relance.ledger``; a form with errors is shown again on the invoice page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.accounts.models import Organisation
from relance.dunning.disputes import disputes_open
from relance.dunning.models import Dispute
from relance.dunning.promises import promise_grace_days
from relance.dunning.services import (
    DunningError,
    dispute_close,
    payment_plan_create,
    promise_record,
)
from relance.ledger.models import Invoice
from relance.ledger.services import LedgerError, note_add
from relance.web.access import Workspace, org_view
from relance.web.customers.forms import DisputeOpenForm, DisputeResolveForm
from relance.web.customers.paging import countless_page, page_number
from relance.web.customers.selectors import collectors_of, currencies_of
from relance.web.customers.views import uploads_of
from relance.web.invoices.detail import invoice_detail, invoice_outstanding
from relance.web.invoices.forms import (
    InvoiceFilterForm,
    InvoiceNoteForm,
    PaymentPlanForm,
    PromiseForm,
)
from relance.web.invoices.selectors import instalment_list, lines_of


def _actor(ws: Workspace) -> Actor:
    return Actor(user=ws.user)


def _grace_days(organisation: Organisation) -> int:
    return promise_grace_days(organisation)


@org_view
def invoices(request: HttpRequest, ws: Workspace) -> HttpResponse:
    organisation = ws.organisation
    form = InvoiceFilterForm(request.GET, currencies=currencies_of(organisation))
    today, grace = local_day(organisation), _grace_days(organisation)
    rows = instalment_list(organisation, form.filters(), today=today, grace_days=grace)
    page = countless_page(
        lambda offset, limit: list(rows[offset : offset + limit]), number=page_number(request)
    )
    lines = lines_of(organisation, page.object_list, today=today, grace_days=grace)
    return render(request, "web/invoices/list.html", {"form": form, "page": page, "lines": lines})


def _invoice(ws: Workspace, uuid: UUID) -> Invoice:
    return get_object_or_404(
        Invoice.objects.select_related("customer", "organisation"),
        organisation=ws.organisation,
        uuid=uuid,
    )


def _page(request: HttpRequest, ws: Workspace, invoice: Invoice, **forms: Any) -> HttpResponse:
    today = local_day(ws.organisation)
    detail = invoice_detail(invoice, today=today)
    owed = detail.outstanding
    context = {
        "invoice": invoice,
        "customer": invoice.customer,
        "detail": detail,
        "today": today,
        "dispute_form": forms.get("dispute_form")
        or DisputeOpenForm(
            collectors=collectors_of(ws.organisation), initial={"owner": str(ws.user.uuid)}
        ),
        "close_form": forms.get("close_form") or DisputeResolveForm(),
        "promise_form": forms.get("promise_form")
        or PromiseForm(today=today, outstanding=owed, initial={"amount": owed}),
        "plan_form": forms.get("plan_form") or PaymentPlanForm(today=today, outstanding=owed),
        "note_form": forms.get("note_form") or InvoiceNoteForm(),
    }
    return render(request, "web/invoices/detail.html", context)


@org_view
def invoice_page(request: HttpRequest, ws: Workspace, invoice: UUID) -> HttpResponse:
    return _page(request, ws, _invoice(ws, invoice))


def _back(request: HttpRequest, ws: Workspace, invoice: Invoice, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("invoice", org=ws.organisation.slug, invoice=invoice.uuid)


def _refused(
    request: HttpRequest, ws: Workspace, invoice: Invoice, error: Exception
) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("invoice", org=ws.organisation.slug, invoice=invoice.uuid)


@org_view
@require_POST
def dispute_post(request: HttpRequest, ws: Workspace, invoice: UUID) -> HttpResponse:
    target = _invoice(ws, invoice)
    form = DisputeOpenForm(request.POST, request.FILES, collectors=collectors_of(ws.organisation))
    if not form.is_valid():
        return _page(request, ws, target, dispute_form=form)
    try:
        disputes_open(
            customer=target.customer, invoices=[target], category=form.cleaned_data["category"],
            reason=form.cleaned_data["reason"], owner=form.chosen_owner(),
            due_on=form.cleaned_data.get("due_on"), uploads=uploads_of(form),
            day=local_day(ws.organisation), actor=_actor(ws),
        )  # fmt: skip
    except DunningError as error:
        return _refused(request, ws, target, error)
    return _back(
        request, ws, target, _("Le litige est ouvert : cette facture n'est plus relancée.")
    )


@org_view
@require_POST
def dispute_close_post(
    request: HttpRequest, ws: Workspace, invoice: UUID, dispute: UUID
) -> HttpResponse:
    target = _invoice(ws, invoice)
    found = get_object_or_404(Dispute, organisation=ws.organisation, invoice=target, uuid=dispute)
    form = DisputeResolveForm(request.POST)
    if not form.is_valid():
        return _page(request, ws, target, close_form=form)
    try:
        dispute_close(dispute=found, day=local_day(ws.organisation), actor=_actor(ws),
                      outcome=form.cleaned_data["outcome"],
                      note=form.cleaned_data["note"])  # fmt: skip
    except DunningError as error:
        return _refused(request, ws, target, error)
    return _back(request, ws, target, _("Le litige est clos : les relances reprennent."))


@org_view
@require_POST
def promise_post(request: HttpRequest, ws: Workspace, invoice: UUID) -> HttpResponse:
    target = _invoice(ws, invoice)
    today = local_day(ws.organisation)
    owed = invoice_outstanding(target)
    form = PromiseForm(request.POST, today=today, outstanding=owed)
    if not form.is_valid():
        return _page(request, ws, target, promise_form=form)
    try:
        promise_record(customer=target.customer, invoices=[target],
                       promised_on=form.cleaned_data["promised_on"],
                       amount=form.cleaned_data["amount"], day=today, actor=_actor(ws))  # fmt: skip
    except DunningError as error:
        return _refused(request, ws, target, error)
    return _back(request, ws, target, _("La promesse de paiement est enregistrée."))


@org_view
@require_POST
def plan_post(request: HttpRequest, ws: Workspace, invoice: UUID) -> HttpResponse:
    target = _invoice(ws, invoice)
    today = local_day(ws.organisation)
    owed = invoice_outstanding(target)
    form = PaymentPlanForm(request.POST, today=today, outstanding=owed)
    if not form.is_valid():
        return _page(request, ws, target, plan_form=form)
    try:
        payment_plan_create(customer=target.customer, invoices=[target],
                            schedule=form.cleaned_data["schedule"], day=today,
                            actor=_actor(ws))  # fmt: skip
    except DunningError as error:
        return _refused(request, ws, target, error)
    return _back(request, ws, target, _("L'échéancier est enregistré."))


@org_view
@require_POST
def note_post(request: HttpRequest, ws: Workspace, invoice: UUID) -> HttpResponse:
    target = _invoice(ws, invoice)
    form = InvoiceNoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(customer=target.customer, invoice=target, text=form.cleaned_data["text"],
                     actor=_actor(ws))  # fmt: skip
        except LedgerError as error:
            form.add_error(None, str(error))
        else:
            return _back(request, ws, target, _("La note est ajoutée."))
    return _page(request, ws, target, note_form=form)
