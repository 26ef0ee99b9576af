"""Customer pages: the list, a customer's page, and the changes made from it.

Every change is a plain form POST answered by a redirect to the customer's page (with a
message), and goes through a service of ``relance.ledger`` or ``relance.dunning``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.channels.letter.archive import customer_dispatches
from relance.dunning.labels import Labels
from relance.dunning.models import Scenario, Segment
from relance.dunning.segments import customer_segment
from relance.dunning.services import (
    DunningError,
    customer_pause,
    customer_resume,
    customer_scenario_set,
)
from relance.ledger.models import Contact, Customer
from relance.ledger.postal import postal_address_lines, postal_address_missing
from relance.ledger.selectors import open_instalments
from relance.ledger.services import (
    LedgerError,
    contact_add,
    contact_update,
    customer_address_update,
    customer_collector_set,
    note_add,
)
from relance.web.access import Workspace, org_view
from relance.web.customers.forms import (
    AddressForm,
    CollectorForm,
    ContactForm,
    CustomerFilterForm,
    NoteForm,
    PauseForm,
    ScenarioForm,
)
from relance.web.customers.paging import countless_page, page_number
from relance.web.customers.selectors import (
    CustomerList,
    collectors_of,
    currencies_of,
    customer_head,
)
from relance.web.customers.timeline import customer_timeline
from relance.web.todo.forms import AcknowledgedForm

TIMELINE_STEP = 50
LETTERS_SHOWN = 20
OPEN_ITEMS_SHOWN = 100


def actor_of(ws: Workspace) -> Actor:
    return Actor(user=ws.user)


def _scenarios(ws: Workspace) -> list[Scenario]:
    return list(Scenario.objects.filter(organisation=ws.organisation).order_by("name"))


@org_view
def customers(request: HttpRequest, ws: Workspace) -> HttpResponse:
    organisation = ws.organisation
    segments = list(Segment.objects.filter(organisation=organisation).order_by("position"))
    form = CustomerFilterForm(
        request.GET,
        currencies=currencies_of(organisation),
        segments=segments,
        collectors=collectors_of(organisation),
        scenarios=_scenarios(ws),
    )
    filters = form.filters(organisation.default_currency)
    today = local_day(organisation)
    listing = CustomerList(organisation, filters, today)
    page = countless_page(listing.fetch, number=page_number(request))
    names = Labels(segments={segment.key: segment.name for segment in segments})
    rows = [_row(customer, names, today) for customer in page.object_list]
    context = {"form": form, "filters": filters, "page": page, "rows": rows, "today": today}
    return render(request, "web/customers/list.html", context)


def _row(customer: Any, names: Labels, today: date) -> dict[str, Any]:
    """One line of the list, from what the list query joined (nothing more is read)."""
    dunning = getattr(customer, "dunning", None)  # missing for a customer never planned
    segment = dunning.segment if dunning else ""
    oldest = customer.oldest_due_date
    return {
        "customer": customer,
        "segment": names.segment(segment),
        "days_late": (today - oldest).days if oldest else None,
        "paused": bool(dunning and dunning.paused),
        "last_contact_on": dunning.last_contact_on if dunning else None,
    }


def _customer(ws: Workspace, uuid: UUID) -> Customer:
    return get_object_or_404(
        Customer.objects.select_related("collector", "organisation"),
        organisation=ws.organisation,
        uuid=uuid,
    )


def _timeline_limit(request: HttpRequest) -> int:
    try:
        return max(TIMELINE_STEP, int(request.GET.get("events", TIMELINE_STEP)))
    except ValueError:
        return TIMELINE_STEP


def _detail(request: HttpRequest, ws: Workspace, customer: Customer, **forms: Any) -> HttpResponse:
    organisation = ws.organisation
    today = local_day(organisation)
    timeline = customer_timeline(
        customer, org=organisation.slug, limit=_timeline_limit(request), today=today
    )
    if request.headers.get("HX-Request") and request.GET.get("events"):
        return render(request, "web/customers/_timeline.html", {"timeline": timeline,
                                                                 "customer": customer})  # fmt: skip
    head = customer_head(customer, today=today)
    scenarios = _scenarios(ws)
    collectors = collectors_of(organisation)
    own = head.dunning.scenario if head.dunning else None
    segment = customer_segment(organisation, customer)
    names = Labels(scenarios={scenario.key: scenario.name for scenario in scenarios})
    context = {
        "customer": customer,
        "today": today,
        "head": head,
        "segment": segment,
        "segment_as_of": _iso_day(segment.explanation.get("as_of")),
        "scenario_name": names.scenario(segment.scenario),
        "timeline": timeline,
        "open_items": open_instalments(organisation)
        .filter(customer=customer)
        .select_related("invoice")
        .order_by("due_date", "id")[:OPEN_ITEMS_SHOWN],
        "pause_form": forms.get("pause_form") or PauseForm(),
        "scenario_form": forms.get("scenario_form")
        or ScenarioForm(initial={"scenario": str(own.uuid) if own else ""}, scenarios=scenarios),
        "collector_form": forms.get("collector_form")
        or CollectorForm(
            initial={"collector": str(customer.collector.uuid) if customer.collector else ""},
            collectors=collectors,
        ),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "address_form": forms.get("address_form") or AddressForm.of(customer),
        "address_lines": postal_address_lines(customer, sender_country=organisation.country),
        "address_missing": postal_address_missing(customer),
        "dispatches": [
            (
                dispatch,
                AcknowledgedForm(
                    number_known=bool(dispatch.registered_number),
                    auto_id=f"ack-{dispatch.reminder.uuid}-%s",
                ),
            )
            for dispatch in customer_dispatches(customer)[:LETTERS_SHOWN]
        ],
        "note_form": forms.get("note_form") or NoteForm(),
    }
    return render(request, "web/customers/detail.html", context)


def _iso_day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@org_view
def customer_page(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    return _detail(request, ws, _customer(ws, customer))


def _done(request: HttpRequest, ws: Workspace, customer: Customer, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("customer", org=ws.organisation.slug, customer=customer.uuid)


def _refused(
    request: HttpRequest, ws: Workspace, customer: Customer, error: Exception
) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("customer", org=ws.organisation.slug, customer=customer.uuid)


@org_view
@require_POST
def pause_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _detail(request, ws, target, pause_form=form)
    try:
        customer_pause(customer=target, reason=form.cleaned_data["reason"], actor=actor_of(ws))
    except DunningError as error:
        return _refused(request, ws, target, error)
    return _done(request, ws, target, _("Les relances de ce client sont suspendues."))


@org_view
@require_POST
def resume_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    try:
        customer_resume(customer=target, day=local_day(ws.organisation), actor=actor_of(ws))
    except DunningError as error:
        return _refused(request, ws, target, error)
    return _done(request, ws, target, _("Les relances de ce client reprennent."))


@org_view
@require_POST
def scenario_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    form = ScenarioForm(request.POST, scenarios=_scenarios(ws))
    if not form.is_valid():
        return _detail(request, ws, target, scenario_form=form)
    try:
        customer_scenario_set(customer=target, scenario=form.chosen(), actor=actor_of(ws))
    except DunningError as error:
        return _refused(request, ws, target, error)
    return _done(request, ws, target, _("Le scénario du client est enregistré."))


@org_view
@require_POST
def collector_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    form = CollectorForm(request.POST, collectors=collectors_of(ws.organisation))
    if not form.is_valid():
        return _detail(request, ws, target, collector_form=form)
    try:
        customer_collector_set(customer=target, collector=form.chosen(), actor=actor_of(ws))
    except LedgerError as error:
        return _refused(request, ws, target, error)
    return _done(request, ws, target, _("Le chargé de recouvrement est enregistré."))


@org_view
@require_POST
def address_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    form = AddressForm(request.POST)
    if form.is_valid():
        try:
            customer_address_update(customer=target, actor=actor_of(ws), **form.cleaned_data)
        except LedgerError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, ws, target, _("L'adresse postale est enregistrée."))
    return _detail(request, ws, target, address_form=form)


@org_view
@require_POST
def contact_new(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contact_add(customer=target, actor=actor_of(ws), **form.cleaned_data)
        except LedgerError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, ws, target, _("Le contact est ajouté."))
    return _detail(request, ws, target, contact_form=form)


@org_view
def contact_edit(
    request: HttpRequest, ws: Workspace, customer: UUID, contact: UUID
) -> HttpResponse:
    target = _customer(ws, customer)
    found = get_object_or_404(Contact, organisation=ws.organisation, customer=target, uuid=contact)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                contact_update(contact=found, actor=actor_of(ws), **form.cleaned_data)
            except LedgerError as error:
                form.add_error(None, str(error))
            else:
                return _done(request, ws, target, _("Le contact est modifié."))
    else:
        form = ContactForm(
            initial={
                "name": found.name, "email": found.email, "phone": found.phone,
                "role": found.role, "is_primary": found.is_primary, "in_copy": found.in_copy,
            }
        )  # fmt: skip
    context = {"customer": target, "contact": found, "form": form}
    return render(request, "web/customers/contact_edit.html", context)


@org_view
@require_POST
def note_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(customer=target, text=form.cleaned_data["text"], actor=actor_of(ws))
        except LedgerError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, ws, target, _("La note est ajoutée."))
    return _detail(request, ws, target, note_form=form)
