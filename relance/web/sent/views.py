"""The reminders that left: every outgoing message with what became of it, and its detail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from relance.accounts.models import Organisation
from relance.channels.models import OutboundMessage, OutboxStatus
from relance.channels.sent import (
    DELIVERIES,
    SCAN_WINDOW,
    delivery_of,
    message_events,
    message_items,
    scan_limit,
    sent_message,
    sent_messages,
    sent_page,
    without_open_pixel,
)
from relance.web.access import Workspace, org_view
from relance.web.sent.forms import SentFilterForm

PER_PAGE = 50
MAX_PAGES = 100
BADGES = {
    "sent": "info",
    "opened": "good",
    "replied": "good",
    "bounced": "bad",
    "failed": "bad",
    "uncertain": "warn",
    "cancelled": "",
    "pending": "",
}


@dataclass(frozen=True)
class Window:
    """One page of a list too long to count: the rows, and where the next page is."""

    rows: list[Any]
    number: int
    next_query: str  # "" on the last page

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _window(request: HttpRequest, organisation: Organisation, rows: Any) -> Window:
    """Numbered pages up to ``MAX_PAGES``; past them (skipped rows are still walked) the next
    page starts at the last message shown, which appears again at its top."""
    try:
        number = min(MAX_PAGES, max(1, int(request.GET.get("page", "1"))))
    except ValueError:
        number = 1
    start = (number - 1) * PER_PAGE
    found = list(rows.values_list("id", flat=True)[start : start + PER_PAGE + 1])
    shown = sent_page(organisation, found[:PER_PAGE])
    next_query = ""
    if len(found) > PER_PAGE and number < MAX_PAGES:
        next_query = _query(request, page=str(number + 1))
    elif len(found) > PER_PAGE:
        next_query = _query(request, before=shown[-1].created_at.isoformat())
    return Window(rows=shown, number=number, next_query=next_query)


def _query(request: HttpRequest, **changes: str | None) -> str:
    """The current filters with some changed (None: removed), page reset."""
    params = request.GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    return f"?{params.urlencode()}"


def customer_url(slug: str, uuid: object) -> str:
    """The customer's page (the customers area); "" while that area is not installed."""
    try:
        return reverse("customer", kwargs={"org": slug, "customer": uuid})
    except NoReverseMatch:
        return ""


@org_view
def sent_list(request: HttpRequest, ws: Workspace) -> HttpResponse:
    organisation = ws.organisation
    form = SentFilterForm(request.GET, organisation=organisation)
    form.is_valid()
    filters = form.filters()
    limit = scan_limit(organisation, filters)
    window = _window(request, organisation, sent_messages(organisation, filters, after=limit))
    names = form.names
    rows = []
    for message in window.rows:
        delivery, days_late = delivery_of(message)
        rows.append({
            "message": message,
            "label": DELIVERIES[delivery],
            "badge": BADGES[delivery],
            "days_late": days_late,
            "signed_by": names.get(message.reply_to, message.reply_to) or message.sender,
        })  # fmt: skip
    context = {
        "form": form,
        "window": window,
        "rows": rows,
        "scan_window": SCAN_WINDOW,
        "scan_limit": limit,
        "further": _query(request, before=limit.isoformat()) if limit is not None else "",
        "before": filters.before,
        "without_before": _query(request, before=None),
    }
    return render(request, "web/sent/list.html", context)


@org_view
def sent_detail(request: HttpRequest, ws: Workspace, message: object) -> HttpResponse:
    organisation = ws.organisation
    found = sent_message(organisation, str(message))
    if found is None:
        raise Http404(_("Message inconnu."))
    names = SentFilterForm(organisation=organisation).names
    delivery, days_late = delivery_of(found)
    context = {
        "message": found,
        "label": DELIVERIES[delivery],
        "badge": BADGES[delivery],
        "days_late": days_late,
        "signed_by": names.get(found.reply_to, found.reply_to),
        "html": without_open_pixel(found.body_html),
        "items": message_items(found),
        "timeline": _timeline(found),
        "customer_url": customer_url(organisation.slug, found.customer.uuid),
        "outbox_status": OutboxStatus(found.status).label,
    }
    return render(request, "web/sent/detail.html", context)


def _timeline(message: OutboundMessage) -> list[dict[str, Any]]:
    """What happened to the message, oldest first: written, sent or failed, then what came
    back (bounce, opening, reply)."""
    entries: list[dict[str, Any]] = [{"at": message.created_at, "kind": "written"}]
    if message.sent_at is not None:
        entries.append({"at": message.sent_at, "kind": "sent"})
    for event in message_events(message):
        detail = event.detail or {}
        entries.append({
            "at": event.at,
            "kind": event.kind,
            "status": detail.get("status", ""),
            "diagnostic": detail.get("diagnostic-code", ""),
            "sender": detail.get("from", ""),
            "subject": detail.get("subject", ""),
            "text": detail.get("text", ""),
        })  # fmt: skip
    entries.sort(key=lambda entry: entry["at"])
    return entries
