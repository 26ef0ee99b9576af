"""Debtors' requests on the to-do: what a debtor did or asked from the portal, one page each,
and the collector's answer (accept or refuse a plan, close a dispute, acknowledge).

Reading goes through ``relance.dunning.debtor_requests``; the answer through its service.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from relance.accounts.clock import local_day
from relance.channels.models import DeliveryEvent, OutboundMessage
from relance.dunning.debtor_requests import (
    ACCEPT,
    ACKNOWLEDGE,
    CLOSE,
    REFUSE,
    debtor_request_resolve,
    outcomes,
    plan_schedule,
)
from relance.dunning.models import DebtorRequest, DebtorRequestKind
from relance.dunning.services import DunningError
from relance.ledger.selectors import open_instalments
from relance.web.access import Workspace, org_view
from relance.web.todo import common

OUTCOME_LABELS = {
    ACCEPT: gettext_lazy("Accepter l'échéancier"),
    REFUSE: gettext_lazy("Refuser"),
    CLOSE: gettext_lazy("Clore le litige"),
    ACKNOWLEDGE: gettext_lazy("Marquer comme traitée"),
}
# A reply is closed by answering it; dismissing it is the only button.
REPLY_LABELS = {ACKNOWLEDGE: gettext_lazy("Classer sans répondre")}


def _request(ws: Workspace, uuid: UUID) -> DebtorRequest:
    return get_object_or_404(
        DebtorRequest.objects.select_related("customer", "customer__collector", "dispute",
                                             "promise", "plan", "portal_link"),
        organisation=ws.organisation, uuid=uuid,
    )  # fmt: skip


def _url(ws: Workspace, request: DebtorRequest) -> str:
    return reverse("todo-request", kwargs={"org": ws.organisation.slug, "request_id": request.uuid})


@org_view
def debtor_request_page(request: HttpRequest, ws: Workspace, request_id: UUID) -> HttpResponse:
    asked = _request(ws, request_id)
    invoices = list(asked.invoices.order_by("number"))
    schedule = []
    if asked.plan_count and asked.plan_first_on:
        owed = sum(
            open_instalments(ws.organisation).filter(invoice__in=invoices)
            .values_list("outstanding", flat=True),  # type: ignore[misc]
            start=common.ZERO,
        )  # fmt: skip
        if owed > 0:
            first = max(asked.plan_first_on, local_day(ws.organisation))
            schedule = plan_schedule(owed, asked.plan_count, first)
    context = {
        "asked": asked, "invoices": invoices, "schedule": schedule,
        "currency": invoices[0].currency if invoices else "EUR",
        "answers": [(key, (REPLY_LABELS if asked.kind == DebtorRequestKind.REPLY
                           else OUTCOME_LABELS)[key]) for key in outcomes(asked)],
        "link_reference": asked.portal_link.uuid.hex[:8] if asked.portal_link else "",
        "replied_to": _replied_to(asked),
        "answer_late": asked.answer_by is not None and asked.answer_by < timezone.now(),
    }  # fmt: skip
    return render(request, "web/todo/debtor_request.html", context)


def _replied_to(asked: DebtorRequest) -> OutboundMessage | None:
    """The message a reply answers (a reply's task is tied to it by its delivery event)."""
    if asked.kind != DebtorRequestKind.REPLY:
        return None
    event = DeliveryEvent.objects.filter(request=asked).select_related("message").first()
    return event.message if event is not None else None


@org_view
@require_POST
def debtor_request_answer(request: HttpRequest, ws: Workspace, request_id: UUID) -> HttpResponse:
    asked = _request(ws, request_id)
    outcome = request.POST.get("outcome", "")
    next_id = common.following(ws, request, asked.customer_id)
    try:
        debtor_request_resolve(request=asked, outcome=outcome,
                               note=request.POST.get("note", "")[:2000],
                               day=local_day(ws.organisation), actor=common.actor(ws))  # fmt: skip
    except DunningError as error:
        messages.error(request, str(error))
        return redirect(_url(ws, asked))
    messages.success(request, _("Demande de %(name)s traitée.") % {"name": asked.customer.name})
    return redirect(common.after_action(ws, request, asked.customer_id, next_id))


@org_view
def debtor_request_file(request: HttpRequest, ws: Workspace, request_id: UUID) -> HttpResponse:
    """The file the debtor joined, always downloaded (never shown inline: it comes from
    outside)."""
    asked = _request(ws, request_id)
    if not asked.attachment:
        raise Http404
    with asked.attachment.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=asked.attachment_type)
    response["Content-Disposition"] = content_disposition_header(True, asked.attachment_name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
