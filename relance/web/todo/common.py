"""Helpers shared by the to-do views: finding the task, its kind, its URLs, the page context.

Nothing here writes: every write goes through a service (see ``relance.web.todo.views``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.channels.claim import task_claim
from relance.channels.email.bounce_reasons import BounceReason, bounce_reason
from relance.channels.models import DeliveryEvent, DeliveryEventKind, OutboundMessage
from relance.dunning.debtor_requests import pending_debtor_requests
from relance.dunning.models import Reminder
from relance.dunning.todo import (
    FAILED,
    FAILED_DELIVERY,
    KINDS,
    TODO_STATUSES,
    open_todo,
    todo_filter,
    why,
)
from relance.dunning.todo_board import customer_todos, next_customer, todo_customers
from relance.ledger.models import Customer
from relance.ledger.selectors import open_instalments
from relance.web.access import Workspace
from relance.web.todo.forms import PostponeForm, SkipForm

ZERO = Decimal("0.00")


def actor(ws: Workspace) -> Actor:
    return Actor(user=ws.user)


def reminder(ws: Workspace, uuid: UUID) -> Reminder:
    """One of the organisation's reminders; another organisation's uuid is a 404."""
    return get_object_or_404(
        Reminder.objects.select_related("customer", "organisation", "customer__collector"),
        organisation=ws.organisation,
        uuid=uuid,
    )


def kind(reminder: Reminder) -> str:
    message = getattr(reminder, "message", None)
    if reminder.status == "failed" or (message is not None and message.status in FAILED_DELIVERY):
        return FAILED
    return reminder.channel


def detail_url(ws: Workspace, reminder: Reminder) -> str:
    return reverse("todo-detail", kwargs={"org": ws.organisation.slug, "reminder": reminder.uuid})


def list_url(ws: Workspace) -> str:
    return reverse("todo", kwargs={"org": ws.organisation.slug})


def filters(request: HttpRequest) -> tuple[str, str]:
    """The list's filters as the URL carries them (anything else is ignored)."""
    collector = request.GET.get("collector", "")
    kind = request.GET.get("kind", "")
    collector = collector if collector == "none" or collector.isdigit() else ""
    return collector, kind if kind in KINDS else ""


def query(collector: str, kind: str) -> str:
    """``?collector=…&kind=…`` to carry the list's filters from page to page ("" if none)."""
    params = urlencode([(k, v) for k, v in (("collector", collector), ("kind", kind)) if v])
    return f"?{params}" if params else ""


def customer_url(ws: Workspace, customer_id: int, collector: str = "", kind: str = "") -> str:
    uuid = Customer.objects.filter(organisation=ws.organisation, pk=customer_id).values_list(
        "uuid", flat=True
    )[0]
    path = reverse("todo-customer", kwargs={"org": ws.organisation.slug, "customer": uuid})
    return path + query(collector, kind)


def following(ws: Workspace, request: HttpRequest, customer_id: int) -> int | None:
    """The customer after this one on the to-do, read before acting (acting may take this
    customer off the list, and with them their place in it)."""
    collector, kind = filters(request)
    today = local_day(ws.organisation)
    ordered = todo_customers(ws.organisation, today=today, collector=collector, kind=kind)
    return next_customer(ordered, customer_id)


def after_action(ws: Workspace, request: HttpRequest, customer_id: int, next_id: int | None) -> str:
    """Where a finished task leads ("done, next"): the same customer while they have tasks
    left, else the next customer, else the list."""
    collector, kind = filters(request)
    today = local_day(ws.organisation)
    left = todo_filter(open_todo(ws.organisation, today=today), kind=kind)
    asked = pending_debtor_requests(ws.organisation).filter(customer_id=customer_id)
    if left.filter(customer_id=customer_id).exists() or (not kind and asked.exists()):
        return customer_url(ws, customer_id, collector, kind)
    if next_id is not None and next_id != customer_id:
        return customer_url(ws, next_id, collector, kind)
    return list_url(ws) + query(collector, kind)


def pdf(data: bytes, name: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@dataclass(frozen=True)
class Bounce:
    """A message that came back: to whom, why in plain words, and the server's own text."""

    address: str
    reason: BounceReason
    diagnostic: str
    at: datetime


def bounce_of(message: OutboundMessage | None) -> Bounce | None:
    if message is None:
        return None
    event = (
        DeliveryEvent.objects.filter(message=message, kind=DeliveryEventKind.BOUNCED)
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return None
    detail = event.detail or {}
    final = str(detail.get("final-recipient", "")).rpartition(";")[2].strip()
    diagnostic = str(detail.get("diagnostic-code", ""))
    return Bounce(
        address=final or ", ".join(message.recipients),
        reason=bounce_reason(str(detail.get("status", "")), diagnostic),
        diagnostic=diagnostic,
        at=event.at,
    )


def context(
    ws: Workspace, task: Reminder, kind: str, request: HttpRequest | None = None
) -> dict[str, Any]:
    message = getattr(task, "message", None)
    bounce = bounce_of(message) if kind == FAILED else None
    today = local_day(ws.organisation)
    collector, todo_kind = filters(request) if request is not None else ("", "")
    rows = customer_todos(ws.organisation, [task.customer_id], today=today)
    customer_page = reverse(
        "todo-customer", kwargs={"org": ws.organisation.slug, "customer": task.customer.uuid}
    )
    return {
        "row": rows[0] if rows else None,
        "claim": task_claim(task, today=today),
        "todo_query": query(collector, todo_kind),
        "customer_todo_url": customer_page + query(collector, todo_kind),
        "task": task,
        "kind": kind,
        "kind_label": KINDS.get(kind, task.channel),
        "is_open": task.status in TODO_STATUSES,
        "can_act": ws.can_write and task.status in TODO_STATUSES,
        # A bounce says why itself, in plain words, where the message left "sent".
        "reason": "" if bounce else why(task),
        "bounce": bounce,
        "failed_message": message if kind == FAILED and bounce is None else None,
        "skip_form": SkipForm(),
        "postpone_form": PostponeForm(
            initial={"until": local_day(ws.organisation) + timedelta(days=7)}
        ),
        "today": today,
    }


def open_items(task: Reminder, today: date) -> list[dict[str, Any]]:
    rows = (
        open_instalments(task.organisation)
        .filter(customer=task.customer, invoice__currency=task.currency)
        .order_by("due_date", "id")
        .values_list("invoice__number", "invoice__issue_date", "due_date", "outstanding")  # type: ignore[misc]
    )
    return [
        {"number": number, "issued": issued, "due": due, "outstanding": Decimal(owed),
         "days_late": (today - due).days}
        for number, issued, due, owed in rows
    ]  # fmt: skip
