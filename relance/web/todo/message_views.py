"""The e-mail and SMS task page: the editor, the live preview, attachments and sending."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.clock import local_day
from relance.channels.manual import (
    ContentChanged,
    Draft,
    SendRefused,
    preview_email,
    preview_sms,
    todo_send_email,
    todo_send_sms,
)
from relance.channels.models import OutboxStatus
from relance.dunning.models import Reminder, ReminderAttachment
from relance.dunning.services import DunningError
from relance.dunning.todo import (
    TODO_STATUSES,
    attachment_add,
    attachment_remove,
    attachment_size_check,
    normalise_text,
    reminder_draft_save,
)
from relance.web.access import Workspace, org_view
from relance.web.todo import common
from relance.web.todo.forms import EmailDraftForm, SmsDraftForm, one_line, text_hash


def message_page(request: HttpRequest, ws: Workspace, task: Reminder, kind: str) -> HttpResponse:
    is_email = task.channel == "email"
    form_class = EmailDraftForm if is_email else SmsDraftForm
    if request.method == "POST":
        if task.status not in TODO_STATUSES:
            messages.error(request, _("Cette tâche a déjà été traitée."))
            return redirect(common.detail_url(ws, task))
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            return _render_message(request, ws, task, kind, Draft.of(task), bound=form)
        draft = _posted_draft(form, task)
        action = request.POST.get("action", "preview")
        if action == "preview":
            return _render_message(request, ws, task, kind, draft)
        try:
            reminder_draft_save(reminder=task, actor=common.actor(ws), subject=draft.subject,
                                body=draft.body, statement=draft.statement,
                                penalties=draft.penalties, copy_to=draft.copy_to,
                                phone=draft.phone)  # fmt: skip
            if action == "attach":
                return _attach(request, ws, task, form)
            if action.startswith("remove:"):
                wanted = _uuid(action.removeprefix("remove:"))
                attachment = get_object_or_404(ReminderAttachment, reminder=task, uuid=wanted)
                attachment_remove(attachment=attachment, actor=common.actor(ws))
                messages.success(request, _("« %(name)s » retirée.") % {"name": attachment.name})
                return redirect(common.detail_url(ws, task) + "#attachments")
        except DunningError as exc:
            form.add_error(None, str(exc))
            return _render_message(request, ws, task, kind, Draft.of(task), bound=form)
        if action == "send":
            return _send(request, ws, task, kind, form.cleaned_data.get("fingerprint") or "")
        messages.success(request, _("Brouillon enregistré."))
        return redirect(common.detail_url(ws, task))
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
                                data=upload.read(), actor=common.actor(ws))  # fmt: skip
    messages.success(request, _("« %(name)s » jointe au message.") % {"name": attachment.name})
    return redirect(common.detail_url(ws, task) + "#attachments")


def _send(
    request: HttpRequest, ws: Workspace, task: Reminder, kind: str, fingerprint: str
) -> HttpResponse:
    today = local_day(ws.organisation)
    send = todo_send_email if task.channel == "email" else todo_send_sms
    try:
        message = send(reminder=task, today=today, actor=common.actor(ws), fingerprint=fingerprint)
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
    return redirect(common.list_url(ws))


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
    context = common.context(ws, task, kind)
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
    task = common.reminder(ws, reminder)
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
    task = common.reminder(ws, reminder)
    found = get_object_or_404(ReminderAttachment, reminder=task, uuid=attachment)
    with found.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(True, found.name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response
