"""The letter and formal-notice task page (PDF, printing, posting) and the legal hand-off."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from relance.accounts.clock import local_day
from relance.channels.compose import compose_instructions
from relance.channels.letter.archive import ArchiveUnavailable, dispatch_pdf
from relance.channels.letter.compose import LetterRefused, letter_problem
from relance.channels.letter.service import LetterError, letter_acknowledged, letter_mark_posted
from relance.channels.manual import SendRefused, letter_pdf, refused_notice, todo_print_letters
from relance.channels.models import PostalDispatch
from relance.channels.templating.default_templates import UnknownDefault
from relance.dunning.models import Reminder
from relance.dunning.todo import TODO_STATUSES, NoLongerDue
from relance.web.access import Workspace, org_view
from relance.web.todo import common
from relance.web.todo.forms import AcknowledgedForm, DoneForm, PostedForm

# --- letters and formal notices ---------------------------------------------------------------


def letter_page(
    request: HttpRequest,
    ws: Workspace,
    task: Reminder,
    form: PostedForm | None,
    status: int = 200,
    ack_form: AcknowledgedForm | None = None,
    *,
    download: bool = False,
) -> HttpResponse:
    today = local_day(ws.organisation)
    formal = task.channel == "formal_notice"
    context = common.context(ws, task, common.kind(task), request)
    dispatch = PostalDispatch.objects.filter(reminder=task).first()
    keys = {"org": ws.organisation.slug, "reminder": task.uuid}
    context.update({
        "dispatch": dispatch,
        "posted_form": form or PostedForm(formal=formal, today=today),
        "ack_form": ack_form or AcknowledgedForm(
            number_known=bool(dispatch and dispatch.registered_number)),
        "formal": formal,
        "pdf_url": reverse("todo-letter-pdf", kwargs=keys),
        "archived_url": reverse("todo-letter-archived", kwargs=keys)
        if dispatch is not None and dispatch.pdf else "",
        "address_problem": letter_problem(task),
        "address_url": reverse("customer", kwargs={"org": ws.organisation.slug,
                                                   "customer": task.customer.uuid}) + "#address",
        "download": download,
    })  # fmt: skip
    template = "web/todo/_letter_post.html" if download else "web/todo/letter.html"
    return render(request, template, context, status=status)


@org_view
@xframe_options_sameorigin
def todo_letter_pdf(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    """The letter inline: as printed when it was (the kept PDF), else as it would print today."""
    task = common.reminder(ws, reminder)
    if task.channel not in ("letter", "formal_notice"):
        raise Http404(_("Ce n'est pas une lettre."))
    dispatch = PostalDispatch.objects.filter(reminder=task).first()
    day = dispatch.printed_on if dispatch is not None else local_day(ws.organisation)
    try:
        if dispatch is not None and dispatch.pdf:
            pdf = dispatch_pdf(dispatch)
        else:
            pdf = letter_pdf(task, today=day, printed_by=ws.user)
    except (UnknownDefault, LetterRefused, ArchiveUnavailable) as exc:
        raise Http404(str(exc)) from exc
    return common.pdf(pdf, f"{task.step}-{task.customer.external_ref}.pdf", inline=True)


@org_view
@require_POST
def todo_letter_print(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = common.reminder(ws, reminder)
    if task.channel not in ("letter", "formal_notice") or task.status not in TODO_STATUSES:
        raise Http404(_("Pas de lettre à imprimer."))
    today = local_day(ws.organisation)
    try:
        pdf = todo_print_letters(reminders=[task], today=today, actor=common.actor(ws))
    except SendRefused as exc:
        messages.error(request, str(exc))
        return redirect(common.detail_url(ws, task))
    if request.headers.get("HX-Request") == "true":
        # From the page (htmx): the page shows the letter as printed at once, and the kept
        # PDF downloads; without JavaScript the PDF itself is the answer.
        return letter_page(request, ws, task, None, download=True)
    return common.pdf(pdf, f"{task.step}-{task.customer.external_ref}.pdf", inline=False)


@org_view
def todo_letter_archived(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    """The letter exactly as it was printed (the kept PDF, checked against its hash)."""
    task = common.reminder(ws, reminder)
    return archived_pdf(task)


def archived_pdf(task: Reminder) -> HttpResponse:
    dispatch = PostalDispatch.objects.filter(reminder=task).first()
    if dispatch is None:
        raise Http404(_("Cette lettre n'a pas été imprimée."))
    try:
        data = dispatch_pdf(dispatch)
    except ArchiveUnavailable as exc:
        raise Http404(str(exc)) from exc
    name = f"{task.step}-{task.customer.external_ref}-{dispatch.printed_on:%Y-%m-%d}.pdf"
    return common.pdf(data, name, inline=False)


@org_view
@require_POST
def todo_letter_acknowledged(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = common.reminder(ws, reminder)
    dispatch = PostalDispatch.objects.filter(reminder=task).first()
    form = AcknowledgedForm(request.POST,
                            number_known=bool(dispatch and dispatch.registered_number))  # fmt: skip
    if form.is_valid():
        try:
            letter_acknowledged(reminder=task, actor=common.actor(ws),
                                today=local_day(ws.organisation), **form.cleaned_data)  # fmt: skip
        except LetterError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Accusé de réception enregistré."))
            return redirect(common.detail_url(ws, task))
    return letter_page(request, ws, task, None, status=400, ack_form=form)


@org_view
@require_POST
def todo_letter_posted(request: HttpRequest, ws: Workspace, reminder: UUID) -> HttpResponse:
    task = common.reminder(ws, reminder)
    if task.channel not in ("letter", "formal_notice"):
        raise Http404(_("Ce n'est pas une lettre."))
    if task.status not in TODO_STATUSES:
        messages.error(request, _("Cette lettre a déjà été traitée."))
        return redirect(common.detail_url(ws, task))
    form = PostedForm(request.POST, formal=task.channel == "formal_notice")
    if not form.is_valid():
        return letter_page(request, ws, task, form, status=400)
    next_id = common.following(ws, request, task.customer_id)
    try:
        letter_mark_posted(reminder=task, posted_on=form.cleaned_data["posted_on"],
                           actor=common.actor(ws),
                           registered_number=form.cleaned_data["registered_number"])  # fmt: skip
    except NoLongerDue as exc:
        messages.warning(request, str(exc))
        return redirect(common.list_url(ws))
    except LetterError as exc:
        form.add_error(None, str(exc))
        return letter_page(request, ws, task, form, status=400)
    messages.success(request, _("Envoi à %(name)s enregistré.") % {"name": task.customer.name})
    return redirect(common.after_action(ws, request, task.customer_id, next_id))


# --- legal hand-off ---------------------------------------------------------------------------


def legal_page(request: HttpRequest, ws: Workspace, task: Reminder) -> HttpResponse:
    today = local_day(ws.organisation)
    try:
        note, refused = compose_instructions(task, today=today)
        subject, text = note.subject, note.text
    except UnknownDefault:
        subject, text, refused = "", "", ""
    context = common.context(ws, task, common.kind(task), request)
    context.update({
        "subject": subject, "text": text, "done_form": DoneForm(),
        "notices": [refused_notice(refused)] if refused else [],
    })  # fmt: skip
    return render(request, "web/todo/legal.html", context)
