"""A customer's printed letters and formal notices: the kept PDF, and the acknowledgement of
receipt recorded from the customer's page. Writes go through ``relance.channels.letter``."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.channels.letter.service import LetterError, letter_acknowledged
from relance.channels.models import PostalDispatch
from relance.dunning.models import Reminder
from relance.ledger.models import Customer
from relance.web.access import Workspace, org_view
from relance.web.todo.forms import AcknowledgedForm
from relance.web.todo.letter_views import archived_pdf


def _letter(ws: Workspace, customer: UUID, reminder: UUID) -> Reminder:
    """One of the customer's letters, in the signed-in user's organisation (else a 404)."""
    target = get_object_or_404(Customer, organisation=ws.organisation, uuid=customer)
    task = get_object_or_404(
        Reminder.objects.select_related("customer", "organisation"),
        organisation=ws.organisation, customer=target, uuid=reminder,
        channel__in=["letter", "formal_notice"],
    )  # fmt: skip
    return task


@org_view
def letter_pdf(request: HttpRequest, ws: Workspace, customer: UUID, reminder: UUID) -> HttpResponse:
    return archived_pdf(_letter(ws, customer, reminder))


@org_view
@require_POST
def letter_ack(request: HttpRequest, ws: Workspace, customer: UUID, reminder: UUID) -> HttpResponse:
    task = _letter(ws, customer, reminder)
    dispatch = PostalDispatch.objects.filter(reminder=task).first()
    if dispatch is None:
        raise Http404(_("Cette lettre n'a pas été imprimée."))
    form = AcknowledgedForm(request.POST, number_known=bool(dispatch.registered_number))
    if form.is_valid():
        try:
            letter_acknowledged(reminder=task, actor=Actor(user=ws.user),
                                today=local_day(ws.organisation), **form.cleaned_data)  # fmt: skip
        except LetterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Accusé de réception enregistré."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    page = reverse("customer", kwargs={"org": ws.organisation.slug, "customer": task.customer.uuid})
    return redirect(page + "#letters")
