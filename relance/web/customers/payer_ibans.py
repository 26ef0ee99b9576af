"""A customer's learned payer IBANs: the one action on them, forgetting a wrong one."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.imports.payer_ibans import UnknownPayerIban, payer_iban_forget
from relance.ledger.models import Customer
from relance.web.access import Workspace, org_view


@org_view
@require_POST
def payer_iban_forget_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    found = get_object_or_404(Customer, organisation=ws.organisation, uuid=customer)
    iban = request.POST.get("iban", "")
    try:
        payer_iban_forget(customer=found, iban=iban, actor=Actor(user=ws.user))
    except UnknownPayerIban:
        messages.error(request, _("Cet IBAN n'est pas, ou plus, connu pour ce client."))
    else:
        messages.success(request, _("IBAN %(iban)s oublié pour ce client.") % {"iban": iban})
    page = reverse("customer", kwargs={"org": ws.organisation.slug, "customer": found.uuid})
    return redirect(f"{page}?tab=contacts")
