"""The credit controller's to-do of the day: the list, and one page per task.

Views stay thin: reading goes through ``relance.dunning.todo`` selectors, every write through a
service (``relance.dunning.todo``, ``relance.dunning.calls``, ``relance.channels.manual``,
``relance.channels.letter.service``), each of which records the audit trail.

This module holds the list, the bulk actions and the actions every task shares; the task pages
live in ``message_views`` (e-mail, SMS), ``call_views`` and ``letter_views`` (letters, formal
notices, legal hand-off), with the helpers they share in ``common``.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.accounts.clock import local_day
from relance.accounts.models import Membership, Role
from relance.channels.letter.batch import letters_pending, letters_to_print
from relance.channels.manual import SendRefused, todo_print_letters, todo_send_bulk
from relance.dunning.debtor_requests import pending_debtor_requests
from relance.dunning.models import Reminder
from relance.dunning.services import DunningError
from relance.dunning.todo import (
    KINDS,
    no_longer_due,
    open_todo,
    reminder_done,
    reminder_postpone,
    reminder_skip,
    todo_counts,
    todo_filter,
    todo_rows,
    todo_withdraw_settled,
    why,
)
from relance.web.access import Workspace, org_view
from relance.web.paging import paginate
from relance.web.todo import call_views, common, letter_views, message_views
from relance.web.todo.forms import CallOutcomeForm, DoneForm, PostponeForm, SkipForm

# The "still due?" check withdraws tasks on its own, whoever is looking at the list.
STILL_DUE_CHECK = Actor.system("still-due check")


# --- the list ---------------------------------------------------------------------------------


@org_view
def todo_list(request: HttpRequest, ws: Workspace) -> HttpResponse:
    organisation = ws.organisation
    today = local_day(organisation)
    # What was paid, disputed or promised since the morning leaves the list before it shows.
    todo_withdraw_settled(organisation=organisation, today=today, actor=STILL_DUE_CHECK)
    collector = request.GET.get("collector", "")
    kind = request.GET.get("kind", "")
    by_collector = todo_filter(open_todo(organisation, today=today), collector=collector)
    page = paginate(request, todo_rows(todo_filter(by_collector, kind=kind)))
    rows = list(page.object_list)
    for row in rows:
        oldest = getattr(row, "oldest_due", None)
        row.days_late = (today - oldest).days if oldest else None
        row.reason = why(row)
        row.bulk_ok = row.kind == "email" and row.status == "todo"
    page.object_list = rows
    collectors = (
        Membership.objects.filter(organisation=organisation, role__in=[Role.ADMIN, Role.COLLECTOR])
        .select_related("user").order_by("user__email")
    )  # fmt: skip
    counts = todo_counts(by_collector)
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
        "any_bulk": any(row.bulk_ok for row in rows),
        # What debtors did or asked from the portal comes first: someone is waiting.
        "debtor_requests": list(pending_debtor_requests(organisation, collector=collector)),
    }
    return render(request, "web/todo/list.html", context)


@org_view
@require_POST
def todo_bulk(request: HttpRequest, ws: Workspace) -> HttpResponse:
    wanted: list[str] = []
    for value in request.POST.getlist("reminders"):
        try:
            wanted.append(str(UUID(value)))
        except ValueError:
            continue
    back = common.list_url(ws) + _safe_query(request.POST.get("query", ""))
    if not wanted:
        messages.warning(request, _("Cochez au moins une relance à envoyer."))
        return redirect(back)
    result = todo_send_bulk(organisation=ws.organisation, uuids=wanted,
                            today=local_day(ws.organisation), actor=common.actor(ws))  # fmt: skip
    if result.sent:
        count = len(result.sent)
        # The French text is the same in both forms; English needs a real plural.
        sent = ngettext(
            "%(count)s relance(s) envoyée(s).", "%(count)s relance(s) envoyée(s).", count
        )
        messages.success(request, sent % {"count": count})
    if result.refused:
        names = dict(
            Reminder.objects.filter(organisation=ws.organisation, uuid__in=list(result.refused))
            .values_list("uuid", "customer__name")
        )  # fmt: skip
        for uuid, reason in result.refused.items():
            name = names.get(UUID(uuid), _("Relance"))
            messages.warning(
                request, _("%(name)s : non envoyée, %(reason)s.") % {"name": name, "reason": reason}
            )
    return redirect(back)


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
    try:
        reminder_skip(reminder=task, reason=form.cleaned_data["reason"],
                      today=local_day(ws.organisation), actor=common.actor(ws))  # fmt: skip
    except DunningError as exc:
        messages.error(request, str(exc))
        return redirect(common.detail_url(ws, task))
    messages.success(request, _("Relance de %(name)s écartée.") % {"name": task.customer.name})
    return redirect(common.list_url(ws))


@org_view
@require_POST
def todo_postpone(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = common.reminder(ws, reminder)
    form = PostponeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez une date valide."))
        return redirect(common.detail_url(ws, task))
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
    return redirect(common.list_url(ws))


@org_view
@require_POST
def todo_done(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = common.reminder(ws, reminder)
    if task.channel in ("email", "sms", "call", "letter", "formal_notice"):
        raise Http404(_("Cette tâche se traite depuis sa page."))
    form = DoneForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    try:
        reminder_done(reminder=task, today=local_day(ws.organisation), actor=common.actor(ws),
                      note=note)  # fmt: skip
    except DunningError as exc:
        messages.error(request, str(exc))
        return redirect(common.detail_url(ws, task))
    messages.success(request, _("%(name)s : tâche faite.") % {"name": task.customer.name})
    return redirect(common.list_url(ws))
