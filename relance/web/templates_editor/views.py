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
from relance.channels.email.setup import template_test_send
from relance.channels.email.smtp import DeliveryError
from relance.channels.message_templates import (
    MissingTemplate,
    TemplateEditError,
    message_template_reset,
    message_template_save,
    template_kind_of,
    template_parts,
    template_sources,
)
from relance.channels.models import MessageTemplate
from relance.channels.step_templates import template_uses
from relance.channels.templating.context import LANGUAGES, TEMPLATE_VARIABLES
from relance.channels.templating.default_templates import PARTS_BY_STEP, template_kind
from relance.channels.templating.text_to_html import html_from_text
from relance.dunning.models import ScenarioStep
from relance.ledger.models import Customer, Language
from relance.web.access import Workspace, org_view
from relance.web.templates_editor.forms import TemplateForm
from relance.web.templates_editor.preview import Preview, build_preview
from relance.web.templates_editor.variables import insertions

LANGUAGE_NAMES = dict(Language.choices)
PICKER_SIZE = 20


def _checked(ws: Workspace, key: str, language: str) -> tuple[tuple[str, ...], str]:
    """The parts and the kind of the template (shipped, or the organisation's own)."""
    parts = template_parts(ws.organisation.pk, key)
    kind = template_kind_of(ws.organisation.pk, key)
    if parts is None or kind is None or language not in LANGUAGES:
        raise Http404(_("Modèle inconnu."))
    return parts, kind


def _customers(ws: Workspace, query: str) -> list[Customer]:
    rows = Customer.objects.filter(organisation=ws.organisation)
    if query.strip():
        rows = rows.filter(
            Q(name__icontains=query.strip()) | Q(external_ref__istartswith=query.strip())
        )
    return list(rows.order_by("name", "id")[:PICKER_SIZE])


@org_view
def template_list(request: HttpRequest, ws: Workspace) -> HttpResponse:
    """Every template the organisation can name: the shipped ones and its own, which steps
    use each, and in which languages it has its own wording."""
    own: dict[str, dict[str, Any]] = {}
    kinds: dict[str, str] = {}
    for key, language, kind, updated in MessageTemplate.objects.filter(
        organisation=ws.organisation
    ).values_list("key", "language", "kind", "updated_at"):
        own.setdefault(key, {})[language] = updated
        kinds[key] = kind
    uses = template_uses(ws.organisation.pk)
    names = [*PARTS_BY_STEP, *sorted(set(own) - set(PARTS_BY_STEP))]
    rows = [
        {"key": key, "kind": kinds.get(key) or template_kind(key), "shipped": key in PARTS_BY_STEP,
         "used": uses.get(key, []),
         "languages": [(language, LANGUAGE_NAMES[language], own.get(key, {}).get(language))
                       for language in LANGUAGES]}
        for key in names
    ]  # fmt: skip
    return render(request, "web/templates_editor/list.html", {"rows": rows})


def _initial_step(ws: Workspace, key: str) -> dict[str, str]:
    step = (
        ScenarioStep.objects.filter(scenario__organisation=ws.organisation)
        .filter(Q(template=key) | Q(template="", key=key))
        .order_by("scenario__key", "position")
        .values_list("tone", "penalties")
        .first()
    )
    tone, penalties = step or ("neutral", "none")
    return {"tone": tone, "penalties": penalties}


def _form(request: HttpRequest, ws: Workspace, key: str, language: str) -> TemplateForm:
    parts, kind = _checked(ws, key, language)
    from_text = kind == "email"
    params = request.POST if request.method == "POST" else request.GET
    chosen = params.get("customer", "")
    customers = _customers(ws, request.GET.get("q", ""))
    if chosen and all(str(c.uuid) != chosen for c in customers):
        customers.insert(0, _customer(ws, chosen))
    options = {"parts": parts, "customers": customers, "html_from_text": from_text}
    if request.method == "POST":
        return TemplateForm(request.POST, **options)  # type: ignore[arg-type]
    try:
        sources, own = template_sources(ws.organisation.pk, key, language)
    except MissingTemplate:  # an own template not written in this language yet
        sources, own = dict.fromkeys(parts, ""), False
    initial: dict[str, Any] = {**sources, **_initial_step(ws, key), "customer": chosen}
    for name in ("tone", "penalties"):
        initial[name] = request.GET.get(name) or initial[name]
    # HTML written by hand (or left empty for a text-only e-mail) stays as it is.
    initial["edit_html"] = own and sources.get("html") != html_from_text(
        sources.get("text", ""), language
    )
    return TemplateForm(initial=initial, **options)  # type: ignore[arg-type]


def _customer(ws: Workspace, uuid: str) -> Customer:
    try:
        return get_object_or_404(Customer, organisation=ws.organisation, uuid=uuid)
    except ValidationError as exc:  # not a uuid at all
        raise Http404(_("Client inconnu.")) from exc


def _preview(ws: Workspace, key: str, language: str, form: TemplateForm) -> Preview:
    if form.is_bound:
        data, sources = form.cleaned_data, form.sources(language)
    else:
        data = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
        sources = {part: data.get(part) or "" for part in ("subject", "text", "html")
                   if part in form.fields}  # fmt: skip
        if "edit_html" in form.fields and not data.get("edit_html"):
            sources["html"] = html_from_text(sources.get("text", ""), language)
    uuid = data.get("customer") or ""
    return build_preview(
        organisation=ws.organisation, key=key, language=language, sources=sources,
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
        "query": request.GET.get("q", ""), "insertions": insertions(language),
        "shipped": key in PARTS_BY_STEP,
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
        message_template_save(
            organisation=ws.organisation, key=key, language=language,
            sources=form.sources(language), actor=Actor(user=ws.user),
        )  # fmt: skip
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
    _checked(ws, key, language)
    if message_template_reset(organisation=ws.organisation, key=key, language=language,
                              actor=Actor(user=ws.user)):  # fmt: skip
        messages.success(request, _("Modèle par défaut rétabli."))
    else:
        messages.info(request, _("Ce modèle était déjà celui par défaut."))
    return redirect("template_edit", org=ws.organisation.slug, key=key, language=language)


@org_view
@require_POST
def template_test(request: HttpRequest, ws: Workspace, key: str, language: str) -> HttpResponse:
    """ "M'envoyer un test": the message as typed, rendered for the chosen customer, sent now
    to the user's own address through the organisation's sending settings (for htmx: the
    result replaces the button's status line)."""
    form = _form(request, ws, key, language)
    preview = _preview(ws, key, language, form) if form.is_valid() else None
    if preview is None or preview.errors:
        problem = _("Corrigez le modèle avant de l'envoyer.")
    elif preview.customer is None:
        problem = _("Choisissez un client pour l'aperçu : le test est écrit avec ses données.")
    else:
        try:
            template_test_send(organisation=ws.organisation, to=ws.user.email,
                               subject=preview.subject, text=preview.text,
                               html=preview.html)  # fmt: skip
        except DeliveryError as exc:
            problem = _("Envoi refusé : %(reason)s") % {"reason": exc}
        else:
            problem = ""
    context = {"problem": problem, "to": ws.user.email}
    return render(request, "web/templates_editor/_test_sent.html", context,
                  status=400 if problem else 200)  # fmt: skip


@org_view
def customer_options(request: HttpRequest, ws: Workspace) -> HttpResponse:
    """The customer picker's options for a search, for htmx."""
    customers = _customers(ws, request.GET.get("q", ""))
    return render(request, "web/templates_editor/_customer_options.html",
                  {"customers": customers, "chosen": request.GET.get("customer", "")})  # fmt: skip
