"""Templates editor: an organisation's wording of each step, per language, with a live preview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.channels.message_templates import (
    TemplateEditError,
    message_template_reset,
    message_template_save,
    template_sources,
)
from relance.channels.models import MessageTemplate
from relance.channels.templating.context import LANGUAGES, TEMPLATE_VARIABLES
from relance.channels.templating.default_templates import PARTS_BY_STEP
from relance.dunning.models import ScenarioStep
from relance.ledger.models import Customer, Language
from relance.web.access import Workspace, org_view
from relance.web.templates_editor.forms import TemplateForm
from relance.web.templates_editor.preview import build_preview

LANGUAGE_NAMES = dict(Language.choices)
PICKER_SIZE = 20


def _checked(key: str, language: str) -> tuple[str, ...]:
    if key not in PARTS_BY_STEP or language not in LANGUAGES:
        raise Http404(_("Modèle inconnu."))
    return PARTS_BY_STEP[key]


def _customers(ws: Workspace, query: str) -> list[Customer]:
    rows = Customer.objects.filter(organisation=ws.organisation)
    if query.strip():
        rows = rows.filter(
            Q(name__icontains=query.strip()) | Q(external_ref__istartswith=query.strip())
        )
    return list(rows.order_by("name", "id")[:PICKER_SIZE])


@org_view
def template_list(request: HttpRequest, ws: Workspace) -> HttpResponse:
    own = {
        (key, language): updated
        for key, language, updated in MessageTemplate.objects.filter(
            organisation=ws.organisation
        ).values_list("key", "language", "updated_at")
    }
    used: dict[str, list[str]] = {}
    for key, channel, name in ScenarioStep.objects.filter(
        scenario__organisation=ws.organisation
    ).values_list("key", "channel", "scenario__name"):
        used.setdefault("sms" if channel == "sms" else key, []).append(name)
    rows = [
        {"key": key, "parts": parts, "used": sorted(set(used.get(key, []))),
         "languages": [(language, LANGUAGE_NAMES[language], own.get((key, language)))
                       for language in LANGUAGES]}
        for key, parts in PARTS_BY_STEP.items()
    ]  # fmt: skip
    return render(request, "web/templates_editor/list.html", {"rows": rows})


def _initial_step(ws: Workspace, key: str) -> dict[str, str]:
    step = (
        ScenarioStep.objects.filter(scenario__organisation=ws.organisation, key=key)
        .order_by("scenario__key", "position")
        .values_list("tone", "penalties")
        .first()
    )
    tone, penalties = step or ("neutral", "none")
    return {"tone": tone, "penalties": penalties}


def _form(request: HttpRequest, ws: Workspace, key: str, language: str) -> TemplateForm:
    parts = _checked(key, language)
    params = request.POST if request.method == "POST" else request.GET
    chosen = params.get("customer", "")
    customers = _customers(ws, request.GET.get("q", ""))
    if chosen and all(str(c.uuid) != chosen for c in customers):
        customers.insert(0, _customer(ws, chosen))
    if request.method == "POST":
        return TemplateForm(request.POST, parts=parts, customers=customers)
    sources, _own = template_sources(ws.organisation.pk, key, language)
    initial: dict[str, Any] = {**sources, **_initial_step(ws, key), "customer": chosen}
    for name in ("tone", "penalties"):
        initial[name] = request.GET.get(name) or initial[name]
    return TemplateForm(initial=initial, parts=parts, customers=customers)


def _customer(ws: Workspace, uuid: str) -> Customer:
    try:
        return get_object_or_404(Customer, organisation=ws.organisation, uuid=uuid)
    except ValidationError as exc:  # not a uuid at all
        raise Http404(_("Client inconnu.")) from exc


def _preview(ws: Workspace, key: str, language: str, form: TemplateForm) -> Any:
    data = form.cleaned_data if form.is_bound else {
        name: form.initial.get(name, field.initial) for name, field in form.fields.items()
    }  # fmt: skip
    uuid = data.get("customer") or ""
    return build_preview(
        organisation=ws.organisation, key=key, language=language,
        sources={part: data.get(part) or "" for part in PARTS_BY_STEP[key]},
        customer=_customer(ws, uuid) if uuid else None, tone=data.get("tone") or "neutral",
        penalties=data.get("penalties") or "none", today=timezone.localdate(),
    )  # fmt: skip


def _page(request: HttpRequest, ws: Workspace, key: str, language: str, form: TemplateForm,
          preview: Any, status: int = 200) -> HttpResponse:  # fmt: skip
    own = (
        MessageTemplate.objects.filter(organisation=ws.organisation, key=key, language=language)
        .select_related("updated_by")
        .first()
    )
    context = {
        "key": key, "language": language, "language_name": LANGUAGE_NAMES[language],
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "form": form, "preview": preview, "own": own, "variables": TEMPLATE_VARIABLES.items(),
        "query": request.GET.get("q", ""),
    }  # fmt: skip
    return render(request, "web/templates_editor/edit.html", context, status=status)


@org_view
def template_edit(request: HttpRequest, ws: Workspace, key: str, language: str) -> HttpResponse:
    form = _form(request, ws, key, language)
    if request.method != "POST":
        return _page(request, ws, key, language, form, _preview(ws, key, language, form))
    if not form.is_valid():
        return _page(request, ws, key, language, form, None, status=400)
    if request.POST.get("action") != "save":
        return _page(request, ws, key, language, form, _preview(ws, key, language, form))
    try:
        message_template_save(organisation=ws.organisation, key=key, language=language,
                              sources=form.sources(), actor=Actor(user=ws.user))  # fmt: skip
    except TemplateEditError as exc:
        preview = _preview(ws, key, language, form)  # before add_error drops the parts
        for part, message in exc.errors.items():
            form.add_error(part if part in form.fields else None, message)
        return _page(request, ws, key, language, form, preview, status=400)
    messages.success(request, _("Modèle enregistré : il sera utilisé pour les prochains envois."))
    return redirect("template_edit", org=ws.organisation.slug, key=key, language=language)


@org_view
@require_POST
def template_preview(request: HttpRequest, ws: Workspace, key: str, language: str) -> HttpResponse:
    """The preview alone, for htmx, from the sources being typed (nothing is saved)."""
    form = _form(request, ws, key, language)
    preview = _preview(ws, key, language, form) if form.is_valid() else None
    context = {"preview": preview, "form": form}
    return render(request, "web/templates_editor/_preview.html", context)


@org_view
@require_POST
def template_reset(request: HttpRequest, ws: Workspace, key: str, language: str) -> HttpResponse:
    _checked(key, language)
    if message_template_reset(organisation=ws.organisation, key=key, language=language,
                              actor=Actor(user=ws.user)):  # fmt: skip
        messages.success(request, _("Modèle par défaut rétabli."))
    else:
        messages.info(request, _("Ce modèle était déjà celui par défaut."))
    return redirect("template_edit", org=ws.organisation.slug, key=key, language=language)


@org_view
def customer_options(request: HttpRequest, ws: Workspace) -> HttpResponse:
    """The customer picker's options for a search, for htmx."""
    customers = _customers(ws, request.GET.get("q", ""))
    return render(request, "web/templates_editor/_customer_options.html",
                  {"customers": customers, "chosen": request.GET.get("customer", "")})  # fmt: skip
