"""The credit controller's to-do of the day: the list, and one page per task.

Views stay thin: reading goes through ``relance.dunning.todo`` selectors, every write through a
service (``relance.dunning.todo``, ``relance.dunning.calls``, ``relance.channels.manual``,
``relance.channels.letter.service``), each of which records the audit trail.

This module holds the list, the bulk actions and the actions every task shares; the task pages
live in ``message_views`` (e-mail, SMS), ``call_views`` and ``letter_views`` (letters, formal
notices, legal hand-off), with the helpers they share in ``common``.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.accounts.models import Membership, Role
from relance.channels.letter.batch import letters_pending, letters_to_print
from relance.channels.manual import SendRefused, todo_print_letters, todo_send_bulk, todo_send_sms
from relance.dunning.models import Reminder
from relance.dunning.services import DunningError
from relance.dunning.todo import (
    KINDS,
    no_longer_due,
    open_todo,
    reminder_done,
    reminder_postpone,
    reminder_skip,
    reminders_postpone,
    todo_counts,
    todo_filter,
    todo_withdraw_settled,
)
from relance.dunning.todo_board import customer_todos, next_customer, todo_customers
from relance.ledger.models import Customer
from relance.web.access import Workspace, org_view
from relance.web.paging import paginate
from relance.web.todo import call_views, common, letter_views, message_views
from relance.web.todo.forms import CallOutcomeForm, DoneForm, PostponeForm, SkipForm

# The "still due?" check withdraws tasks on its own, whoever is looking at the list.
STILL_DUE_CHECK = Actor.system("still-due check")
# A row is a customer with all their tasks and why: half a list page of single rows.
CUSTOMERS_PER_PAGE = 25


# --- the list ---------------------------------------------------------------------------------


@org_view
def todo_list(request: HttpRequest, ws: Workspace) -> HttpResponse:
    organisation = ws.organisation
    today = local_day(organisation)
    # What was paid, disputed or promised since the morning leaves the list before it shows.
    todo_withdraw_settled(organisation=organisation, today=today, actor=STILL_DUE_CHECK)
    collector, kind = common.filters(request)
    customers = todo_customers(organisation, today=today, collector=collector, kind=kind)
    page = paginate(request, customers, per_page=CUSTOMERS_PER_PAGE)
    rows = customer_todos(organisation, [row["customer_id"] for row in page.object_list],
                          today=today, collector=collector, kind=kind)  # fmt: skip
    collectors = (
        Membership.objects.filter(organisation=organisation, role__in=[Role.ADMIN, Role.COLLECTOR])
        .select_related("user").order_by("user__email")
    )  # fmt: skip
    counts = todo_counts(todo_filter(open_todo(organisation, today=today), collector=collector))
    letters_ready, letters_held = letters_pending(organisation, today=today)
    context = {
        "page": page,
        "rows": rows,
        "today": today,
        "counts": [(key, KINDS[key], counts[key]) for key in KINDS],
        "total": sum(counts.values()),
        "kind": kind,
        "collector": collector,
        "collectors": collectors,
        "me": str(ws.user.pk),
        "letters_waiting": len(letters_ready),
        "letters_blocked": len(letters_held),
        "todo_query": common.query(collector, kind),
        "postpone_form": PostponeForm(initial={"until": today + timedelta(days=7)}),
    }
    return render(request, "web/todo/list.html", context)


@org_view
def todo_customer(request: HttpRequest, ws: Workspace, customer: UUID) -> HttpResponse:
    """One customer's to-do: every task and request of the day, and the way to the next."""
    organisation = ws.organisation
    today = local_day(organisation)
    found = get_object_or_404(Customer, organisation=organisation, uuid=customer)
    todo_withdraw_settled(organisation=organisation, today=today, actor=STILL_DUE_CHECK,
                          reminders=list(open_todo(organisation, today=today)
                                         .filter(customer=found)))  # fmt: skip
    collector, kind = common.filters(request)
    rows = customer_todos(organisation, [found.pk], today=today, collector=collector, kind=kind)
    ordered = todo_customers(organisation, today=today, collector=collector, kind=kind)
    following = next_customer(ordered, found.pk)
    context = {
        "row": rows[0],
        "today": today,
        "kind": kind,
        "collector": collector,
        "todo_query": common.query(collector, kind),
        "next_url": common.customer_url(ws, following, collector, kind) if following else "",
        "postpone_form": PostponeForm(initial={"until": today + timedelta(days=7)}),
    }
    return render(request, "web/todo/customer.html", context)


@org_view
@require_POST
def todo_bulk(request: HttpRequest, ws: Workspace) -> HttpResponse:
    """The ticked tasks, all at once: sent (e-mails and SMS), printed (letters and formal
    notices, one PDF) or put off to a date."""
    wanted: list[str] = []
    for value in request.POST.getlist("reminders"):
        try:
            wanted.append(str(UUID(value)))
        except ValueError:
            continue
    # Back to the page the selection was made on: the list, or a customer's to-do.
    back = request.POST.get("back", "").split("?")[0].split("#")[0]
    back = back if back.startswith(common.list_url(ws)) else common.list_url(ws)
    back += _safe_query(request.POST.get("query", ""))
    if not wanted:
        messages.warning(request, _("Cochez au moins une tâche."))
        return redirect(back)
    action = request.POST.get("action", "send")
    today = local_day(ws.organisation)
    if action == "print":
        return _bulk_print(request, ws, wanted, back)
    if action == "postpone":
        form = PostponeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Indiquez une date valide."))
            return redirect(back)
        try:
            done = reminders_postpone(organisation=ws.organisation, uuids=wanted,
                                      until=form.cleaned_data["until"], today=today,
                                      actor=common.actor(ws))  # fmt: skip
        except DunningError as exc:
            messages.error(request, str(exc))
            return redirect(back)
        until: date = form.cleaned_data["until"]
        messages.success(request, ngettext(
            "%(count)s tâche reportée au %(day)s.", "%(count)s tâches reportées au %(day)s.",
            len(done)) % {"count": len(done), "day": f"{until:%d/%m/%Y}"})  # fmt: skip
        return redirect(back)
    _bulk_send(request, ws, wanted, today)
    return redirect(back)


def _bulk_send(request: HttpRequest, ws: Workspace, wanted: list[str], today: date) -> None:
    """E-mails through the batch service (one transaction); SMS one by one, each in its own
    (a selection is one page at most). Other ticked tasks are not sent: they say so."""
    channels = dict(
        Reminder.objects.filter(organisation=ws.organisation, uuid__in=wanted)
        .values_list("uuid", "channel")
    )  # fmt: skip
    by_channel = {str(uuid): channel for uuid, channel in channels.items()}
    emails = [uuid for uuid in wanted if by_channel.get(uuid) == "email"]
    result = todo_send_bulk(organisation=ws.organisation, uuids=emails, today=today,
                            actor=common.actor(ws))  # fmt: skip
    refused = dict(result.refused)
    sent = len(result.sent)
    texts = (
        Reminder.objects.filter(organisation=ws.organisation, channel="sms",
                                uuid__in=[u for u in wanted if by_channel.get(u) == "sms"])
        .select_related("customer", "organisation", "customer__collector")
    )  # fmt: skip
    for task in texts:
        try:
            todo_send_sms(reminder=task, today=today, actor=common.actor(ws), fingerprint=None)
        except SendRefused as exc:
            refused[str(task.uuid)] = str(exc)
        else:
            sent += 1
    for uuid in wanted:
        if by_channel.get(uuid) not in ("email", "sms"):
            refused[uuid] = _("ni e-mail ni SMS : à traiter depuis sa page")
    if sent:
        # The French text is the same in both forms; English needs a real plural.
        text = ngettext(
            "%(count)s relance(s) envoyée(s).", "%(count)s relance(s) envoyée(s).", sent
        )
        messages.success(request, text % {"count": sent})
    if refused:
        names = dict(
            Reminder.objects.filter(organisation=ws.organisation, uuid__in=list(refused))
            .values_list("uuid", "customer__name")
        )  # fmt: skip
        for uuid, reason in refused.items():
            name = names.get(UUID(uuid), _("Relance"))
            messages.warning(
                request, _("%(name)s : non envoyée, %(reason)s.") % {"name": name, "reason": reason}
            )


def _bulk_print(request: HttpRequest, ws: Workspace, wanted: list[str], back: str) -> HttpResponse:
    today = local_day(ws.organisation)
    chosen = [task for task in letters_to_print(ws.organisation, today=today)
              if str(task.uuid) in wanted]  # fmt: skip
    if not chosen:
        messages.warning(request, _("Aucune lettre à imprimer dans la sélection."))
        return redirect(back)
    try:
        pdf = todo_print_letters(reminders=chosen, today=today, actor=common.actor(ws))
    except SendRefused as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return common.pdf(pdf, f"lettres-{today:%Y-%m-%d}.pdf", inline=False)


def _safe_query(query: str) -> str:
    from django.http import QueryDict

    params = QueryDict(query, mutable=True)
    kept = QueryDict(mutable=True)
    for name in ("collector", "kind", "page"):
        if params.get(name):
            kept[name] = str(params.get(name))
    encoded = kept.urlencode()
    return f"?{encoded}" if encoded else ""


@org_view
@require_POST
def todo_print(request: HttpRequest, ws: Workspace) -> HttpResponse:
    """The day's letters and formal notices as one PDF (``letters print``)."""
    today = local_day(ws.organisation)
    try:
        pdf = todo_print_letters(reminders=letters_to_print(ws.organisation, today=today),
                                 today=today, actor=common.actor(ws))  # fmt: skip
    except SendRefused as exc:
        messages.info(request, str(exc))
        return redirect(common.list_url(ws))
    return common.pdf(pdf, f"lettres-{today:%Y-%m-%d}.pdf", inline=False)


# --- one task ---------------------------------------------------------------------------------


@org_view
def todo_detail(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = common.reminder(ws, reminder)
    withdrawn = todo_withdraw_settled(organisation=ws.organisation,
                                      today=local_day(ws.organisation),
                                      actor=STILL_DUE_CHECK, reminders=[task])  # fmt: skip
    if task.pk in withdrawn:
        messages.info(request, _("Tâche retirée du « à faire » : %(reason)s")
                      % {"reason": no_longer_due(withdrawn[task.pk])})  # fmt: skip
        task.refresh_from_db()
    kind = common.kind(task)
    if task.channel in ("email", "sms"):
        return message_views.message_page(request, ws, task, kind)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    if task.channel == "call":
        return call_views.call_page(
            request, ws, task, CallOutcomeForm(initial=call_views.call_initial(ws, task))
        )
    if task.channel in ("letter", "formal_notice"):
        return letter_views.letter_page(request, ws, task, None)
    return letter_views.legal_page(request, ws, task)


@org_view
@require_POST
def todo_skip(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = common.reminder(ws, reminder)
    form = SkipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez pourquoi cette relance est écartée."))
        return redirect(common.detail_url(ws, task))
    next_id = common.following(ws, request, task.customer_id)
    try:
        reminder_skip(reminder=task, reason=form.cleaned_data["reason"],
                      today=local_day(ws.organisation), actor=common.actor(ws))  # fmt: skip
    except DunningError as exc:
        messages.error(request, str(exc))
        return redirect(common.detail_url(ws, task))
    messages.success(request, _("Relance de %(name)s écartée.") % {"name": task.customer.name})
    return redirect(common.after_action(ws, request, task.customer_id, next_id))


@org_view
@require_POST
def todo_postpone(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = common.reminder(ws, reminder)
    form = PostponeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez une date valide."))
        return redirect(common.detail_url(ws, task))
    next_id = common.following(ws, request, task.customer_id)
    try:
        reminder_postpone(reminder=task, until=form.cleaned_data["until"],
                          today=local_day(ws.organisation), actor=common.actor(ws),
                          reason=form.cleaned_data.get("reason", ""))  # fmt: skip
    except DunningError as exc:
        messages.error(request, str(exc))
        return redirect(common.detail_url(ws, task))
    until: date = form.cleaned_data["until"]
    messages.success(
        request,
        _("%(name)s : reporté au %(day)s.")
        % {"name": task.customer.name, "day": f"{until:%d/%m/%Y}"},
    )
    return redirect(common.after_action(ws, request, task.customer_id, next_id))


@org_view
@require_POST
def todo_done(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = common.reminder(ws, reminder)
    if task.channel in ("email", "sms", "call", "letter", "formal_notice"):
        raise Http404(_("Cette tâche se traite depuis sa page."))
    form = DoneForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    next_id = common.following(ws, request, task.customer_id)
    try:
        reminder_done(reminder=task, today=local_day(ws.organisation), actor=common.actor(ws),
                      note=note)  # fmt: skip
    except DunningError as exc:
        messages.error(request, str(exc))
        return redirect(common.detail_url(ws, task))
    messages.success(request, _("%(name)s : tâche faite.") % {"name": task.customer.name})
    return redirect(common.after_action(ws, request, task.customer_id, next_id))
