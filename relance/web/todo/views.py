"""The credit controller's to-do of the day: the list, and one page per task.

Views stay thin: reading goes through ``relance.dunning.todo`` selectors, every write through a
service (``relance.dunning.todo``, ``relance.dunning.calls``, ``relance.channels.manual``,
``relance.channels.letter.service``), each of which records the audit trail.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from relance.accounts.audit import Actor
from relance.accounts.models import Membership, Role
from relance.channels.compose import compose_instructions
from relance.channels.letter.service import LetterError, letter_mark_posted
from relance.channels.manual import (
    ContentChanged,
    Draft,
    SendRefused,
    letter_pdf,
    letters_to_print,
    letters_waiting,
    preview_email,
    preview_sms,
    todo_print_letters,
    todo_send_bulk,
    todo_send_email,
    todo_send_sms,
)
from relance.channels.models import OutboxStatus, PostalDispatch
from relance.channels.templating.default_templates import UnknownDefault
from relance.dunning.calls import call_outcome_record
from relance.dunning.models import CallOutcome, Reminder, ReminderAttachment
from relance.dunning.schedule import local_day
from relance.dunning.services import DunningError
from relance.dunning.todo import (
    FAILED,
    FAILED_DELIVERY,
    KINDS,
    TODO_STATUSES,
    attachment_add,
    attachment_remove,
    attachment_size_check,
    normalise_text,
    open_todo,
    reminder_done,
    reminder_draft_save,
    reminder_postpone,
    reminder_skip,
    todo_counts,
    todo_filter,
    todo_rows,
    why,
)
from relance.ledger.models import Contact
from relance.ledger.selectors import open_instalments
from relance.web.access import Workspace, org_view
from relance.web.paging import paginate
from relance.web.todo.forms import (
    CallOutcomeForm,
    DoneForm,
    EmailDraftForm,
    PostedForm,
    PostponeForm,
    SkipForm,
    SmsDraftForm,
    one_line,
    text_hash,
)

ZERO = Decimal("0.00")


def _actor(ws: Workspace) -> Actor:
    return Actor(user=ws.user)


def _reminder(ws: Workspace, uuid: UUID) -> Reminder:
    """One of the organisation's reminders; another organisation's uuid is a 404."""
    return get_object_or_404(
        Reminder.objects.select_related("customer", "organisation", "customer__collector"),
        organisation=ws.organisation,
        uuid=uuid,
    )


def _kind(reminder: Reminder) -> str:
    message = getattr(reminder, "message", None)
    if reminder.status == "failed" or (message is not None and message.status in FAILED_DELIVERY):
        return FAILED
    return reminder.channel


def _detail_url(ws: Workspace, reminder: Reminder) -> str:
    return reverse("todo-detail", kwargs={"org": ws.organisation.slug, "reminder": reminder.uuid})


def _list_url(ws: Workspace) -> str:
    return reverse("todo", kwargs={"org": ws.organisation.slug})


# --- the list ---------------------------------------------------------------------------------


@org_view
def todo_list(request: HttpRequest, ws: Workspace) -> HttpResponse:
    organisation = ws.organisation
    today = local_day(organisation)
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
        "letters_waiting": letters_waiting(organisation, today=today),
        "any_bulk": any(row.bulk_ok for row in rows),
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
    back = _list_url(ws) + _safe_query(request.POST.get("query", ""))
    if not wanted:
        messages.warning(request, _("Cochez au moins une relance à envoyer."))
        return redirect(back)
    result = todo_send_bulk(organisation=ws.organisation, uuids=wanted,
                            today=local_day(ws.organisation), actor=_actor(ws))  # fmt: skip
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
                                 today=today, actor=_actor(ws))  # fmt: skip
    except SendRefused as exc:
        messages.info(request, str(exc))
        return redirect(_list_url(ws))
    return _pdf(pdf, f"lettres-{today:%Y-%m-%d}.pdf", inline=False)


def _pdf(data: bytes, name: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- one task ---------------------------------------------------------------------------------


@org_view
def todo_detail(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = _reminder(ws, reminder)
    kind = _kind(task)
    if task.channel in ("email", "sms"):
        return _message_page(request, ws, task, kind)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    if task.channel == "call":
        return _call_page(request, ws, task, CallOutcomeForm(initial=_call_initial(ws, task)))
    if task.channel in ("letter", "formal_notice"):
        return _letter_page(request, ws, task, None)
    return _legal_page(request, ws, task)


def _common(ws: Workspace, task: Reminder, kind: str) -> dict[str, Any]:
    message = getattr(task, "message", None)
    return {
        "task": task,
        "kind": kind,
        "kind_label": KINDS.get(kind, task.channel),
        "is_open": task.status in TODO_STATUSES,
        "can_act": ws.can_write and task.status in TODO_STATUSES,
        "reason": why(task),
        "failed_message": message if kind == FAILED else None,
        "skip_form": SkipForm(),
        "postpone_form": PostponeForm(
            initial={"until": local_day(ws.organisation) + timedelta(days=7)}
        ),
        "today": local_day(ws.organisation),
    }


def _message_page(request: HttpRequest, ws: Workspace, task: Reminder, kind: str) -> HttpResponse:
    is_email = task.channel == "email"
    form_class = EmailDraftForm if is_email else SmsDraftForm
    if request.method == "POST":
        if task.status not in TODO_STATUSES:
            messages.error(request, _("Cette tâche a déjà été traitée."))
            return redirect(_detail_url(ws, task))
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            return _render_message(request, ws, task, kind, Draft.of(task), bound=form)
        draft = _posted_draft(form, task)
        action = request.POST.get("action", "preview")
        if action == "preview":
            return _render_message(request, ws, task, kind, draft)
        try:
            reminder_draft_save(reminder=task, actor=_actor(ws), subject=draft.subject,
                                body=draft.body, statement=draft.statement,
                                penalties=draft.penalties, copy_to=draft.copy_to,
                                phone=draft.phone)  # fmt: skip
            if action == "attach":
                return _attach(request, ws, task, form)
            if action.startswith("remove:"):
                wanted = _uuid(action.removeprefix("remove:"))
                attachment = get_object_or_404(ReminderAttachment, reminder=task, uuid=wanted)
                attachment_remove(attachment=attachment, actor=_actor(ws))
                messages.success(request, _("« %(name)s » retirée.") % {"name": attachment.name})
                return redirect(_detail_url(ws, task) + "#attachments")
        except DunningError as exc:
            form.add_error(None, str(exc))
            return _render_message(request, ws, task, kind, Draft.of(task), bound=form)
        if action == "send":
            return _send(request, ws, task, kind, form.cleaned_data.get("fingerprint") or "")
        messages.success(request, _("Brouillon enregistré."))
        return redirect(_detail_url(ws, task))
    return _render_message(request, ws, task, kind, Draft.of(task))


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError as exc:
        raise Http404(_("Pièce jointe inconnue.")) from exc


def _posted_draft(form: EmailDraftForm | SmsDraftForm, task: Reminder) -> Draft:
    if isinstance(form, EmailDraftForm):
        return form.draft()
    return form.draft(task.penalties)


def _attach(
    request: HttpRequest, ws: Workspace, task: Reminder, form: EmailDraftForm | SmsDraftForm
) -> HttpResponse:
    upload = request.FILES.get("attachment")
    if upload is None:
        raise DunningError(_("Choisissez un fichier à joindre."))
    attachment_size_check(upload.size or 0)
    attachment = attachment_add(reminder=task, name=upload.name or "piece-jointe",
                                data=upload.read(), actor=_actor(ws))  # fmt: skip
    messages.success(request, _("« %(name)s » jointe au message.") % {"name": attachment.name})
    return redirect(_detail_url(ws, task) + "#attachments")


def _send(
    request: HttpRequest, ws: Workspace, task: Reminder, kind: str, fingerprint: str
) -> HttpResponse:
    today = local_day(ws.organisation)
    send = todo_send_email if task.channel == "email" else todo_send_sms
    try:
        message = send(reminder=task, today=today, actor=_actor(ws), fingerprint=fingerprint)
    except ContentChanged as exc:
        messages.warning(request, str(exc))
        return _render_message(request, ws, task, kind, Draft.of(task), status=409)
    except SendRefused as exc:
        messages.error(request, str(exc))
        return _render_message(request, ws, task, kind, Draft.of(task), status=400)
    message.refresh_from_db()
    name = task.customer.name
    if message.status == OutboxStatus.SENT:
        to = ", ".join(message.recipients)
        messages.success(
            request, _("Relance envoyée à %(name)s (%(to)s).") % {"name": name, "to": to}
        )
    elif message.status == OutboxStatus.CANCELLED:
        error = message.last_error
        messages.warning(
            request, _("Envoi à %(name)s annulé : %(error)s.") % {"name": name, "error": error}
        )
    elif message.status == OutboxStatus.DEAD:
        error = message.last_error
        messages.error(
            request, _("Échec de l'envoi à %(name)s : %(error)s.") % {"name": name, "error": error}
        )
    else:
        messages.success(request, _("Relance à %(name)s en file d'envoi.") % {"name": name})
    return redirect(_list_url(ws))


def _render_message(
    request: HttpRequest,
    ws: Workspace,
    task: Reminder,
    kind: str,
    draft: Draft,
    *,
    bound: EmailDraftForm | SmsDraftForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = local_day(ws.organisation)
    context = _common(ws, task, kind)
    context["attachments"] = ReminderAttachment.objects.filter(reminder=task)
    context["preview_url"] = reverse(
        "todo-preview", kwargs={"org": ws.organisation.slug, "reminder": task.uuid}
    )
    if task.channel == "email":
        preview = preview_email(task, draft, today=today)
        context["preview"] = preview
        context["form"] = bound or EmailDraftForm(initial=_email_initial(draft, preview, task))
        template = "web/todo/message.html"
    else:
        sms = preview_sms(task, draft, today=today)
        context["sms"] = sms
        context["form"] = bound or SmsDraftForm(initial=_sms_initial(draft, sms))
        template = "web/todo/message.html"
    return render(request, template, context, status=status)


def _email_initial(draft: Draft, preview: Any, task: Reminder) -> dict[str, object]:
    default_subject = one_line(preview.default_subject)
    default_body = normalise_text(preview.default_body)
    return {
        "subject": draft.subject or default_subject,
        "body": draft.body or default_body,
        "statement": draft.statement,
        "penalties": draft.penalties or task.penalties,
        "copy_to": ", ".join(draft.copy_to),
        "subject_base": text_hash(default_subject),
        "body_base": text_hash(default_body),
        "fingerprint": preview.fingerprint,
    }


def _sms_initial(draft: Draft, sms: Any) -> dict[str, object]:
    default = normalise_text(sms.default_text)
    return {"body": draft.body or default, "phone": sms.phone, "body_base": text_hash(default),
            "fingerprint": sms.fingerprint}  # fmt: skip


@org_view
@require_POST
def todo_preview(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    """The live preview (htmx): the message with the fields as they are now, saving nothing.

    Fields the collector has not touched follow the template, so they are sent back too
    (out of band) when the options change them; the fingerprint always is."""
    task = _reminder(ws, reminder)
    today = local_day(ws.organisation)
    trigger = request.headers.get("HX-Trigger-Name", "")
    fresh: EmailDraftForm | SmsDraftForm
    context: dict[str, Any]
    if task.channel == "email":
        email_form = EmailDraftForm(request.POST)
        if not email_form.is_valid():
            return render(request, "web/todo/_form_errors.html", {"form": email_form})
        preview = preview_email(task, email_form.draft(), today=today)
        fresh = EmailDraftForm(initial=_email_initial(email_form.draft(), preview, task))
        refresh = [
            name for name in ("subject", "body") if not email_form.edited(name) and name != trigger
        ]
        context = {"preview": preview}
    else:
        sms_form = SmsDraftForm(request.POST)
        if not sms_form.is_valid():
            return render(request, "web/todo/_form_errors.html", {"form": sms_form})
        draft = sms_form.draft(task.penalties)
        sms = preview_sms(task, draft, today=today)
        fresh = SmsDraftForm(initial=_sms_initial(draft, sms))
        refresh = ["body"] if not sms_form.edited("body") and trigger != "body" else []
        context = {"sms": sms}
    oob = [*refresh, *(["subject_base"] if "subject" in refresh else []),
           *(["body_base"] if "body" in refresh else []), "fingerprint"]  # fmt: skip
    for name in oob:
        fresh.fields[name].widget.attrs["hx-swap-oob"] = "true"
    context.update({"task": task, "oob": [fresh[name] for name in oob], "partial": True})
    template = (
        "web/todo/_preview_email.html" if task.channel == "email" else "web/todo/_preview_sms.html"
    )
    return render(request, template, context)


@org_view
def todo_attachment(
    request: HttpRequest, ws: Workspace, reminder: UUID, attachment: UUID
) -> HttpResponse:
    task = _reminder(ws, reminder)
    found = get_object_or_404(ReminderAttachment, reminder=task, uuid=attachment)
    with found.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(True, found.name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response


@org_view
@require_POST
def todo_skip(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = _reminder(ws, reminder)
    form = SkipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez pourquoi cette relance est écartée."))
        return redirect(_detail_url(ws, task))
    try:
        reminder_skip(reminder=task, reason=form.cleaned_data["reason"], actor=_actor(ws))
    except DunningError as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(ws, task))
    messages.success(request, _("Relance de %(name)s écartée.") % {"name": task.customer.name})
    return redirect(_list_url(ws))


@org_view
@require_POST
def todo_postpone(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = _reminder(ws, reminder)
    form = PostponeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez une date valide."))
        return redirect(_detail_url(ws, task))
    try:
        reminder_postpone(reminder=task, until=form.cleaned_data["until"],
                          today=local_day(ws.organisation), actor=_actor(ws),
                          reason=form.cleaned_data.get("reason", ""))  # fmt: skip
    except DunningError as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(ws, task))
    until: date = form.cleaned_data["until"]
    messages.success(
        request,
        _("%(name)s : reporté au %(day)s.")
        % {"name": task.customer.name, "day": f"{until:%d/%m/%Y}"},
    )
    return redirect(_list_url(ws))


# --- calls ------------------------------------------------------------------------------------


def _open_items(task: Reminder, today: date) -> list[dict[str, Any]]:
    rows = (
        open_instalments(task.organisation)
        .filter(customer=task.customer, invoice__currency=task.currency)
        .order_by("due_date", "id")
        .values_list("invoice__number", "invoice__issue_date", "due_date", "outstanding")  # type: ignore[misc]
    )
    return [
        {"number": number, "issued": issued, "due": due, "outstanding": Decimal(owed),
         "days_late": (today - due).days}
        for number, issued, due, owed in rows
    ]  # fmt: skip


def _call_initial(ws: Workspace, task: Reminder) -> dict[str, object]:
    today = local_day(ws.organisation)
    overdue = sum((i["outstanding"] for i in _open_items(task, today) if i["days_late"] > 0), ZERO)
    return {"promised_on": today + timedelta(days=7), "promised_amount": overdue or None,
            "call_back_on": today + timedelta(days=2)}  # fmt: skip


def _call_page(
    request: HttpRequest, ws: Workspace, task: Reminder, form: CallOutcomeForm, status: int = 200
) -> HttpResponse:
    today = local_day(ws.organisation)
    items = _open_items(task, today)
    try:
        script = compose_instructions(task, today=today).text
    except UnknownDefault:
        script = ""
    context = _common(ws, task, _kind(task))
    context.update({
        "contacts": Contact.objects.filter(customer=task.customer).order_by("-is_primary", "id"),
        "items": items,
        "total_due": sum((i["outstanding"] for i in items), ZERO),
        "total_overdue": sum((i["outstanding"] for i in items if i["days_late"] > 0), ZERO),
        "script": script,
        "history": CallOutcome.objects.filter(reminder__customer=task.customer)
        .select_related("reminder").order_by("-recorded_at")[:5],
        "form": form,
    })  # fmt: skip
    return render(request, "web/todo/call.html", context, status=status)


@org_view
@require_POST
def todo_call_outcome(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = _reminder(ws, reminder)
    if task.channel != "call":
        raise Http404(_("Ce n'est pas un appel."))
    if task.status not in TODO_STATUSES:
        messages.error(request, _("Cet appel a déjà été traité."))
        return redirect(_detail_url(ws, task))
    form = CallOutcomeForm(request.POST)
    if not form.is_valid():
        return _call_page(request, ws, task, form, status=400)
    data = form.cleaned_data
    try:
        call_outcome_record(
            reminder=task, outcome=data["outcome"], day=local_day(ws.organisation),
            actor=_actor(ws), notes=data.get("notes") or "",
            promised_on=data.get("promised_on"), promised_amount=data.get("promised_amount"),
            dispute_reason=data.get("dispute_reason") or "",
            call_back_on=data.get("call_back_on"),
        )  # fmt: skip
    except DunningError as exc:
        form.add_error(None, str(exc))
        return _call_page(request, ws, task, form, status=400)
    outcome = dict(form.fields["outcome"].choices).get(data["outcome"], data["outcome"])  # type: ignore[attr-defined]
    messages.success(
        request,
        _("Appel de %(name)s : %(outcome)s.") % {"name": task.customer.name, "outcome": outcome},
    )
    return redirect(_list_url(ws))


# --- letters and formal notices ---------------------------------------------------------------


def _letter_page(
    request: HttpRequest,
    ws: Workspace,
    task: Reminder,
    form: PostedForm | None,
    status: int = 200,
) -> HttpResponse:
    today = local_day(ws.organisation)
    formal = task.channel == "formal_notice"
    context = _common(ws, task, _kind(task))
    context.update({
        "dispatch": PostalDispatch.objects.filter(reminder=task).first(),
        "posted_form": form or PostedForm(formal=formal, today=today),
        "formal": formal,
        "pdf_url": reverse("todo-letter-pdf",
                           kwargs={"org": ws.organisation.slug, "reminder": task.uuid}),
    })  # fmt: skip
    return render(request, "web/todo/letter.html", context, status=status)


@org_view
@xframe_options_sameorigin
def todo_letter_pdf(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    """The letter as it prints (dated the day it was printed, else today), inline."""
    task = _reminder(ws, reminder)
    if task.channel not in ("letter", "formal_notice"):
        raise Http404(_("Ce n'est pas une lettre."))
    dispatch = PostalDispatch.objects.filter(reminder=task).first()
    day = dispatch.printed_on if dispatch is not None else local_day(ws.organisation)
    try:
        pdf = letter_pdf(task, today=day)
    except UnknownDefault as exc:
        raise Http404(str(exc)) from exc
    return _pdf(pdf, f"{task.step}-{task.customer.external_ref}.pdf", inline=True)


@org_view
@require_POST
def todo_letter_print(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = _reminder(ws, reminder)
    if task.channel not in ("letter", "formal_notice") or task.status not in TODO_STATUSES:
        raise Http404(_("Pas de lettre à imprimer."))
    today = local_day(ws.organisation)
    pdf = todo_print_letters(reminders=[task], today=today, actor=_actor(ws))
    return _pdf(pdf, f"{task.step}-{task.customer.external_ref}.pdf", inline=False)


@org_view
@require_POST
def todo_letter_posted(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = _reminder(ws, reminder)
    if task.channel not in ("letter", "formal_notice"):
        raise Http404(_("Ce n'est pas une lettre."))
    if task.status not in TODO_STATUSES:
        messages.error(request, _("Cette lettre a déjà été traitée."))
        return redirect(_detail_url(ws, task))
    form = PostedForm(request.POST, formal=task.channel == "formal_notice")
    if not form.is_valid():
        return _letter_page(request, ws, task, form, status=400)
    try:
        letter_mark_posted(reminder=task, posted_on=form.cleaned_data["posted_on"],
                           actor=_actor(ws),
                           registered_number=form.cleaned_data["registered_number"])  # fmt: skip
    except LetterError as exc:
        form.add_error(None, str(exc))
        return _letter_page(request, ws, task, form, status=400)
    messages.success(request, _("Envoi à %(name)s enregistré.") % {"name": task.customer.name})
    return redirect(_list_url(ws))


# --- legal hand-off ---------------------------------------------------------------------------


def _legal_page(request: HttpRequest, ws: Workspace, task: Reminder) -> HttpResponse:
    today = local_day(ws.organisation)
    try:
        note = compose_instructions(task, today=today)
        subject, text = note.subject, note.text
    except UnknownDefault:
        subject, text = "", ""
    items = _open_items(task, today)
    context = _common(ws, task, _kind(task))
    context.update({
        "subject": subject, "text": text, "items": items, "done_form": DoneForm(),
        "total_due": sum((i["outstanding"] for i in items), ZERO),
    })  # fmt: skip
    return render(request, "web/todo/legal.html", context)


@org_view
@require_POST
def todo_done(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = _reminder(ws, reminder)
    if task.channel in ("email", "sms", "call", "letter", "formal_notice"):
        raise Http404(_("Cette tâche se traite depuis sa page."))
    form = DoneForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    try:
        reminder_done(reminder=task, actor=_actor(ws), note=note)
    except DunningError as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(ws, task))
    messages.success(request, _("%(name)s : tâche faite.") % {"name": task.customer.name})
    return redirect(_list_url(ws))
