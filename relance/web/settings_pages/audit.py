"""Settings: the organisation's audit trail, read page by page and exported whole (CSV), for
its administrators; the Django admin is for the installation's superusers only."""

from __future__ import annotations

import re
from uuid import UUID

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from relance.accounts.audit_labels import action_choices, action_label
from relance.accounts.clock import local_day
from relance.accounts.models import AuditEvent
from relance.accounts.selectors import AUDIT_COLUMNS, audit_events, audit_rows
from relance.web.access import Workspace
from relance.web.exports import export_response
from relance.web.settings_pages import admin_view

PER_PAGE = 100
ACTION = re.compile(r"[a-z_]{1,60}")


def _action(request: HttpRequest) -> str:
    wanted = request.GET.get("action", "").strip()
    return wanted if ACTION.fullmatch(wanted) else ""


@admin_view
def audit(request: HttpRequest, ws: Workspace) -> HttpResponse:
    action = _action(request)
    before = request.GET.get("before", "")
    before_id = int(before) if before.isdigit() else None
    events = list(audit_events(ws.organisation, action=action, before_id=before_id)
                  [: PER_PAGE + 1])  # fmt: skip
    older = events[PER_PAGE - 1].pk if len(events) > PER_PAGE else None
    for event in events:
        event.customer_uuid = _customer_uuid(event)  # type: ignore[attr-defined]
        event.action_label = action_label(event.action)  # type: ignore[attr-defined]
    context = {"tab": "audit", "events": events[:PER_PAGE], "action": action,
               "actions": action_choices(), "older": older,
               "newest": before_id is not None}  # fmt: skip
    return render(request, "web/settings_pages/audit.html", context)


def _customer_uuid(event: AuditEvent) -> UUID | None:
    """The customer the event is about, for a link to their page."""
    if event.entity_type != "customer":
        return None
    try:
        return UUID(event.entity_id)
    except ValueError:
        return None


@admin_view
def audit_export(request: HttpRequest, ws: Workspace) -> StreamingHttpResponse:
    action = _action(request)
    # Evidence in one format whoever reads it: French CSV, every cell text, dates ISO 8601.
    return export_response(
        fmt="csv", filename=f"journal-{ws.organisation.slug}-{action or 'tout'}",
        headers=AUDIT_COLUMNS, rows=audit_rows(ws.organisation, action=action),
        day=local_day(ws.organisation), language="fr",
    )  # fmt: skip
