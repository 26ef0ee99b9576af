"""Scenario pages: the list, one scenario with its steps, step edits and the calendar preview."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.channels.step_templates import scenario_step_save, step_template, template_uses
from relance.core.scenario import PRESETS
from relance.dunning.labels import scenario_name, step_label
from relance.dunning.models import Scenario, ScenarioStep
from relance.dunning.scenario_edit import (
    ScenarioEditError,
    scenario_create,
    scenario_delete,
    scenario_step_delete,
    scenario_step_move,
    scenario_update,
    scenario_usage,
)
from relance.dunning.scenarios import core_step, scenarios_ensure_presets
from relance.web.access import Workspace, org_view
from relance.web.scenarios.forms import (
    CalendarForm,
    ScenarioCreateForm,
    ScenarioRenameForm,
    StepForm,
)
from relance.web.scenarios.selectors import (
    engine_scenario,
    scenario_calendar,
    scenario_rows,
    scenario_warnings,
)
from relance.web.scenarios.undo import undo_token, undone_step


def _actor(ws: Workspace) -> Actor:
    return Actor(user=ws.user)


def _scenario(ws: Workspace, uuid: UUID) -> Scenario:
    return get_object_or_404(Scenario, organisation=ws.organisation, uuid=uuid)


def _refused(form: forms.Form, error: ScenarioEditError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@org_view
def scenario_list(request: HttpRequest, ws: Workspace) -> HttpResponse:
    scenarios_ensure_presets(ws.organisation)
    return render(request, "web/scenarios/list.html", {"rows": scenario_rows(ws.organisation)})


@org_view
def scenario_new(request: HttpRequest, ws: Workspace) -> HttpResponse:
    scenarios = Scenario.objects.filter(organisation=ws.organisation).order_by("name")
    form = ScenarioCreateForm(request.POST or None, scenarios=scenarios)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = scenario_create(
                organisation=ws.organisation, key=form.cleaned_data["key"],
                name=form.cleaned_data["name"], copy_from=form.cleaned_data["copy_from"],
                actor=_actor(ws),
            )  # fmt: skip
        except ScenarioEditError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Scénario « %(name)s » créé.") % {"name": scenario.name})
            return redirect("scenario_detail", org=ws.organisation.slug, scenario=scenario.uuid)
    return render(request, "web/scenarios/new.html", {"form": form})


def _calendar_context(request: HttpRequest, ws: Workspace, scenario: Scenario,
                      steps: list[ScenarioStep]) -> dict[str, Any]:  # fmt: skip
    today = timezone.localdate()
    data = CalendarForm.defaults(today)
    if "due_date" in request.GET:
        data = {**data, **request.GET.dict()}
    form = CalendarForm(data)
    engine = engine_scenario(scenario, steps)
    entries = None
    if engine is not None and form.is_valid():
        entries = scenario_calendar(
            ws.organisation, engine, language=(get_language() or "fr")[:2], **form.cleaned_data
        )
    return {"scenario": scenario, "calendar_form": form, "entries": entries}


def _detail(request: HttpRequest, ws: Workspace, scenario: Scenario, *,
            step_form: StepForm | None = None, rename_form: ScenarioRenameForm | None = None,
            status: int = 200) -> HttpResponse:  # fmt: skip
    steps = list(scenario.steps.order_by("position"))
    undo = undone_step(scenario, request.GET.get("undo", ""))
    uses = template_uses(ws.organisation.pk)
    context = {
        "undo": undo,
        "undo_token": request.GET.get("undo", "") if undo else "",
        "steps": steps,
        "templates": [_shared(step, uses) for step in steps],
        "usage": scenario_usage(scenario),
        "is_preset": scenario.key in PRESETS,
        "warnings": scenario_warnings(ws.organisation, engine_scenario(scenario, steps)),
        "step_form": step_form or StepForm(),
        "rename_form": rename_form or ScenarioRenameForm(initial={"name": scenario.name}),
        **_calendar_context(request, ws, scenario, steps),
    }
    return render(request, "web/scenarios/detail.html", context, status=status)


def _shared(step: ScenarioStep, uses: dict[str, list[Any]]) -> dict[str, Any]:
    """The step's template, and the other steps using it."""
    name = step_template(step)
    others = [use for use in uses.get(name, []) if use.step != step.key or
              use.scenario != step.scenario.name]  # fmt: skip
    return {"step": step, "name": name, "others": others}


@org_view
def scenario_detail(request: HttpRequest, ws: Workspace, scenario: UUID) -> HttpResponse:
    return _detail(request, ws, _scenario(ws, scenario))


@org_view
def scenario_calendar_view(request: HttpRequest, ws: Workspace, scenario: UUID) -> HttpResponse:
    """The calendar alone, for htmx; without htmx, the whole scenario page."""
    found = _scenario(ws, scenario)
    if not request.headers.get("HX-Request"):
        return _detail(request, ws, found)
    context = _calendar_context(request, ws, found, list(found.steps.order_by("position")))
    return render(request, "web/scenarios/_calendar.html", context)


def _created(request: HttpRequest, names: list[str]) -> None:
    for name in names:
        messages.info(
            request,
            _("Modèle « %(name)s » créé dans les quatre langues à partir d'un modèle livré : "
              "adaptez son texte dans Modèles.") % {"name": name},
        )  # fmt: skip


@org_view
@require_POST
def scenario_rename(request: HttpRequest, ws: Workspace, scenario: UUID) -> HttpResponse:
    found = _scenario(ws, scenario)
    form = ScenarioRenameForm(request.POST)
    if form.is_valid():
        try:
            scenario_update(scenario=found, name=form.cleaned_data["name"], actor=_actor(ws))
        except ScenarioEditError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Scénario renommé."))
            return redirect("scenario_detail", org=ws.organisation.slug, scenario=found.uuid)
    return _detail(request, ws, found, rename_form=form, status=400)


@org_view
@require_POST
def scenario_remove(request: HttpRequest, ws: Workspace, scenario: UUID) -> HttpResponse:
    found = _scenario(ws, scenario)
    try:
        scenario_delete(scenario=found, actor=_actor(ws))
    except ScenarioEditError as exc:
        messages.error(request, exc.message)
        return redirect("scenario_detail", org=ws.organisation.slug, scenario=found.uuid)
    messages.success(request, _("Scénario « %(name)s » supprimé.") % {"name": scenario_name(found)})
    return redirect("scenarios", org=ws.organisation.slug)


@org_view
@require_POST
def step_add(request: HttpRequest, ws: Workspace, scenario: UUID) -> HttpResponse:
    found = _scenario(ws, scenario)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            created = scenario_step_save(scenario=found, step=form.step(), actor=_actor(ws))
        except ScenarioEditError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request, _("Étape « %(key)s » ajoutée.") % {"key": step_label(form.step().key)}
            )
            _created(request, created)
            return redirect("scenario_detail", org=ws.organisation.slug, scenario=found.uuid)
    return _detail(request, ws, found, step_form=form, status=400)


@org_view
def step_edit(request: HttpRequest, ws: Workspace, scenario: UUID, key: str) -> HttpResponse:
    found = _scenario(ws, scenario)
    row = get_object_or_404(ScenarioStep, scenario=found, key=key)
    initial = {name: getattr(row, name) for name in StepForm.base_fields}
    form = StepForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = scenario_step_save(scenario=found, key=key, step=form.step(),
                                         actor=_actor(ws))  # fmt: skip
        except ScenarioEditError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request, _("Étape « %(key)s » enregistrée.") % {"key": step_label(form.step().key)}
            )
            _created(request, created)
            return redirect("scenario_detail", org=ws.organisation.slug, scenario=found.uuid)
    status = 400 if request.method == "POST" else 200
    context = {"scenario": found, "step": row, "form": form}
    return render(request, "web/scenarios/step.html", context, status=status)


@org_view
@require_POST
def step_delete(request: HttpRequest, ws: Workspace, scenario: UUID, key: str) -> HttpResponse:
    """Delete a step; the page that follows offers to undo it (the step, signed, in its URL)."""
    found = _scenario(ws, scenario)
    row = get_object_or_404(ScenarioStep, scenario=found, key=key)
    deleted = core_step(row)
    try:
        scenario_step_delete(scenario=found, key=key, actor=_actor(ws))
    except ScenarioEditError as exc:
        messages.error(request, exc.message)
        return redirect("scenario_detail", org=ws.organisation.slug, scenario=found.uuid)
    url = reverse("scenario_detail", kwargs={"org": ws.organisation.slug, "scenario": found.uuid})
    return redirect(f"{url}?{urlencode({'undo': undo_token(found, deleted)})}")


@org_view
@require_POST
def step_undo(request: HttpRequest, ws: Workspace, scenario: UUID) -> HttpResponse:
    """Put back a step just deleted, in its place among the offsets."""
    found = _scenario(ws, scenario)
    step = undone_step(found, request.POST.get("undo", ""))
    if step is None:
        messages.error(request, _("Ce lien d'annulation n'est pas valable ou a expiré."))
    else:
        try:
            scenario_step_save(scenario=found, step=step, actor=_actor(ws))
        except ScenarioEditError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Étape « %(key)s » rétablie.") % {"key": step_label(step.key)}
            )
    return redirect("scenario_detail", org=ws.organisation.slug, scenario=found.uuid)


@org_view
@require_POST
def step_move(request: HttpRequest, ws: Workspace, scenario: UUID, key: str) -> HttpResponse:
    found = _scenario(ws, scenario)
    get_object_or_404(ScenarioStep, scenario=found, key=key)
    direction = {"up": -1, "down": 1}.get(request.POST.get("direction", ""), 0)
    try:
        scenario_step_move(scenario=found, key=key, direction=direction, actor=_actor(ws))
    except ScenarioEditError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Étape « %(key)s » déplacée.") % {"key": step_label(key)})
    return redirect("scenario_detail", org=ws.organisation.slug, scenario=found.uuid)
