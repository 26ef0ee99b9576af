"""The call task page: who to call, what is owed, the script, and the outcome."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.clock import local_day
from relance.channels.compose import compose_instructions
from relance.channels.manual import refused_notice
from relance.channels.templating.default_templates import UnknownDefault
from relance.dunning.calls import call_outcome_record
from relance.dunning.models import CallOutcome, Reminder
from relance.dunning.services import DunningError
from relance.dunning.todo import TODO_STATUSES
from relance.ledger.models import Contact
from relance.web.access import Workspace, org_view
from relance.web.todo import common
from relance.web.todo.forms import CallOutcomeForm

# --- calls ------------------------------------------------------------------------------------


def call_initial(ws: Workspace, task: Reminder) -> dict[str, object]:
    today = local_day(ws.organisation)
    overdue = sum(
        (i["outstanding"] for i in common.open_items(task, today) if i["days_late"] > 0),
        common.ZERO,
    )
    return {"promised_on": today + timedelta(days=7), "promised_amount": overdue or None,
            "call_back_on": today + timedelta(days=2)}  # fmt: skip


def call_page(
    request: HttpRequest, ws: Workspace, task: Reminder, form: CallOutcomeForm, status: int = 200
) -> HttpResponse:
    today = local_day(ws.organisation)
    items = common.open_items(task, today)
    try:
        instructions, refused = compose_instructions(task, today=today)
        script = instructions.text
    except UnknownDefault:
        script, refused = "", ""
    context = common.context(ws, task, common.kind(task), request)
    context.update({
        "contacts": Contact.objects.filter(customer=task.customer).order_by("-is_primary", "id"),
        "items": items,
        "script": script,
        "notices": [refused_notice(refused)] if refused else [],
        "history": CallOutcome.objects.filter(reminder__customer=task.customer)
        .select_related("reminder").order_by("-recorded_at")[:5],
        "form": form,
    })  # fmt: skip
    return render(request, "web/todo/call.html", context, status=status)


@org_view
@require_POST
def todo_call_outcome(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = common.reminder(ws, reminder)
    if task.channel != "call":
        raise Http404(_("Ce n'est pas un appel."))
    if task.status not in TODO_STATUSES:
        messages.error(request, _("Cet appel a déjà été traité."))
        return redirect(common.detail_url(ws, task))
    form = CallOutcomeForm(request.POST)
    if not form.is_valid():
        return call_page(request, ws, task, form, status=400)
    data = form.cleaned_data
    next_id = common.following(ws, request, task.customer_id)
    try:
        call_outcome_record(
            reminder=task, outcome=data["outcome"], day=local_day(ws.organisation),
            actor=common.actor(ws), notes=data.get("notes") or "",
            promised_on=data.get("promised_on"), promised_amount=data.get("promised_amount"),
            dispute_reason=data.get("dispute_reason") or "",
            call_back_on=data.get("call_back_on"),
        )  # fmt: skip
    except DunningError as exc:
        form.add_error(None, str(exc))
        return call_page(request, ws, task, form, status=400)
    outcome = dict(form.fields["outcome"].choices).get(data["outcome"], data["outcome"])  # type: ignore[attr-defined]
    messages.success(
        request,
        _("Appel de %(name)s : %(outcome)s.") % {"name": task.customer.name, "outcome": outcome},
    )
    return redirect(common.after_action(ws, request, task.customer_id, next_id))
