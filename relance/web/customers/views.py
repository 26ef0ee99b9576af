"""Customer pages: the list, a customer's page, and the changes made from it.

Every change is a plain form POST answered by a redirect to the customer's page (with a
message), and goes through a service of ``relance.ledger`` or ``relance.dunning``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.channels.letter.archive import customer_dispatches
from relance.channels.sms.selectors import sms_opted_out_among
from relance.dunning.debtor_requests import Upload
from relance.dunning.disputes import disputes_open, open_disputes
from relance.dunning.labels import Labels, step_label
from relance.dunning.models import Dispute, DisputeAttachment, Scenario, Segment
from relance.dunning.next_reminder import next_reminder
from relance.dunning.segments import customer_segment
from relance.dunning.services import (
    DunningError,
    customer_pause,
    customer_resume,
    customer_scenario_set,
    dispute_close,
)
from relance.imports.payer_ibans import learned_payer_ibans
from relance.ledger.models import Contact, Customer, Invoice
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
    DisputeOpenForm,
    DisputeResolveForm,
    NoteForm,
    PauseForm,
    ScenarioForm,
)
from relance.web.customers.paging import countless_page, page_number
from relance.web.customers.segment_card import segment_card
from relance.web.customers.selectors import (
    CustomerList,
    collectors_of,
    currencies_of,
    customer_agreements,
    customer_head,
)
from relance.web.customers.timeline import customer_timeline
from relance.web.todo.forms import AcknowledgedForm

TIMELINE_STEP = 50
LETTERS_SHOWN = 20
OPEN_ITEMS_SHOWN = 100
DISPUTES_SHOWN = 20
# The sections of a customer's page, one shown at a time.
TABS = (
    ("invoices", gettext_lazy("Factures")),
    ("timeline", gettext_lazy("Historique et notes")),
    ("contacts", gettext_lazy("Contacts et adresse")),
    ("disputes", gettext_lazy("Litiges")),
    ("dunning", gettext_lazy("Relances")),
)
# A form sent back with its errors shows the section it belongs to.
FORM_TABS = {
    "pause_form": "dunning", "scenario_form": "dunning", "collector_form": "dunning",
    "segment_form": "dunning",
    "contact_form": "contacts", "address_form": "contacts", "note_form": "timeline",
    "dispute_form": "disputes", "resolve_form": "disputes",
}  # fmt: skip


def actor_of(ws: Workspace) -> Actor:
    return Actor(user=ws.user)


def _scenarios(ws: Workspace) -> list[Scenario]:
    return list(Scenario.objects.filter(organisation=ws.organisation).order_by("name"))


def customer_listing(
    request: HttpRequest, ws: Workspace
) -> tuple[CustomerFilterForm, CustomerList, Labels]:
    """The list's filter form, the list it asks for, and the segment names (the list page
    and its export read the same)."""
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
    listing = CustomerList(organisation, filters, local_day(organisation))
    names = Labels(segments={segment.key: segment.name for segment in segments})
    return form, listing, names


@org_view
def customers(request: HttpRequest, ws: Workspace) -> HttpResponse:
    form, listing, names = customer_listing(request, ws)
    today = listing.today
    page = countless_page(listing.fetch, number=page_number(request))
    rows = [list_row(customer, names, today) for customer in page.object_list]
    context = {"form": form, "filters": listing.filters, "page": page, "rows": rows,
               "today": today}  # fmt: skip
    return render(request, "web/customers/list.html", context)


def list_row(customer: Any, names: Labels, today: date) -> dict[str, Any]:
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


def _tab(request: HttpRequest, forms: dict[str, Any]) -> str:
    """The section shown: the one asked for, else the one of a form sent back with errors."""
    for name, tab in FORM_TABS.items():
        if name in forms:
            return tab
    wanted = request.GET.get("tab") or request.POST.get("tab") or ""
    return wanted if wanted in dict(TABS) else "invoices"


def _detail(request: HttpRequest, ws: Workspace, customer: Customer, **forms: Any) -> HttpResponse:
    organisation = ws.organisation
    today = local_day(organisation)
    tab = _tab(request, forms)
    timeline = customer_timeline(
        customer, org=organisation.slug, limit=_timeline_limit(request), today=today
    )
    if request.headers.get("HX-Request") and request.GET.get("events"):
        return render(request, "web/customers/_timeline.html", {"timeline": timeline,
                                                                 "customer": customer})  # fmt: skip
    head = customer_head(customer, today=today)
    coming = next_reminder(customer, today=today)
    scenarios = _scenarios(ws)
    collectors = collectors_of(organisation)
    own = head.dunning.scenario if head.dunning else None
    segment = customer_segment(organisation, customer)
    names = Labels(scenarios={scenario.key: scenario.name for scenario in scenarios})
    disputes = list(open_disputes(customer))
    context = {
        "customer": customer,
        "today": today,
        "tab": tab,
        "tabs": TABS,
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
        **segment_card(ws, customer, segment, today, forms.get("segment_form")),
        "scenario_form": forms.get("scenario_form")
        or ScenarioForm(initial={"scenario": str(own.uuid) if own else ""}, scenarios=scenarios),
        "collector_form": forms.get("collector_form")
        or CollectorForm(
            initial={"collector": str(customer.collector.uuid) if customer.collector else ""},
            collectors=collectors,
        ),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "sms_stopped": sms_opted_out_among(
            organisation, (contact.phone for contact in head.contacts)
        ),
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
        "next_reminder": coming,
        "next_step": step_label(coming.step) if coming else "",
        "agreements": customer_agreements(customer, today=today),
        "open_disputes": disputes,
        "disputed_ids": {dispute.invoice_id for dispute in disputes},
        "closed_disputes": closed_disputes(customer),
        "dispute_form": forms.get("dispute_form")
        or DisputeOpenForm(
            collectors=collectors,
            invoices=disputable_invoices(customer),
            initial={"owner": str(ws.user.uuid)},
        ),
        "resolve_form": forms.get("resolve_form") or DisputeResolveForm(),
        "payer_ibans": learned_payer_ibans(customer),
    }
    return render(request, "web/customers/detail.html", context)


def closed_disputes(customer: Customer) -> list[Dispute]:
    return list(
        Dispute.objects.filter(invoice__customer=customer)
        .exclude(closed_on=None)
        .select_related("invoice", "closed_by")
        .order_by("-closed_on", "-id")[:DISPUTES_SHOWN]
    )


def disputable_invoices(customer: Customer) -> list[Invoice]:
    """The customer's invoices that still owe something and are not in dispute already."""
    owing = open_instalments(customer.organisation).filter(customer=customer)
    return list(
        Invoice.objects.filter(pk__in=owing.values("invoice_id"))
        .exclude(pk__in=open_disputes(customer).values("invoice_id"))
        .order_by("number")[:OPEN_ITEMS_SHOWN]
    )


def _iso_day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@org_view
def customer_page(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    return _detail(request, ws, _customer(ws, customer))


def _back(request: HttpRequest, ws: Workspace, customer: Customer) -> HttpResponse:
    """Back to the customer's page, on the section the form was sent from."""
    url = reverse("customer", kwargs={"org": ws.organisation.slug, "customer": customer.uuid})
    tab = request.POST.get("tab", "")
    return redirect(f"{url}?tab={tab}" if tab in dict(TABS) else url)


def _done(request: HttpRequest, ws: Workspace, customer: Customer, text: str) -> HttpResponse:
    messages.success(request, text)
    return _back(request, ws, customer)


def _refused(
    request: HttpRequest, ws: Workspace, customer: Customer, error: Exception
) -> HttpResponse:
    messages.error(request, str(error))
    return _back(request, ws, customer)


@org_view
@require_POST
def pause_post(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _detail(request, ws, target, pause_form=form)
    until = form.cleaned_data.get("until")
    try:
        customer_pause(customer=target, reason=form.cleaned_data["reason"], actor=actor_of(ws),
                       until=until, day=local_day(ws.organisation))  # fmt: skip
    except DunningError as error:
        return _refused(request, ws, target, error)
    if until is not None:
        text = _("Les relances de ce client sont suspendues jusqu'au %(day)s inclus.") % {
            "day": until.strftime("%d/%m/%Y")
        }
        return _done(request, ws, target, text)
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


@org_view
@require_POST
def dispute_new(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    target = _customer(ws, customer)
    form = DisputeOpenForm(request.POST, request.FILES, collectors=collectors_of(ws.organisation),
                           invoices=disputable_invoices(target))  # fmt: skip
    if form.is_valid():
        try:
            opened = disputes_open(
                customer=target, invoices=form.chosen_invoices(),
                category=form.cleaned_data["category"], reason=form.cleaned_data["reason"],
                owner=form.chosen_owner(), due_on=form.cleaned_data.get("due_on"),
                uploads=uploads_of(form), day=local_day(ws.organisation), actor=actor_of(ws),
            )  # fmt: skip
        except DunningError as error:
            form.add_error(None, str(error))
        else:
            numbers = ", ".join(dispute.invoice.number for dispute in opened)
            text = _("Litige ouvert sur %(numbers)s : ces factures ne sont plus relancées.")
            return _done(request, ws, target, text % {"numbers": numbers})
    return _detail(request, ws, target, dispute_form=form)


def uploads_of(form: Form) -> list[Upload]:
    """The file of a dispute form, read within the size cap (a bigger one is refused by the
    portal's rule without being read whole)."""
    file = form.cleaned_data.get("attachment")
    if not file:
        return []
    limit = settings.RELANCE_PORTAL_ATTACHMENT_MAX_MB * 1024 * 1024
    return [Upload(name=file.name or "piece", data=file.read(limit + 1))]


def _dispute(ws: Workspace, customer: Customer, uuid: UUID) -> Dispute:
    return get_object_or_404(
        Dispute.objects.select_related("invoice", "invoice__organisation"),
        organisation=ws.organisation, invoice__customer=customer, uuid=uuid,
    )  # fmt: skip


@org_view
@require_POST
def dispute_resolve(
    request: HttpRequest, ws: Workspace, customer: UUID, dispute: UUID
) -> HttpResponse:
    target = _customer(ws, customer)
    found = _dispute(ws, target, dispute)
    form = DisputeResolveForm(request.POST)
    if not form.is_valid():
        return _detail(request, ws, target, resolve_form=form)
    try:
        dispute_close(dispute=found, day=local_day(ws.organisation), actor=actor_of(ws),
                      outcome=form.cleaned_data["outcome"],
                      note=form.cleaned_data["note"])  # fmt: skip
    except DunningError as error:
        return _refused(request, ws, target, error)
    text = _("Litige sur %(number)s résolu : les relances de cette facture reprennent.")
    return _done(request, ws, target, text % {"number": found.invoice.number})


@org_view
def dispute_file(
    request: HttpRequest, ws: Workspace, customer: UUID, dispute: UUID, file: UUID
) -> HttpResponse:
    found = _dispute(ws, _customer(ws, customer), dispute)
    attachment = get_object_or_404(DisputeAttachment, dispute=found, uuid=file)
    with attachment.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response
