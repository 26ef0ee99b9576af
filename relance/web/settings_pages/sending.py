"""Settings, sending: the organisation's SMTP server, a test e-mail, and its sending domains
(DKIM key, the DNS records to publish, and what DNS publishes now)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relance.accounts.audit import Actor
from relance.channels.email.domains import DomainError, sender_check, sending_domain_setup
from relance.channels.email.setup import (
    SendingSetupError,
    records_to_publish,
    smtp_settings_remove,
    smtp_settings_set,
    smtp_test_send,
)
from relance.channels.email.smtp import DeliveryError
from relance.channels.models import SendingDomain, SmtpSettings
from relance.web.access import Workspace
from relance.web.settings_pages import admin_view
from relance.web.settings_pages.forms import DomainForm, SmtpForm

TEMPLATE = "web/settings_pages/sending.html"


def _page(
    request: HttpRequest,
    ws: Workspace,
    *,
    smtp_form: SmtpForm | None = None,
    domain_form: DomainForm | None = None,
    checks: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    org = ws.organisation
    smtp = SmtpSettings.objects.filter(organisation=org).first()
    domains = SendingDomain.objects.filter(organisation=org).order_by("domain")
    smtp_host = smtp.host if smtp else ""
    context = {
        "tab": "sending",
        "smtp": smtp,
        "smtp_form": smtp_form or SmtpForm.for_settings(smtp),
        "domain_form": domain_form or DomainForm(),
        "domains": [
            {
                "domain": domain,
                "records": records_to_publish(domain, smtp_host=smtp_host),
                "findings": (checks or {}).get(domain.domain),
            }
            for domain in domains
        ],
    }
    return render(request, TEMPLATE, context, status=status)


@admin_view
def sending(request: HttpRequest, ws: Workspace) -> HttpResponse:
    if request.method != "POST":
        return _page(request, ws)
    form = SmtpForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            smtp_settings_set(
                organisation=ws.organisation, host=data["host"], port=data["port"],
                security=data["security"], username=data["username"],
                password=form.password_value(), actor=Actor(user=ws.user),
            )  # fmt: skip
        except SendingSetupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Le serveur d'envoi est enregistré."))
            return redirect("settings_sending", org=ws.organisation.slug)
    return _page(request, ws, smtp_form=form, status=400)


@admin_view
@require_POST
def smtp_remove(request: HttpRequest, ws: Workspace) -> HttpResponse:
    if smtp_settings_remove(organisation=ws.organisation, actor=Actor(user=ws.user)):
        messages.success(request, _("Serveur retiré : les e-mails partent par le serveur du site."))
    return redirect("settings_sending", org=ws.organisation.slug)


@admin_view
@require_POST
def smtp_test(request: HttpRequest, ws: Workspace) -> HttpResponse:
    try:
        sender = smtp_test_send(organisation=ws.organisation, to=ws.user.email)
    except DeliveryError as exc:
        messages.error(request, _("Le message de test n'est pas parti : %(reason)s") % {
            "reason": exc
        })  # fmt: skip
    else:
        messages.success(
            request,
            _("Message de test envoyé de %(sender)s à %(to)s.")
            % {"sender": sender, "to": ws.user.email},
        )
    return redirect("settings_sending", org=ws.organisation.slug)


@admin_view
@require_POST
def domain_add(request: HttpRequest, ws: Workspace) -> HttpResponse:
    form = DomainForm(request.POST)
    if form.is_valid():
        try:
            domain, _record = sending_domain_setup(
                organisation=ws.organisation, domain=form.cleaned_data["domain"],
                actor=Actor(user=ws.user),
            )  # fmt: skip
        except DomainError as exc:
            form.add_error("domain", str(exc))
        else:
            messages.success(
                request,
                _("Domaine %(domain)s ajouté : publiez les enregistrements DNS ci-dessous.")
                % {"domain": domain.domain},
            )
            return redirect("settings_sending", org=ws.organisation.slug)
    return _page(request, ws, domain_form=form, status=400)


def _domain(ws: Workspace, name: str) -> SendingDomain:
    return get_object_or_404(SendingDomain, organisation=ws.organisation, domain=name.lower())


@admin_view
@require_POST
def domain_rotate(request: HttpRequest, ws: Workspace, domain: str) -> HttpResponse:
    found = _domain(ws, domain)
    sending_domain_setup(
        organisation=ws.organisation, domain=found.domain, selector=found.dkim_selector,
        rotate=True, actor=Actor(user=ws.user),
    )  # fmt: skip
    messages.success(
        request,
        _("Nouvelle clé DKIM pour %(domain)s : publiez le nouvel enregistrement DKIM sans tarder, "
          "les e-mails sont désormais signés avec elle.") % {"domain": found.domain},
    )  # fmt: skip
    return redirect("settings_sending", org=ws.organisation.slug)


@admin_view
@require_GET
def domain_check(request: HttpRequest, ws: Workspace, domain: str) -> HttpResponse:
    """Ask DNS now what the domain publishes (a few seconds at most). With htmx, only the
    domain's results; without, the whole page with them."""
    found = _domain(ws, domain)
    findings = sender_check(
        found.domain, selector=found.dkim_selector, expected_dkim=found.dkim_public_key
    )
    if request.headers.get("HX-Request"):
        return render(
            request,
            "web/settings_pages/_dns_check.html",
            {"findings": findings, "domain": found},
        )
    return _page(request, ws, checks={found.domain: findings})
