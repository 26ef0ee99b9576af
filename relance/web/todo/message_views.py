"""The e-mail and SMS task page: the editor, the live preview, attachments and sending."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.accounts.clock import local_day
from relance.channels.manual import (
    ContentChanged,
    Draft,
    SendRefused,
    bounce_fix_send,
    preview_email,
    preview_sms,
    todo_send_email,
    todo_send_sms,
)
from relance.channels.models import OutboundMessage, OutboxStatus
from relance.dunning.models import Reminder, ReminderAttachment
from relance.dunning.services import DunningError
from relance.dunning.todo import (
    FAILED,
    TODO_STATUSES,
    attachment_add,
    attachment_remove,
    attachment_size_check,
    normalise_text,
    reminder_draft_save,
)
from relance.ledger.models import Contact
from relance.web.access import Workspace, org_view
from relance.web.todo import common
from relance.web.todo.forms import (
    BounceFixForm,
    EmailDraftForm,
    SmsDraftForm,
    one_line,
    text_hash,
)


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
        except DunningError as exc:
            form.add_error(None, str(exc))
            return _render_message(request, ws, task, kind, Draft.of(task), bound=form)
        if action == "send":
            return _send(request, ws, task, kind, form.cleaned_data.get("fingerprint") or "")
        messages.success(request, _("Brouillon enregistré."))
        return redirect(common.detail_url(ws, task))
    return _render_message(request, ws, task, kind, Draft.of(task))


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
    next_id = common.following(ws, request, task.customer_id)
    try:
        message = send(reminder=task, today=today, actor=common.actor(ws), fingerprint=fingerprint)
    except ContentChanged as exc:
        messages.warning(request, str(exc))
        return _render_message(request, ws, task, kind, Draft.of(task), status=409)
    except SendRefused as exc:
        messages.error(request, str(exc))
        return _render_message(request, ws, task, kind, Draft.of(task), status=400)
    message.refresh_from_db()
    _report(request, task.customer.name, message)
    return redirect(common.after_action(ws, request, task.customer_id, next_id))


def _report(request: HttpRequest, name: str, message: OutboundMessage) -> None:
    """Say what became of the message, as the outbox recorded it: "sent" only when the server
    took it, "queued" only when it genuinely waits (for a worker, or the SMS sending hours)."""
    status, error = message.status, message.last_error
    when = date_format(localtime(message.next_attempt_at), "DATETIME_FORMAT")
    facts = {"name": name, "error": error, "to": ", ".join(message.recipients), "when": when}
    if status == OutboxStatus.SENT:
        messages.success(request, _("Relance envoyée à %(name)s (%(to)s).") % facts)
    elif status == OutboxStatus.CANCELLED:
        messages.warning(request, _("Envoi à %(name)s annulé : %(error)s.") % facts)
    elif status == OutboxStatus.FAILED:
        messages.error(request, _("Échec de l'envoi à %(name)s : %(error)s. Nouvel essai "
                                  "automatique le %(when)s ; la relance reste dans la liste "
                                  "à faire.") % facts)  # fmt: skip
    elif status in (OutboxStatus.DEAD, OutboxStatus.UNCERTAIN):
        messages.error(request, _("Échec de l'envoi à %(name)s : %(error)s.") % facts)
    elif status == OutboxStatus.QUEUED and message.next_attempt_at > timezone.now():
        messages.info(request, _("SMS à %(name)s en attente des heures d'envoi : il partira le "
                                 "%(when)s.") % facts)  # fmt: skip
    elif settings.RELANCE_EXECUTION == "celery":
        messages.info(request, _("Relance à %(name)s en file d'envoi : un processus d'envoi "
                                 "la prend en charge.") % facts)  # fmt: skip
    elif status == OutboxStatus.SENDING:
        messages.info(request, _("Relance à %(name)s en cours d'envoi.") % facts)
    else:  # embedded mode, still queued: the immediate hand-over did not happen
        facts["error"] = error or _("l'envoi immédiat n'a pas pu se faire")
        text = _(
            "Échec de l'envoi à %(name)s : %(error)s. Le message reste en file et "
            "repartira au prochain passage d'envoi."
        )
        messages.error(request, text % facts)


def _render_message(
    request: HttpRequest,
    ws: Workspace,
    task: Reminder,
    kind: str,
    draft: Draft,
    *,
    bound: EmailDraftForm | SmsDraftForm | None = None,
    status: int = 200,
    bounce_form: BounceFixForm | None = None,
) -> HttpResponse:
    today = local_day(ws.organisation)
    context = common.context(ws, task, kind, request)
    context["attachments"] = ReminderAttachment.objects.filter(reminder=task)
    if context["bounce"] is not None:
        context["bounce_form"] = bounce_form or _bounce_form(task, context["bounce"].address)
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

    Only the preview frame is replaced, never a field the collector types in. Fields they have
    not touched follow the template (changing the invoices listed rewrites them): their new
    text comes as data (``follow``), which the page applies only to a field still as it was
    when the preview was asked for (``todo_editor.js``). The fingerprint, a hidden field,
    comes out of band."""
    task = common.reminder(ws, reminder)
    today = local_day(ws.organisation)
    fresh: EmailDraftForm | SmsDraftForm
    context: dict[str, Any]
    if task.channel == "email":
        email_form = EmailDraftForm(request.POST)
        if not email_form.is_valid():
            return render(request, "web/todo/_form_errors.html", {"form": email_form})
        preview = preview_email(task, email_form.draft(), today=today)
        initial = _email_initial(email_form.draft(), preview, task)
        fresh = EmailDraftForm(initial=initial)
        untouched = [name for name in ("subject", "body") if not email_form.edited(name)]
        context = {"preview": preview}
    else:
        sms_form = SmsDraftForm(request.POST)
        if not sms_form.is_valid():
            return render(request, "web/todo/_form_errors.html", {"form": sms_form})
        draft = sms_form.draft(task.penalties)
        sms = preview_sms(task, draft, today=today)
        initial = _sms_initial(draft, sms)
        fresh = SmsDraftForm(initial=initial)
        untouched = [] if sms_form.edited("body") else ["body"]
        context = {"sms": sms}
    fresh.fields["fingerprint"].widget.attrs["hx-swap-oob"] = "true"
    follow = {name: {"text": initial[name], "base": initial[f"{name}_base"]} for name in untouched}
    context.update({"task": task, "oob": [fresh["fingerprint"]], "follow": follow,
                    "partial": True})  # fmt: skip
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


@org_view
@require_POST
def todo_attachment_remove(
    request: HttpRequest, ws: Workspace, reminder: UUID, attachment: UUID
) -> HttpResponse:
    """One file off the message, once the browser's dialog confirmed it (htmx): the list of
    files comes back, and an event asks the editor for a new preview with its fields as they
    are typed. The draft is neither saved nor sent: what is being typed stays on the page."""
    task = common.reminder(ws, reminder)
    found = get_object_or_404(ReminderAttachment, reminder=task, uuid=attachment)
    context: dict[str, Any] = {"task": task}
    try:
        attachment_remove(attachment=found, actor=common.actor(ws))
    except DunningError as exc:  # the task was done meanwhile
        context["problem"] = str(exc)
    else:
        context["removed"] = found.name
    if not request.headers.get("HX-Request"):
        if "problem" in context:
            messages.error(request, context["problem"])
        else:
            messages.success(request, _("« %(name)s » retirée.") % {"name": found.name})
        return redirect(common.detail_url(ws, task) + "#attachments")
    context["attachments"] = ReminderAttachment.objects.filter(reminder=task)
    response = render(request, "web/todo/_attachments.html", context)
    if "removed" in context:
        response["HX-Trigger"] = "attachments-changed"
    return response


def _bounce_form(task: Reminder, bounced: str, data: Any = None) -> BounceFixForm:
    contacts = list(
        Contact.objects.filter(customer=task.customer).exclude(email="")
        .order_by("-is_primary", "name", "id")
    )  # fmt: skip
    return BounceFixForm(data, contacts=contacts, bounced=bounced)


@org_view
@require_POST
def todo_bounce_fix(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    """The bounced e-mail in one step: the address corrected (or another contact chosen),
    then the message sent again through the outbox."""
    task = common.reminder(ws, reminder)
    bounce = common.bounce_of(getattr(task, "message", None))
    if bounce is None or task.status not in TODO_STATUSES:
        messages.error(request, _("Cette tâche a déjà été traitée."))
        return redirect(common.detail_url(ws, task))
    form = _bounce_form(task, bounce.address, request.POST)
    if not form.is_valid():
        return _render_message(request, ws, task, FAILED, Draft.of(task), bounce_form=form,
                               status=400)  # fmt: skip
    try:
        message = bounce_fix_send(reminder=task, contact=form.chosen(),
                                  email=form.cleaned_data["email"],
                                  today=local_day(ws.organisation),
                                  actor=common.actor(ws))  # fmt: skip
    except SendRefused as exc:
        form.add_error(None, str(exc))
        return _render_message(request, ws, task, FAILED, Draft.of(task), bounce_form=form,
                               status=400)  # fmt: skip
    message.refresh_from_db()
    _report(request, task.customer.name, message)
    return redirect(common.list_url(ws))
