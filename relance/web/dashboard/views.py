"""The morning view: what is at stake for the organisation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from relance.imports.models import ImportBatch
from relance.ledger.selectors import ledger_summary
from relance.web.access import Workspace, org_view


@org_view
def dashboard(request: HttpRequest, ws: Workspace) -> HttpResponse:
    organisation = ws.organisation
    context = {
        "summary": ledger_summary(organisation, as_of=timezone.localdate()),
        "imports": ImportBatch.objects.filter(organisation=organisation)[:5],
    }
    return render(request, "web/dashboard/dashboard.html", context)
