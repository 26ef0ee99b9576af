"""Helpers shared by the to-do views: finding the task, its kind, its URLs, the page context.

Nothing here writes: every write goes through a service (see ``relance.web.todo.views``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.channels.email.bounce_reasons import BounceReason, bounce_reason
from relance.channels.models import DeliveryEvent, DeliveryEventKind, OutboundMessage
from relance.dunning.models import Reminder
from relance.dunning.todo import FAILED, FAILED_DELIVERY, KINDS, TODO_STATUSES, why
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


def context(ws: Workspace, task: Reminder, kind: str) -> dict[str, Any]:
    message = getattr(task, "message", None)
    bounce = bounce_of(message) if kind == FAILED else None
    return {
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
        "today": local_day(ws.organisation),
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
