"""Settings, online payment: the organisation's payment provider, its keys (never shown
back), the webhook address to give the provider, and a check that the key works."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.payments.accounts import (
    ProviderSetupError,
    provider_account_check,
    provider_account_remove,
    provider_account_set,
)
from relance.payments.providers import ProviderError
from relance.payments.selectors import provider_account_of, webhook_url
from relance.web.access import Workspace
from relance.web.settings_pages import admin_view
from relance.web.settings_pages.forms import PaymentProviderForm

TEMPLATE = "web/settings_pages/payments.html"


def _page(
    request: HttpRequest, ws: Workspace, form: PaymentProviderForm | None = None, status: int = 200
) -> HttpResponse:
    account = provider_account_of(ws.organisation)
    context = {
        "tab": "payments",
        "account": account,
        "webhook_url": webhook_url(account) if account else "",
        "form": form or PaymentProviderForm.for_account(account),
    }
    return render(request, TEMPLATE, context, status=status)


@admin_view
def payments(request: HttpRequest, ws: Workspace) -> HttpResponse:
    if request.method != "POST":
        return _page(request, ws)
    form = PaymentProviderForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            provider_account_set(
                organisation=ws.organisation, provider=data["provider"],
                api_key=data["api_key"] or None, webhook_secret=data["webhook_secret"] or None,
                methods=data["methods"], actor=Actor(user=ws.user),
            )  # fmt: skip
        except ProviderSetupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Paiement en ligne enregistré : donnez l'adresse du webhook au prestataire."),
            )
            return redirect("settings_payments", org=ws.organisation.slug)
    return _page(request, ws, form, status=400)


@admin_view
@require_POST
def payments_check(request: HttpRequest, ws: Workspace) -> HttpResponse:
    account = provider_account_of(ws.organisation)
    if account is not None:
        try:
            provider = provider_account_check(account)
        except ProviderError as exc:
            messages.error(request, _("Le prestataire refuse la clé : %(reason)s") % {
                "reason": exc
            })  # fmt: skip
        else:
            messages.success(request, _("%(provider)s accepte la clé.") % {"provider": provider})
    return redirect("settings_payments", org=ws.organisation.slug)


@admin_view
@require_POST
def payments_remove(request: HttpRequest, ws: Workspace) -> HttpResponse:
    if provider_account_remove(organisation=ws.organisation, actor=Actor(user=ws.user)):
        messages.success(request, _("Le paiement en ligne n'est plus proposé aux clients."))
    return redirect("settings_payments", org=ws.organisation.slug)
