"""The reconciliation page: bank movements the import could not settle, and what a person
decides for each; and a bank statement uploaded from the browser (dry run, then import)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.imports.bank_report import REASONS
from relance.imports.bank_upload import bank_upload_commit, bank_upload_create
from relance.imports.models import BankEntry, ImportKind, PendingUpload
from relance.imports.reconcile import (
    ReconcileError,
    bank_entry_accept,
    bank_entry_allocate,
    bank_entry_checked,
    bank_entry_ignore,
)
from relance.imports.selectors import reconciliation_entries, suggested_invoices
from relance.imports.uploads import UploadRefused
from relance.ledger.models import Invoice
from relance.web.access import Workspace, org_view
from relance.web.customers.paging import countless_page, page_number
from relance.web.payments.forms import InvoiceSearchForm


class StatementForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Relevé bancaire"))


def _entry(ws: Workspace, uuid: UUID) -> BankEntry:
    return get_object_or_404(BankEntry, organisation=ws.organisation, uuid=uuid)


def _back(request: HttpRequest, ws: Workspace) -> HttpResponse:
    return redirect("bank_entries", org=ws.organisation.slug)


@org_view
def entries(request: HttpRequest, ws: Workspace) -> HttpResponse:
    rows = reconciliation_entries(ws.organisation)
    page = countless_page(
        lambda offset, limit: list(rows[offset : offset + limit]), number=page_number(request)
    )
    invoices = suggested_invoices(page.object_list)
    lines = [(entry, invoices.get(entry.pk, []), REASONS.get(entry.reason, ""))
             for entry in page.object_list]  # fmt: skip
    context = {"page": page, "lines": lines, "search_form": InvoiceSearchForm()}
    return render(request, "web/payments/reconcile.html", context)


@org_view
@require_POST
def accept(request: HttpRequest, ws: Workspace, entry: UUID) -> HttpResponse:
    target = _entry(ws, entry)
    return _decided(request, ws, lambda actor: bank_entry_accept(entry=target, actor=actor),
                    _("Le paiement est enregistré."))  # fmt: skip


@org_view
@require_POST
def choose(request: HttpRequest, ws: Workspace, entry: UUID) -> HttpResponse:
    target = _entry(ws, entry)
    form = InvoiceSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("numbers", [])))
        return _back(request, ws)
    numbers = form.cleaned_data["numbers"]
    found = list(Invoice.objects.filter(organisation=ws.organisation, number__in=numbers))
    missing = sorted(set(numbers) - {invoice.number for invoice in found})
    if missing:
        messages.error(
            request,
            _("Facture introuvable : %(numbers)s. Vérifiez le numéro.")
            % {"numbers": ", ".join(missing)},
        )
        return _back(request, ws)
    return _decided(
        request, ws, lambda actor: bank_entry_allocate(entry=target, invoices=found, actor=actor),
        _("Le paiement est enregistré."),
    )  # fmt: skip


@org_view
@require_POST
def ignore(request: HttpRequest, ws: Workspace, entry: UUID) -> HttpResponse:
    target = _entry(ws, entry)
    return _decided(request, ws, lambda actor: bank_entry_ignore(entry=target, actor=actor),
                    _("Le mouvement est marqué « pas un paiement client »."))  # fmt: skip


@org_view
@require_POST
def checked(request: HttpRequest, ws: Workspace, entry: UUID) -> HttpResponse:
    target = _entry(ws, entry)
    return _decided(request, ws, lambda actor: bank_entry_checked(entry=target, actor=actor),
                    _("Le mouvement est marqué comme vérifié."))  # fmt: skip


def _decided(
    request: HttpRequest, ws: Workspace, decide: Callable[[Actor], object], done: str
) -> HttpResponse:
    """Run one decision on a movement, then back to the list with what happened."""
    try:
        decide(Actor(user=ws.user))
    except ReconcileError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return _back(request, ws)


@org_view
def upload(request: HttpRequest, ws: Workspace) -> HttpResponse:
    """POST a file: its dry run; POST a token: the import of the file shown."""
    if request.method == "POST" and "token" in request.POST:
        return _commit(request, ws)
    form = StatementForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        sent = form.cleaned_data["file"]
        try:
            pending, report = bank_upload_create(
                organisation=ws.organisation, user=ws.user, filename=sent.name,
                data=sent.read(), actor=Actor(user=ws.user),
            )  # fmt: skip
        except UploadRefused as error:
            form.add_error("file", str(error))
        else:
            context.update(report=report, pending=pending)
    return render(request, "web/payments/upload.html", context)


def _commit(request: HttpRequest, ws: Workspace) -> HttpResponse:
    try:
        token = UUID(request.POST["token"])
    except ValueError:
        token = None
    pending = get_object_or_404(
        PendingUpload, organisation=ws.organisation, user=ws.user,
        kind=ImportKind.BANK_STATEMENT, token=token,
    )  # fmt: skip
    report = bank_upload_commit(upload=pending, actor=Actor(user=ws.user))
    messages.success(
        request,
        _("Relevé importé : %(n)d paiement(s) enregistré(s), %(s)d proposition(s) à vérifier.")
        % {"n": report.payments, "s": len({line["entry"] for line in report.suggested})},
    )
    return _back(request, ws)
