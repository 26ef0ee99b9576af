"""Settings: the organisation's profile and its business rules of reminding. Administrators
only, even for reading (the sending pages show secrets' existence and DNS keys)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.accounts.services import AccountError, organisation_update
from relance.dunning.models import DunningSettings
from relance.dunning.services import DunningError, dunning_settings_update
from relance.rates.selectors import WARN_DAYS, rate_coverage, rate_warnings
from relance.web.access import Workspace
from relance.web.settings_pages import admin_view
from relance.web.settings_pages.forms import OrganisationForm, RulesForm


@admin_view
def organisation(request: HttpRequest, ws: Workspace) -> HttpResponse:
    org = ws.organisation
    if request.method == "POST":
        form = OrganisationForm(request.POST, request.FILES, organisation=org)
        if form.is_valid():
            try:
                organisation_update(
                    organisation=org, actor=Actor(user=ws.user), **form.service_kwargs()
                )
            except AccountError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Les informations de l'organisation sont enregistrées.")
                )
                return redirect("settings", org=org.slug)
    else:
        form = OrganisationForm(organisation=org)
    return render(
        request,
        "web/settings_pages/organisation.html",
        {"form": form, "tab": "organisation"},
        status=400 if form.errors else 200,
    )


@admin_view
def logo(request: HttpRequest, ws: Workspace) -> HttpResponse:
    """The logo, for the settings page only: uploaded files are never served publicly."""
    stored = ws.organisation.logo
    if not stored:
        raise Http404
    content_type = mimetypes.guess_type(stored.name or "")[0] or "application/octet-stream"
    try:
        with stored.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response


@admin_view
def rules(request: HttpRequest, ws: Workspace) -> HttpResponse:
    org = ws.organisation
    current = DunningSettings.of(org)
    if request.method == "POST":
        form = RulesForm(request.POST)
        if form.is_valid():
            try:
                dunning_settings_update(
                    organisation=org, actor=Actor(user=ws.user), **form.cleaned_data
                )
            except DunningError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Les règles de relance sont enregistrées."))
                return redirect("settings_rules", org=org.slug)
    else:
        form = RulesForm.for_settings(current)
    return render(
        request,
        "web/settings_pages/rules.html",
        {"form": form, "tab": "rules", "currency": org.default_currency},
        status=400 if form.errors else 200,
    )


@admin_view
def rates(request: HttpRequest, ws: Workspace) -> HttpResponse:
    """Read-only: what each legal rate table covers; rates are added with ``relance rates add``."""
    today = local_day(ws.organisation)
    return render(
        request,
        "web/settings_pages/rates.html",
        {
            "tab": "rates",
            "today": today,
            "coverage": rate_coverage(today=today),
            "needed": {w.table for w in rate_warnings(organisation=ws.organisation, day=today)},
            "warn_days": WARN_DAYS,
        },
    )
